import type {
  DbState,
  Fault,
  FaultInput,
  Health,
  IssuedTokens,
  JournalEntry,
  OpenApiDocument,
  Problem,
  RequestFilter,
  SimulationPolicy,
  TokenRequest,
} from './admin-types.ts'
import { checkSessionId, type MockFetch, type MockSession, sessionHandle } from './session-handle.ts'

/** Sends one request to the mock: over HTTP, or straight into an in-process app. */
export type AdminTransport = (path: string, init: RequestInit) => Promise<Response>

export interface AdminClientOptions {
  /** sent as `Authorization: Bearer <adminToken>` on every admin call */
  adminToken?: string | undefined
  /** where the endpoints live: `/__restmock`, or a session's `/__restmock/sessions/<id>` */
  base?: string
  /** the mock's root URL, for session URLs (default http://localhost, an in-process mock) */
  origin?: string
  /** sends any request to the mock, for sessions' fetch (default: `send` for paths, else global fetch) */
  fetch?: MockFetch
}

/** The admin API of one mock, typed. Every method rejects with an AdminApiError when the mock answers an error. */
export interface AdminClient {
  /** Scripted faults: the next matching requests fail as told. */
  faults: {
    /** add one; it applies to the next `times` (default 1) matching requests after `after` (default 0) */
    add(fault: FaultInput): Promise<Fault>
    list(): Promise<Fault[]>
    remove(id: number): Promise<void>
    clear(): Promise<void>
  }
  /** Runtime simulation policy (latency, errors, faults, rate limit), on top of the manifest's. */
  simulation: {
    /** the global policy */
    get(): Promise<SimulationPolicy>
    /** replace the global policy; `{}` clears it */
    set(policy: SimulationPolicy): Promise<SimulationPolicy>
    /** clear every runtime level: global, per resource and per route */
    clear(): Promise<void>
    /** one resource's policy */
    resource(name: string): {
      get(): Promise<SimulationPolicy>
      set(policy: SimulationPolicy): Promise<SimulationPolicy>
    }
    /** per-route policies keyed `"METHOD /path"` (relative to basePath, `:param` and `*` allowed) */
    routes: {
      get(): Promise<Record<string, SimulationPolicy>>
      /** replace them all; `{}` clears them */
      set(routes: Record<string, SimulationPolicy>): Promise<Record<string, SimulationPolicy>>
    }
  }
  /** The request journal: what clients sent and what they got. */
  requests: {
    /** matching entries, oldest first */
    list(filter?: RequestFilter): Promise<JournalEntry[]>
    count(filter?: RequestFilter): Promise<number>
    clear(): Promise<void>
  }
  /** The whole state, in db.json shape. */
  db: {
    get(): Promise<DbState>
    /** replace the whole state (validated like request bodies) */
    put(state: DbState): Promise<void>
  }
  /** back to the seed data, with runtime simulation, scripted faults and the journal cleared */
  reset(): Promise<void>
  health(): Promise<Health>
  /** the OpenAPI 3.1 document of the mock's API (GET /__restmock/openapi.json); `includeAdmin` adds the admin API */
  openapi(options?: { includeAdmin?: boolean }): Promise<OpenApiDocument>
  /** Auth simulation (a manifest with `auth`). */
  auth: {
    /** a signed access token for a user (with a refresh token) or a client, without the OAuth endpoints */
    token(request: TokenRequest): Promise<IssuedTokens>
  }
  /**
   * A session: a private copy of the seed data for the requests that name it (made on first use;
   * parallel test workers each take one). Throws a ConfigError for an id that is not 1 to 64 of
   * A-Z a-z 0-9 _ . -
   */
  session(id: string): MockSession
}

/** A problem answered by the mock's admin API (bad fault, unknown resource, wrong token...). */
export class AdminApiError extends Error {
  readonly status: number
  readonly code: string
  readonly detail: string
  readonly problem: Problem

  constructor(problem: Problem, call: string) {
    super(`${call} failed: ${problem.status} ${problem.code}: ${problem.detail}${fieldErrors(problem)}`)
    this.name = 'AdminApiError'
    this.status = problem.status
    this.code = problem.code
    this.detail = problem.detail
    this.problem = problem
  }
}

