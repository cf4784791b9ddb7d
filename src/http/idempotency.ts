import { RestmockError } from '../core/errors.ts'

interface StoredResponse {
  fingerprint: string
  status: number
  headers: [string, string][]
  body: string | null
}

/**
 * Replays the first response of a POST for a repeated Idempotency-Key (draft-ietf-httpapi-idempotency-key-header):
 * same key + same body -> the stored response; same key + another body -> 422; concurrent duplicate -> 409.
 */
export class IdempotencyCache {
  private readonly entries = new Map<string, StoredResponse | 'in-flight'>()
  private readonly capacity: number

  constructor(capacity = 1000) {
    this.capacity = capacity
  }

  /**
   * The stored response to replay (with this request's CORS headers), or undefined when this key is new
   * (it is then marked in flight).
   */
  begin(key: string, fingerprint: string, cors: Readonly<Record<string, string>>): Response | undefined {
    const entry = this.entries.get(key)
    if (entry === undefined) {
      this.entries.set(key, 'in-flight')
      this.evict()
      return undefined
    }
    if (entry === 'in-flight') {
      throw new RestmockError('conflict', 'a request with this Idempotency-Key is still being processed')
    }
    if (entry.fingerprint !== fingerprint) {
      throw new RestmockError(
        'validation_failed',
        'this Idempotency-Key was already used with a different body',
        {
          errors: [{ pointer: '', detail: 'does not match the body first sent with this Idempotency-Key' }],
        },
      )
    }
    const headers = new Headers(entry.headers)
    for (const [name, value] of Object.entries(cors)) headers.set(name, value)
    headers.set('idempotent-replayed', 'true')
    return new Response(entry.body, { status: entry.status, headers })
  }

  async complete(key: string, fingerprint: string, response: Response): Promise<void> {
    if (response.status >= 500) {
      this.entries.delete(key)
      return
    }
    const body = response.status === 204 ? null : await response.clone().text()
    // CORS headers belong to each caller, not to the stored answer
    const headers = [...response.headers].filter(
      ([name]) => !name.startsWith('access-control-') && name !== 'vary',
    )
    this.entries.set(key, { fingerprint, status: response.status, headers, body })
  }

  /** Forget every key (the state they refer to was reset). */
  clear(): void {
    this.entries.clear()
  }

  abandon(key: string): void {
    this.entries.delete(key)
  }

  private evict(): void {
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value
      if (oldest === undefined) return
      this.entries.delete(oldest)
    }
  }
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
