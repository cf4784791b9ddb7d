import type { RequestLogEntry } from '../http/request-log.ts'

const FLUSH_EVERY_MS = 50
const FLUSH_AT_CHARS = 64 * 1024

/**
 * Buffered, asynchronous line writer: request log lines are joined and written at most every 50 ms
 * (or once 64 KiB are waiting), so logging adds no write per request and few wake-ups for whatever
 * reads the output (a terminal, a pipe).
 */
export function bufferedWriter(write: (text: string) => void): { line(text: string): void; flush(): void } {
  let buffer = ''
  let timer: ReturnType<typeof setTimeout> | undefined
  const flush = (): void => {
    if (timer !== undefined) clearTimeout(timer)
    timer = undefined
    if (buffer === '') return
    const text = buffer
    buffer = ''
    write(text)
  }
  return {
    line(text: string): void {
      buffer += `${text}\n`
      if (buffer.length >= FLUSH_AT_CHARS) flush()
      else if (timer === undefined) timer = setTimeout(flush, FLUSH_EVERY_MS)
    },
    flush,
  }
}

export function formatRequest(entry: RequestLogEntry): string {
  const status = entry.status === 0 ? 'no response' : String(entry.status)
  const simulated = entry.simulated === undefined ? '' : ` (simulated: ${entry.simulated})`
  return `${entry.method} ${entry.path} ${status} ${entry.durationMs.toFixed(1)}ms${simulated}`
}
