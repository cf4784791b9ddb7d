/** Waits `ms`, or less when `signal` aborts first. Injected so tests never wait for real. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>

/** Real timers: a delay never blocks the event loop and is cancelled when the client goes away. */
export const timerSleep: Sleep = (ms, signal) =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve()
    const onAbort = () => {
      clearTimeout(timer)
      resolve()
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
