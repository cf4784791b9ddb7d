import type { RequestLogEntry } from '../http/request-log.ts'

/**
 * Buffered, asynchronous line writer: request log lines are joined and written once per event-loop
 * turn, so logging never adds a synchronous write to a request.
 */
export function bufferedWriter(write: (text: string) => void): { line(text: string): void; flush(): void } {
  let buffer: string[] = []
  let scheduled = false
  const flush = (): void => {
    scheduled = false
    if (buffer.length === 0) return
    const text = `${buffer.join('\n')}\n`
    buffer = []
    write(text)
  }
  return {
    line(text: string): void {
      buffer.push(text)
      if (!scheduled) {
        scheduled = true
        setImmediate(flush)
      }
    },
    flush,
  }
}

export function formatRequest(entry: RequestLogEntry): string {
  const status = entry.status === 0 ? 'no response' : String(entry.status)
  const simulated = entry.simulated === undefined ? '' : ` (simulated: ${entry.simulated})`
  return `${entry.method} ${entry.path} ${status} ${entry.durationMs.toFixed(1)}ms${simulated}`
}