function fieldErrors(problem: Problem): string {
  if (problem.errors === undefined || problem.errors.length === 0) return ''
  return ` (${problem.errors.map((error) => `${error.pointer || '/'}: ${error.detail}`).join('; ')})`
}

/** The admin client over any transport. */
export function adminClient(send: AdminTransport, options: AdminClientOptions = {}): AdminClient {
  const base = options.base ?? '/__restmock'
  const auth: Record<string, string> =
    options.adminToken === undefined ? {} : { authorization: `Bearer ${options.adminToken}` }

  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json', ...auth }
    // the admin API refuses state-changing requests that are not JSON (cross-site form posts)
    if (method !== 'GET') headers['content-type'] = 'application/json'
    const init: RequestInit = { method, headers }
    if (body !== undefined) init.body = JSON.stringify(body)
    const response = await send(`${base}${path}`, init)
    if (!response.ok) throw new AdminApiError(await problemOf(response), `${method} ${base}${path}`)
    if (response.status === 204) return undefined as T
    return (await response.json()) as T
  }

  const resourcePath = (name: string): string => `/simulation/resources/${encodeURIComponent(name)}`
  const origin = options.origin ?? 'http://localhost'
  const fetchAny: MockFetch =
    options.fetch ??
    ((input, init) =>
      typeof input === 'string' && input.startsWith('/') ? send(input, init ?? {}) : fetch(input, init))
  const client: AdminClient = {
    faults: {
      add: (fault) => call('POST', '/faults', fault),
      list: () => call('GET', '/faults'),
      remove: (id) => call('DELETE', `/faults/${encodeURIComponent(String(id))}`),
      clear: () => call('DELETE', '/faults'),
    },
    simulation: {
      get: () => call('GET', '/simulation'),
      set: (policy) => call('PUT', '/simulation', policy),
      clear: async () => {
        await call('DELETE', '/simulation')
      },
      resource: (name) => ({
        get: () => call('GET', resourcePath(name)),
        set: (policy) => call('PUT', resourcePath(name), policy),
      }),
      routes: {
        get: () => call('GET', '/simulation/routes'),
        set: (routes) => call('PUT', '/simulation/routes', routes),
      },
    },
    requests: {
      list: async (filter) =>
        (await call<{ requests: JournalEntry[] }>('GET', `/requests${queryOf(filter)}`)).requests,
      count: async (filter) => (await call<{ count: number }>('GET', `/requests${queryOf(filter)}`)).count,
      clear: () => call('DELETE', '/requests'),
    },
    db: {
      get: () => call('GET', '/db'),
      put: (state) => call('PUT', '/db', state),
    },
    reset: () => call('POST', '/reset'),
    health: () => call('GET', '/health'),
    openapi: (options) =>
      call('GET', `/openapi.json${options?.includeAdmin === true ? '?includeAdmin=true' : ''}`),
    auth: {
      token: (request) => call('POST', '/auth/token', request),
    },
    session: (id) => {
      const checked = checkSessionId(id, 'session()')
      const scoped = adminClient(send, { ...options, base: `/__restmock/sessions/${checked}` })
      return sessionHandle(checked, { origin, fetch: fetchAny, shared: client, scoped })
    },
  }
  return client
}

function queryOf(filter: RequestFilter | undefined): string {
  if (filter === undefined) return ''
  const query = new URLSearchParams()
  for (const [name, value] of Object.entries(filter)) {
    if (value !== undefined) query.set(name, String(value))
  }
  const text = query.toString()
  return text === '' ? '' : `?${text}`
}

/** The problem body of an error answer; a non-problem answer (a proxy's HTML page) is described as one. */
async function problemOf(response: Response): Promise<Problem> {
  const text = await response.text()
  if ((response.headers.get('content-type') ?? '').includes('json')) {
    try {
      const body = JSON.parse(text) as Partial<Problem>
      if (typeof body.code === 'string' && typeof body.detail === 'string') {
        return { ...body, status: body.status ?? response.status } as Problem
      }
    } catch {
      // not JSON after all: described below
    }
  }
  return {
    type: 'about:blank',
    title: response.statusText,
    status: response.status,
    code: 'http_error',
    detail:
      text.length > 200 ? `${text.slice(0, 200)}...` : text || `${response.status} ${response.statusText}`,
  }
}
