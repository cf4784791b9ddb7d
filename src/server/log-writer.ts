import { createWriteStream } from 'node:fs'
import type { RequestLogEntry } from '../http/journal/journal-recorder.ts'

const FLUSH_EVERY_MS = 50
const BUFFER_BYTES = 64 * 1024

/** Where flushed log text goes: `lines` is the number of lines in `chunk`. */
export type LogSink = (chunk: Buffer, lines: number) => void

/**
 * Buffered, asynchronous line writer: request log lines are written at most every 50 ms (or once 64 KiB
 * are waiting), so logging adds no write per request and few wake-ups for whatever reads the output (a
 * terminal, a pipe). Lines are encoded into a byte buffer as they come: at tens of thousands of requests
 * per second, thousands of pending line strings would otherwise survive young-generation GCs and be
 * copied by each one.
 */
export function bufferedWriter(sink: LogSink): { line(text: string): void; flush(): void } {
  let buffer = Buffer.allocUnsafe(BUFFER_BYTES)
  let used = 0
  let lines = 0
  let timer: ReturnType<typeof setTimeout> | undefined
  const flush = (): void => {
    if (timer !== undefined) clearTimeout(timer)
    timer = undefined
    if (used === 0) return
    const chunk = buffer.subarray(0, used)
    const count = lines
    buffer = Buffer.allocUnsafe(BUFFER_BYTES)
    used = 0
    lines = 0
    sink(chunk, count)
  }
  return {
    line(text: string): void {
      // UTF-8 needs at most 3 bytes per UTF-16 unit, plus the newline
      const room = text.length * 3 + 1
      if (used + room > BUFFER_BYTES) flush()
      if (room > BUFFER_BYTES) {
        sink(Buffer.from(`${text}\n`), 1)
        return
      }
      used += buffer.write(text, used, 'utf8')
      buffer[used++] = 0x0a
      lines++
      if (timer === undefined) timer = setTimeout(flush, FLUSH_EVERY_MS)
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
export function asyncStdout(): { write: LogSink; close(): Promise<void> } {
  const stream = createWriteStream('', { fd: 1, autoClose: false })
  let dropped = 0
  stream.on('error', () => {
    // stdout closed (e.g. piped into `head`): logging stops, serving goes on
    dropped = Number.POSITIVE_INFINITY
  })
  return {
    write(chunk, lines) {
      if (dropped === Number.POSITIVE_INFINITY) return
      if (stream.writableLength > MAX_PENDING_BYTES) {
        dropped += lines
        return
      }
      if (dropped > 0) {
        stream.write(`(restmock: ${dropped} request log lines dropped: the output was not being read)\n`)
        dropped = 0
      }
      stream.write(chunk)
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
