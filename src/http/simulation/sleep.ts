/** Waits `ms`, or less when `signal` aborts first. Injected so tests never wait for real. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>

const MAX_TIMER_MS = 2 ** 31 - 1

/** Real timers: a delay never blocks the event loop and is cancelled when the client goes away. */
export const timerSleep: Sleep = (ms, signal) =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve()
    const onAbort = () => {
      clearTimeout(timer)
      resolve()
    }
    // setTimeout fires at once for delays above 2^31-1 ms; hold that long (about 24.8 days) at most
    const timer = setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort)
        resolve()
      },
      Math.min(ms, MAX_TIMER_MS),
    )
    signal?.addEventListener('abort', onAbort, { once: true })
  })
