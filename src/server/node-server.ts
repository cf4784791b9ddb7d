import { maxHeaderSize, type Server } from 'node:http'
import type { Duplex } from 'node:stream'
import { createAdaptorServer } from '@hono/node-server'
import { ConfigError, RestmockError } from '../core/errors.ts'
import { problemResponse, statusOf, titleOf } from '../http/problem.ts'

type Fetch = (request: Request, env: unknown) => Response | Promise<Response>

/** How long a client may take and how many connections it may hold. */
export interface ServerLimits {
  /** the request line and headers must arrive within this (408 otherwise) */
  headersTimeoutMs: number
  /** the whole request, body included, must arrive within this (408 otherwise) */
  requestTimeoutMs: number
  /** an idle keep-alive connection is closed after this */
  keepAliveTimeoutMs: number
  /** how often the two timeouts above are checked */
  checkIntervalMs: number
  /** connections beyond this many are refused */
  maxConnections: number
  /** on close, in-flight requests get this long to finish before their connections are cut */
  shutdownGraceMs: number
}

export const SERVER_LIMITS: Readonly<ServerLimits> = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  checkIntervalMs: 1_000,
  maxConnections: 1024,
  shutdownGraceMs: 5_000,
}

export interface ListeningServer {
  server: Server
  port: number
  /** stop accepting, let in-flight requests finish (up to the grace period), then cut what is left */
  close(): Promise<void>
}

/**
 * A Node HTTP server for `fetch`, bound to host:port, with slow clients cut off, idle connections
 * bounded and Node's own parser errors answered as problem+json. A port already in use (or one that
 * cannot be used) rejects with a ConfigError naming it.
 */
export function listenNodeServer(
  fetch: Fetch,
  host: string,
  port: number,
  overrides: Partial<ServerLimits> = {},
): Promise<ListeningServer> {
  const limits = { ...SERVER_LIMITS, ...overrides }
  const server = createAdaptorServer({
    fetch,
    serverOptions: {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      connectionsCheckingInterval: limits.checkIntervalMs,
    },
  }) as Server
  server.maxConnections = limits.maxConnections
  server.on('clientError', (error: ParserError, socket: HttpSocket) =>
    answerClientError(error, socket, limits),
  )
  return new Promise((resolveListen, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(listenError(error, host, port)))
    server.listen(port, host, () => {
      server.removeAllListeners('error')
      const address = server.address()
      const bound = typeof address === 'object' && address !== null ? address.port : port
      resolveListen({
        server,
        port: bound,
        close: once(() => closeGracefully(server, limits.shutdownGraceMs)),
      })
    })
  })
}

function once(task: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined
  return () => {
    running ??= task()
    return running
  }
}

function closeGracefully(server: Server, graceMs: number): Promise<void> {
  return new Promise((resolveClose) => {
    // requests that arrive on kept-alive connections from now on are answered with Connection: close
    server.prependListener('request', (_request, response) => response.setHeader('connection', 'close'))
    // connections whose in-flight request finishes become idle: close them as they do
    const idle = setInterval(() => server.closeIdleConnections(), 50)
    const cut = setTimeout(() => server.closeAllConnections(), graceMs)
    server.close(() => {
      clearInterval(idle)
      clearTimeout(cut)
      resolveClose()
    })
    server.closeIdleConnections()
  })
}

function listenError(error: NodeJS.ErrnoException, host: string, port: number): Error {
  if (error.code === 'EADDRINUSE')
    return new ConfigError(
      `port ${port} is already in use; choose another with --port (0 picks a free one)`,
      [],
    )
  if (error.code === 'EACCES')
    return new ConfigError(`port ${port} needs elevated privileges; choose one above 1023 with --port`, [])
  if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN')
    return new ConfigError(`cannot listen on ${host}: no such local address; check --host`, [])
  return error
}

interface ParserError extends NodeJS.ErrnoException {
  /** the bytes being parsed when the error happened */
  rawPacket?: Buffer
  /** llhttp's short description, e.g. "Duplicate Content-Length" */
  reason?: string
}

/** The socket's response, when a request on it reached the app (Node keeps it there). */
interface HttpSocket extends Duplex {
  _httpMessage?: { headersSent: boolean } | null
}

/** Errors that mean the client went away: there is nobody to answer. */
const CLIENT_GONE = new Set(['ECONNRESET', 'EPIPE', 'HPE_INVALID_EOF_STATE', 'ERR_STREAM_DESTROYED'])

/**
 * Node's parser and timeout errors. Without this handler Node answers a bare text response; here the
 * client gets a problem+json, provided the socket can still carry one (no response started on it).
 */
function answerClientError(error: ParserError, socket: HttpSocket, limits: ServerLimits): void {
  if (
    error.code === undefined ||
    CLIENT_GONE.has(error.code) ||
    !socket.writable ||
    socket._httpMessage?.headersSent === true
  ) {
    socket.destroy()
    return
  }
  const problem = clientProblem(error, limits)
  const status = statusOf(problem)
  void problemResponse(problem, requestTarget(error.rawPacket))
    .text()
    .then((body) => {
      if (!socket.writable) {
        socket.destroy()
        return
      }
      socket.end(
        `HTTP/1.1 ${status} ${titleOf(status)}\r\n` +
          'content-type: application/problem+json\r\n' +
          `content-length: ${Buffer.byteLength(body)}\r\n` +
          `connection: close\r\n\r\n${body}`,
      )
      // the client may never close its side: do not keep the socket waiting for it
      setTimeout(() => socket.destroy(), 1000).unref()
    })
}

function clientProblem(error: ParserError, limits: ServerLimits): RestmockError {
  if (error.code === 'HPE_HEADER_OVERFLOW')
    return new RestmockError(
      'headers_too_large',
      `the request line and headers are larger than the ${maxHeaderSize / 1024} KiB limit`,
    )
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT')
    return new RestmockError(
      'request_timeout',
      `the request did not arrive in time (headers are expected within ${seconds(limits.headersTimeoutMs)}, the whole request within ${seconds(limits.requestTimeoutMs)})`,
    )
  return new RestmockError('bad_request', `the request is not valid HTTP: ${error.reason ?? error.message}`)
}

/** The path of the request line, when the bytes being parsed start with it. */
function requestTarget(raw: Buffer | undefined): string {
  const line = raw?.subarray(0, 2048).toString('latin1')
  const match = line === undefined ? null : /^[A-Z]+ (\/\S*) HTTP\/1\.[01]\r?\n/.exec(line)
  return match?.[1] ?? '/'
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`
}

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
