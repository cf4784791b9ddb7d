import type { Socket } from 'node:net'
import type { Context, Next } from 'hono'
import { RestmockError } from '../../core/errors.ts'
import type { FaultPlan, SimulatedFailure } from '../../core/simulation/policy.ts'
import { problemResponse } from '../problem.ts'
import { alreadySent, nodeBindings } from '../request.ts'

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

/** The problem+json answer of a simulated failure or a rate-limited request. */
export function failureResponse(
  failure: SimulatedFailure,
  rateLimitHeaders: Readonly<Record<string, string>> | undefined,
  instance: string,
  cors: Readonly<Record<string, string>>,
): Response {
  const headers = { ...rateLimitHeaders, ...failure.headers }
  return problemResponse(
    new RestmockError(failure.code, failure.detail, { status: failure.status, headers }),
    instance,
    cors,
  )
}

/** 504 after a `timeout` fault held the request for `simulate.timeout`. */
export function timeoutResponse(
  timeoutMs: number,
  instance: string,
  cors: Readonly<Record<string, string>>,
): Response {
  const detail = `simulated timeout: the request was held for ${timeoutMs}ms (simulate.timeout)`
  return problemResponse(new RestmockError('simulated_failure', detail, { status: 504 }), instance, cors)
}

/** In-process (no socket) a connection fault that needs one is answered as a 502 instead. */
export function noSocketResponse(
  kind: string,
  instance: string,
  cors: Readonly<Record<string, string>>,
): Response {
  const detail = `simulated "${kind}" connection fault: there is no socket in-process, so it is answered with 502`
  return problemResponse(
    new RestmockError('simulated_failure', detail, { status: 502, headers: { 'x-restmock-fault': kind } }),
    instance,
    cors,
  )
}

export interface FaultOutcome {
  response: Response
  /** true when the client got no (complete) response */
  noResponse: boolean
}

/**
 * Act out a connection fault. `reset`, `empty` and `timeout` happen before the handler runs, so nothing
 * is written; `malformed` and `dribble` damage or slow the real response, so the handler runs.
 * On a real socket each fault resolves only once the socket is finished with, so nothing the adapter
 * writes afterwards can reach the client.
 */
export async function actOutFault(
  c: Context,
  plan: FaultPlan,
  next: Next,
  sleep: Sleep,
  cors: Readonly<Record<string, string>>,
): Promise<FaultOutcome> {
  const socket = nodeBindings(c)?.incoming.socket
  const instance = c.req.path
  switch (plan.kind) {
    case 'reset':
    case 'empty':
      if (socket === undefined)
        return { response: noSocketResponse(plan.kind, instance, cors), noResponse: false }
      if (plan.kind === 'reset') socket.resetAndDestroy()
      else await endThenDestroy(socket)
      return { response: alreadySent(), noResponse: true }
    case 'timeout':
      return holdUntilTimeout(c, socket, plan.timeoutMs, sleep, cors)
    case 'malformed':
      await next()
      return socket === undefined
        ? { response: truncatedInProcess(c.res), noResponse: false }
        : { response: await truncatedOnSocket(socket, c.res), noResponse: true }
    case 'dribble':
      await next()
      return { response: await dribbled(c.res, plan.chunks, plan.durationMs, sleep), noResponse: false }
  }
}

function endThenDestroy(socket: Socket, data?: Uint8Array): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed) return resolve()
    const done = () => {
      socket.destroy()
      resolve()
    }
    if (data === undefined) socket.end(done)
    else socket.end(data, done)
  })
}

/** Hold the request until the client gives up (answer nothing) or `timeoutMs` passes (answer 504). */
async function holdUntilTimeout(
  c: Context,
  socket: Socket | undefined,
  timeoutMs: number | undefined,
  sleep: Sleep,
  cors: Readonly<Record<string, string>>,
): Promise<FaultOutcome> {
  const gone = new AbortController()
  let clientGone: Promise<void>
  if (socket !== undefined) {
    clientGone = socket.destroyed
      ? Promise.resolve()
      : new Promise((resolve) => socket.once('close', () => resolve()))
  } else {
    const signal = c.req.raw.signal
    clientGone = signal.aborted
      ? Promise.resolve()
      : new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }))
  }
  const waits: Array<Promise<'gone' | 'timeout'>> = [clientGone.then(() => 'gone' as const)]
  if (timeoutMs !== undefined) waits.push(sleep(timeoutMs, gone.signal).then(() => 'timeout' as const))
  const winner = await Promise.race(waits)
  gone.abort()
  if (winner === 'gone') return { response: alreadySent(), noResponse: true }
  return { response: timeoutResponse(timeoutMs!, c.req.path, cors), noResponse: false }
}

/** The status line, the headers (with the full Content-Length) and half the body, then the socket closes. */
async function truncatedOnSocket(socket: Socket, response: Response): Promise<Response> {
  const body = new Uint8Array(await response.arrayBuffer())
  const lines = [`HTTP/1.1 ${response.status} ${response.statusText || 'OK'}`]
  response.headers.forEach((value, name) => {
    if (name !== 'content-length' && name !== 'transfer-encoding') lines.push(`${name}: ${value}`)
  })
  lines.push(`content-length: ${body.byteLength}`, 'connection: close', '', '')
  const head = Buffer.from(lines.join('\r\n'))
  // with no body to cut, the head itself is cut short
  const partial =
    body.byteLength > 1
      ? Buffer.concat([head, body.subarray(0, Math.floor(body.byteLength / 2))])
      : head.subarray(0, Math.floor(head.byteLength / 2))
  await endThenDestroy(socket, partial)
  return alreadySent()
}

/** In-process: the real status and headers, and a body stream that fails half way through. */
function truncatedInProcess(response: Response): Response {
  // 204 / 304 have no body to cut short
  if (response.body === null || response.status === 204 || response.status === 304) return response
  const source = response
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      const bytes = new Uint8Array(await source.arrayBuffer())
      controller.enqueue(bytes.subarray(0, Math.floor(bytes.byteLength / 2)))
      controller.error(
        new Error('simulated malformed response: the connection closed in the middle of the body'),
      )
    },
  })
  const headers = new Headers(source.headers)
  headers.set('x-restmock-fault', 'malformed')
  return new Response(body, { status: source.status, statusText: source.statusText, headers })
}

/** The real body in `chunks` pieces spread over `durationMs` (the first piece at once). */
async function dribbled(
  response: Response,
  chunks: number,
  durationMs: number,
  sleep: Sleep,
): Promise<Response> {
  const bytes = new Uint8Array(await response.arrayBuffer())
  const pieces = Math.max(1, Math.min(chunks, bytes.byteLength))
  const size = Math.ceil(bytes.byteLength / pieces)
  const pause = pieces > 1 ? durationMs / (pieces - 1) : 0
  let index = 0
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (index > 0 && pause > 0) await sleep(pause)
      controller.enqueue(bytes.subarray(index * size, (index + 1) * size))
      index++
      if (index >= pieces) controller.close()
    },
  })
  const headers = new Headers(response.headers)
  headers.set('content-length', String(bytes.byteLength))
  return new Response(bytes.byteLength === 0 ? null : body, { status: response.status, headers })
}
