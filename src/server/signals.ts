/**
 * Resolve once SIGINT or SIGTERM arrived and `shutdown` finished. The first signal says what is
 * happening on stderr; a second one exits at once (code 1) without waiting for requests or writes.
 */
export function waitForShutdown(shutdown: () => Promise<void>): Promise<void> {
  return new Promise((resolve, reject) => {
    let stopping = false
    const onSignal = (signal: NodeJS.Signals): void => {
      if (stopping) {
        process.stderr.write(`restmock: ${signal} again, exiting without waiting\n`)
        process.exit(1)
      }
      stopping = true
      process.stderr.write(
        `restmock: ${signal} received, finishing requests in flight (send it again to exit at once)\n`,
      )
      shutdown().then(
        () => {
          process.off('SIGINT', onSignal)
          process.off('SIGTERM', onSignal)
          resolve()
        },
        (error: unknown) => {
          process.off('SIGINT', onSignal)
          process.off('SIGTERM', onSignal)
          reject(error)
        },
      )
    }
    process.on('SIGINT', onSignal)
    process.on('SIGTERM', onSignal)
  })
}
