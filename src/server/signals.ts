/** Resolve once SIGINT or SIGTERM arrived and `shutdown` finished (a second signal exits at once). */
export function waitForShutdown(shutdown: () => Promise<void>): Promise<void> {
  return new Promise((resolve, reject) => {
    let stopping = false
    const onSignal = (signal: NodeJS.Signals): void => {
      if (stopping) {
        process.stderr.write(`restmock: ${signal} again, exiting without waiting\n`)
        process.exit(1)
      }
      stopping = true
      shutdown().then(() => {
        process.off('SIGINT', onSignal)
        process.off('SIGTERM', onSignal)
        resolve()
      }, reject)
    }
    process.on('SIGINT', onSignal)
    process.on('SIGTERM', onSignal)
  })
}
