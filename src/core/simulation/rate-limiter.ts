import { createHash } from 'node:crypto'
import type { RateLimitPolicy } from './policy.ts'

export interface RateLimitOutcome {
  limited: boolean
  /** whole seconds until the window resets (>= 1 while limited), for Retry-After */
  resetSeconds: number
  /** IETF RateLimit-* headers, for every response under the policy */
  headers: Record<string, string>
}

export interface RateLimiterLimits {
  /** most clients tracked at once (default 50,000) */
  maxKeys?: number
  /** most bytes held by the tracked keys (default 8 MiB) */
  maxBytes?: number
  /** longer bucket keys (a huge API key or header value) are kept as their SHA-256 (default 256) */
  maxKeyLength?: number
}

export const DEFAULT_RATE_LIMIT_KEYS = 50_000
export const DEFAULT_RATE_LIMIT_BYTES: number = 8 * 1024 * 1024
export const DEFAULT_RATE_LIMIT_KEY_LENGTH = 256

interface Window {
  start: number
  count: number
  windowMs: number
}

const PRUNE_ABOVE = 10_000
/** Fixed cost of one tracked window beside its key (Map slot and window object). */
const WINDOW_OVERHEAD = 96
/** length of a shortened key: "#" and a base64url SHA-256 */
const HASHED_LENGTH = 44

/**
 * Fixed-window counters per bucket (scope + client). The clock is passed in, so tests never wait.
 * Memory is bounded whatever the clients send: long keys are replaced by their SHA-256,
 * expired windows are swept as the table grows, and past `maxKeys` or `maxBytes` the windows that
 * started first are forgotten (those clients start afresh).
 */
export class RateLimiter {
  #windows = new Map<string, Window>()
  #pruneAt = PRUNE_ABOVE
  #bytes = 0
  readonly #maxKeys: number
  readonly #maxBytes: number
  readonly #maxKeyLength: number

  constructor(limits: RateLimiterLimits = {}) {
    this.#maxKeys = limits.maxKeys ?? DEFAULT_RATE_LIMIT_KEYS
    this.#maxBytes = limits.maxBytes ?? DEFAULT_RATE_LIMIT_BYTES
    this.#maxKeyLength = Math.max(limits.maxKeyLength ?? DEFAULT_RATE_LIMIT_KEY_LENGTH, HASHED_LENGTH)
  }

  hit(bucket: string, policy: RateLimitPolicy, now: number): RateLimitOutcome {
    const key = bucket.length > this.#maxKeyLength ? shorten(bucket) : bucket
    let window = this.#windows.get(key)
    if (window === undefined || now - window.start >= policy.windowMs) {
      if (window === undefined && this.#windows.size >= this.#pruneAt) {
        this.#prune(now)
        // prune again only after as many new clients as are left, so pruning stays O(1) amortized
        this.#pruneAt = Math.max(PRUNE_ABOVE, this.#windows.size * 2)
      }
      this.#forget(key)
      window = { start: now, count: 0, windowMs: policy.windowMs }
      this.#windows.set(key, window)
      this.#bytes += cost(key)
      this.#bound(key)
    }
    window.count++
    const limited = window.count > policy.limit
    const resetSeconds = Math.max(1, Math.ceil((window.start + policy.windowMs - now) / 1000))
    const headers = {
      'RateLimit-Limit': String(policy.limit),
      'RateLimit-Remaining': String(Math.max(0, policy.limit - window.count)),
      'RateLimit-Reset': String(resetSeconds),
      'RateLimit-Policy': `${policy.limit};w=${Math.ceil(policy.windowMs / 1000)}`,
    }
    return { limited, resetSeconds, headers }
  }

  /** clients currently tracked */
  get size(): number {
    return this.#windows.size
  }

  /** estimated bytes held by the tracked keys */
  get bytes(): number {
    return this.#bytes
  }

  clear(): void {
    this.#windows.clear()
    this.#bytes = 0
    this.#pruneAt = PRUNE_ABOVE
  }

  #forget(key: string): void {
    if (this.#windows.delete(key)) this.#bytes -= cost(key)
  }

  /** Forget windows that have certainly expired, so many one-off clients cannot grow memory without end. */
  #prune(now: number): void {
    for (const [key, window] of this.#windows) {
      if (now - window.start >= window.windowMs) this.#forget(key)
    }
  }

  /** Over a limit: windows are kept in the order they started (re-inserted on renewal), so the first go. */
  #bound(newest: string): void {
    for (const key of this.#windows.keys()) {
      if (this.#windows.size <= this.#maxKeys && this.#bytes <= this.#maxBytes) return
      if (key !== newest) this.#forget(key)
    }
  }
}

function cost(key: string): number {
  return WINDOW_OVERHEAD + key.length
}

// only the hash: a slice of the key would keep the whole original string alive
function shorten(bucket: string): string {
  return `#${createHash('sha256').update(bucket).digest('base64url')}`
}
