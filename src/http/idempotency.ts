import { createHash } from 'node:crypto'
import { RestmockError } from '../core/errors.ts'

interface StoredResponse {
  /** hash of the canonical request body: a replay compares it, so the body itself is not kept */
  fingerprint: string
  status: number
  headers: [string, string][]
  body: string | null
  /** estimated memory held by this entry */
  bytes: number
}

type Entry = StoredResponse | { inFlight: true; bytes: number }

export interface IdempotencyLimits {
  /** most keys remembered (default 1,000) */
  maxEntries?: number
  /** most bytes held by keys and stored responses together (default 16 MiB) */
  maxBytes?: number
}

export const DEFAULT_IDEMPOTENCY_ENTRIES = 1000
export const DEFAULT_IDEMPOTENCY_BYTES: number = 16 * 1024 * 1024

/** Fixed cost of one entry beside its strings (Map slot, objects, header array). */
const ENTRY_OVERHEAD = 160

/**
 * Replays the first response of a POST for a repeated Idempotency-Key (draft-ietf-httpapi-idempotency-key-header):
 * same key + same body -> the stored response; same key + another body -> 422; concurrent duplicate -> 409.
 * Bounded in entries and in bytes (key + stored response): the least recently used keys are forgotten first,
 * and a response larger than the whole budget is not stored (a retry of it creates again).
 */
export class IdempotencyCache {
  private readonly entries = new Map<string, Entry>()
  private readonly maxEntries: number
  private readonly maxBytes: number
  private totalBytes = 0

  constructor(limits: IdempotencyLimits = {}) {
    this.maxEntries = limits.maxEntries ?? DEFAULT_IDEMPOTENCY_ENTRIES
    this.maxBytes = limits.maxBytes ?? DEFAULT_IDEMPOTENCY_BYTES
  }

  /** keys remembered (in flight included) */
  get size(): number {
    return this.entries.size
  }

  /** estimated bytes held */
  get bytes(): number {
    return this.totalBytes
  }

  /**
   * The stored response to replay (with this request's CORS headers), or undefined when this key is new
   * (it is then marked in flight).
   */
  begin(key: string, fingerprint: string, cors: Readonly<Record<string, string>>): Response | undefined {
    const entry = this.entries.get(key)
    if (entry === undefined) {
      this.store(key, { inFlight: true, bytes: entryBytes(key, 0) })
      return undefined
    }
    if ('inFlight' in entry) {
      throw new RestmockError('conflict', 'a request with this Idempotency-Key is still being processed')
    }
    if (entry.fingerprint !== digest(fingerprint)) {
      throw new RestmockError(
        'validation_failed',
        'this Idempotency-Key was already used with a different body',
        {
          errors: [{ pointer: '', detail: 'does not match the body first sent with this Idempotency-Key' }],
        },
      )
    }
    // most recently used last: eviction takes the front
    this.entries.delete(key)
    this.entries.set(key, entry)
    const headers = new Headers(entry.headers)
    for (const [name, value] of Object.entries(cors)) headers.set(name, value)
    headers.set('idempotent-replayed', 'true')
    return new Response(entry.body, { status: entry.status, headers })
  }

  async complete(key: string, fingerprint: string, response: Response): Promise<void> {
    if (response.status >= 500) {
      this.abandon(key)
      return
    }
    const body = response.status === 204 ? null : await response.clone().text()
    // CORS headers belong to each caller, not to the stored answer
    const headers = [...response.headers].filter(
      ([name]) => !name.startsWith('access-control-') && name !== 'vary',
    )
    let size = body?.length ?? 0
    for (const [name, value] of headers) size += name.length + value.length
    const bytes = entryBytes(key, size)
    if (bytes > this.maxBytes) {
      this.abandon(key)
      return
    }
    this.store(key, { fingerprint: digest(fingerprint), status: response.status, headers, body, bytes })
  }

  /** Forget every key (the state they refer to was reset). */
  clear(): void {
    this.entries.clear()
    this.totalBytes = 0
  }

  abandon(key: string): void {
    const entry = this.entries.get(key)
    if (entry === undefined) return
    this.entries.delete(key)
    this.totalBytes -= entry.bytes
  }

  private store(key: string, entry: Entry): void {
    this.abandon(key)
    this.entries.set(key, entry)
    this.totalBytes += entry.bytes
    for (const [oldest, evicted] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.totalBytes <= this.maxBytes) break
      if (oldest === key) continue
      this.entries.delete(oldest)
      this.totalBytes -= evicted.bytes
    }
  }
}

function entryBytes(key: string, payload: number): number {
  return ENTRY_OVERHEAD + key.length + payload + FINGERPRINT_LENGTH
}

const FINGERPRINT_LENGTH = 43

function digest(fingerprint: string): string {
  return createHash('sha256').update(fingerprint).digest('base64url')
}

/** JSON with object keys sorted, so equal bodies have equal fingerprints whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (typeof value === 'object' && value !== null) {
    const keys = Object.keys(value).sort()
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`).join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}
