import { createWriteStream } from 'node:fs'
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

/** Log output beyond this much unwritten text is dropped (and counted) rather than kept in memory. */
const MAX_PENDING_BYTES = 4 * 1024 * 1024

/**
 * Standard output written asynchronously. Node writes to pipes and files synchronously, so a log reader
 * that falls behind (a busy terminal, a parent process) would stall the server; here the writes go
 * through the thread pool instead, and if the reader stops reading altogether, lines are dropped with
 * a note rather than piling up in memory.
 */
export function asyncStdout(): { write(text: string): void; close(): Promise<void> } {
  const stream = createWriteStream('', { fd: 1, autoClose: false })
  let dropped = 0
  stream.on('error', () => {
    // stdout closed (e.g. piped into `head`): logging stops, serving goes on
    dropped = Number.POSITIVE_INFINITY
  })
  return {
    write(text) {
      if (dropped === Number.POSITIVE_INFINITY) return
      if (stream.writableLength > MAX_PENDING_BYTES) {
        dropped += text.split('\n').length - 1
        return
      }
      if (dropped > 0) {
        stream.write(`(restmock: ${dropped} request log lines dropped: the output was not being read)\n`)
        dropped = 0
      }
      stream.write(text)
    },
    close() {
      return new Promise((resolve) => {
        if (stream.writableLength === 0 || dropped === Number.POSITIVE_INFINITY) resolve()
        // writes complete in order: this callback runs once everything before it is written
        else stream.write('', () => resolve())
      })
    },
  }
}
