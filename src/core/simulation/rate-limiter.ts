import type { RateLimitPolicy } from './types.ts'

export interface RateLimitOutcome {
  limited: boolean
  /** whole seconds until the window resets (>= 1 while limited), for Retry-After */
  resetSeconds: number
  /** IETF RateLimit-* headers, for every response under the policy */
  headers: Record<string, string>
}

interface Window {
  start: number
  count: number
  windowMs: number
}

const PRUNE_ABOVE = 10_000
/** Hard cap on tracked clients: past it the oldest windows are forgotten (those clients start afresh). */
const MAX_WINDOWS = 50_000

/** Fixed-window counters per bucket (scope + client). The clock is passed in, so tests never wait. */
export class RateLimiter {
  #windows = new Map<string, Window>()
  #pruneAt = PRUNE_ABOVE

  hit(bucket: string, policy: RateLimitPolicy, now: number): RateLimitOutcome {
    let window = this.#windows.get(bucket)
    if (window === undefined || now - window.start >= policy.windowMs) {
      if (window === undefined && this.#windows.size >= this.#pruneAt) {
        this.#prune(now)
        // prune again only after as many new clients as are left, so pruning stays O(1) amortized
        this.#pruneAt = Math.max(PRUNE_ABOVE, this.#windows.size * 2)
      }
      this.#windows.delete(bucket)
      window = { start: now, count: 0, windowMs: policy.windowMs }
      this.#windows.set(bucket, window)
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

  clear(): void {
    this.#windows.clear()
    this.#pruneAt = PRUNE_ABOVE
  }

  /** Forget windows that have certainly expired, so many one-off clients cannot grow memory without end. */
  #prune(now: number): void {
    for (const [bucket, window] of this.#windows) {
      if (now - window.start >= window.windowMs) this.#windows.delete(bucket)
    }
    // windows are kept in the order they started (re-inserted on renewal): the first are the oldest
    for (const bucket of this.#windows.keys()) {
      if (this.#windows.size <= MAX_WINDOWS) break
      this.#windows.delete(bucket)
    }
  }
}
