/**
 * Gives back the memory V8 keeps after a burst of allocation. Loading a large state grows the young
 * generation to its maximum (about 25 MB more resident memory at 100k records), and V8 shrinks it
 * again only in a garbage collection that runs once allocation has been low for a few seconds, which
 * an idle server never triggers by itself. So, every time the server has been idle for a whole check
 * period after being busy (or after starting), one full collection runs: a few tens of ms, when
 * nobody is waiting.
 */
export interface IdleTrimmer {
  /** Called once per period with the event-loop utilization (0..1) over that period. */
  check(utilization: number): void
}

/** Below this share of a period spent working, the server counts as idle (timers, a stray request). */
const IDLE_UTILIZATION = 0.01

export function idleTrimmer(collect: () => void): IdleTrimmer {
  let trimmed = false
  return {
    check(utilization) {
      if (utilization >= IDLE_UTILIZATION) {
        trimmed = false
        return
      }
      if (trimmed) return
      trimmed = true
      collect()
    },
  }
}

/** Checks every `periodMs` (unref'd: it never keeps the process alive); returns a stop function. */
export function trimHeapWhenIdle(collect: () => void, periodMs = 6000): () => void {
  const trimmer = idleTrimmer(collect)
  let last = performance.eventLoopUtilization()
  const timer = setInterval(() => {
    const now = performance.eventLoopUtilization()
    trimmer.check(performance.eventLoopUtilization(now, last).utilization)
    last = now
  }, periodMs)
  timer.unref()
  return () => clearInterval(timer)
}
