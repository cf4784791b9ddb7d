import { ConfigError } from '../core/errors.ts'
import { createMockApp } from '../server/build-mock.ts'
import type { MockOptions, StartOptions } from '../server/options.ts'
import { startMock as startServer } from '../server/start-mock.ts'
import { type AdminClient, type AdminTransport, adminClient } from './admin-client.ts'
import { checkMockUrl, checkOptions } from './option-checks.ts'
import type { MockFetch } from './session-handle.ts'

/** A mock served over HTTP by startMock: its address, its admin API, and close(). */
export interface Mock extends AdminClient {
  /** `http://HOST:PORT`, no trailing slash */
  readonly url: string
  readonly port: number
  /** the effective random seed (pass it back as `seed` to get the same ids, data and failures) */
  readonly seed: number
  /** back to the seed data, with runtime simulation, scripted faults and the journal cleared */
  reset(): Promise<void>
  /** stop accepting connections, finish pending writes, close; calling it again is harmless */
  close(): Promise<void>
}

/** A mock without a socket, built by createMock: requests go straight to it, state is in memory. */
export interface InProcessMock extends AdminClient {
  /** the effective random seed */
  readonly seed: number
  /** `await mock.request('/customers')`, or a Request; a path is resolved against http://localhost */
  request(input: string | URL | Request, init?: RequestInit): Promise<Response>
  /** a fetch-style handler, for code that takes one (MSW-like interception, service workers, Hono) */
  fetch(request: Request): Promise<Response>
  /** back to the seed data, with runtime simulation, scripted faults and the journal cleared */
  reset(): Promise<void>
}

export interface ConnectOptions {
  /** the token the mock was started with (`--admin-token`, `RESTMOCK_ADMIN_TOKEN`) */
  adminToken?: string
}

/**
 * Start a real HTTP server. Library defaults: a free port (`port: 0`) on 127.0.0.1, state in memory
 * (nothing is written unless `db` or `persist: true` is given), no request log.
 */
export async function startMock(options: StartOptions): Promise<Mock> {
  checkOptions(options, 'start', 'startMock')
  const server = await startServer({
    ...options,
    port: options.port ?? 0,
    persist: options.persist ?? options.db !== undefined,
  })
  const admin = adminClient(httpTransport(server.url), {
    adminToken: options.adminToken,
    origin: server.url,
    fetch: httpFetch(server.url),
  })
  return {
    ...admin,
    url: server.url,
    port: server.port,
    seed: server.seed,
    reset: () => server.reset(),
    close: () => server.close(),
  }
}

/** Build a mock in process: no socket, no files; `source` files are read synchronously. */
export function createMock(options: MockOptions): InProcessMock {
  checkOptions(options, 'mock', 'createMock')
  const app = createMockApp(options)
  const request = async (input: string | URL | Request, init?: RequestInit): Promise<Response> =>
    app.request(input, init)
  const admin = adminClient(request, { adminToken: options.adminToken, fetch: request })
  return {
    ...admin,
    seed: app.seed,
    request,
    fetch: async (incoming) => app.fetch(incoming),
    reset: () => app.reset(),
  }
}

/** The admin client of a mock running elsewhere (another process, a Playwright globalSetup). */
export function connectMock(url: string | URL, options: ConnectOptions = {}): AdminClient {
  const root = checkMockUrl(url)
  if (typeof options !== 'object' || options === null) {
    throw new ConfigError('connectMock: options must be an object such as { adminToken }', [])
  }
  for (const [key, value] of Object.entries(options)) {
    if (key !== 'adminToken') throw new ConfigError(`connectMock: options.${key} is not an option`, [])
    if (value !== undefined && typeof value !== 'string')
      throw new ConfigError(`connectMock: options.adminToken must be a string, got ${typeof value}`, [])
  }
  return adminClient(httpTransport(root.origin), {
    adminToken: options.adminToken,
    origin: root.origin,
    fetch: httpFetch(root.origin),
  })
}

function httpTransport(origin: string): AdminTransport {
  return (path, init) => fetch(`${origin}${path}`, init)
}

/** fetch with paths resolved against the mock's origin. */
function httpFetch(origin: string): MockFetch {
  return (input, init) =>
    fetch(typeof input === 'string' && input.startsWith('/') ? `${origin}${input}` : input, init)
}
