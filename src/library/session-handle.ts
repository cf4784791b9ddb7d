import { ConfigError } from '../core/errors.ts'
import { isSessionId } from '../core/sessions/session.ts'
import type { AdminClient } from './admin-client.ts'
import type { JournalEntry, RequestFilter } from './admin-types.ts'

/** A fetch-like function: a path (resolved against the mock), a URL or a Request. */
export type MockFetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>

/**
 * One session of a mock: a private copy of its seed data that only requests naming the session see.
 * Send `headers` with every request (Playwright `extraHTTPHeaders`), or use `url` as the app's API
 * base URL; `fetch` does the former for you.
 */
export interface MockSession {
  readonly id: string
  /** `{ 'X-Restmock-Session': id }` */
  readonly headers: Readonly<Record<string, string>>
  /** the mock's URL with the session prefix, `http://HOST:PORT/__session/<id>`: a base URL for an app */
  readonly url: string
  /** fetch with the session header set; a path such as `/api/customers` is resolved against the mock */
  fetch: MockFetch
  /** back to the seed data, with the session's scripted faults and simulation cleared */
  reset(): Promise<void>
  /** scripted faults for this session's requests only */
  faults: AdminClient['faults']
  /** simulation policy for this session's requests only */
  simulation: AdminClient['simulation']
  /** the request journal, this session's entries only */
  requests: {
    list(filter?: Omit<RequestFilter, 'session'>): Promise<JournalEntry[]>
    count(filter?: Omit<RequestFilter, 'session'>): Promise<number>
  }
}

export interface SessionHandleParts {
  /** where the mock is: `http://HOST:PORT`, or http://localhost in process */
  origin: string
  /** sends a request to the mock (a path resolved against `origin`) */
  fetch: MockFetch
  /** the admin client of the mock */
  shared: AdminClient
  /** the admin client at /__restmock/sessions/<id> */
  scoped: AdminClient
}

const HEADER = 'X-Restmock-Session'

/** Throws a ConfigError unless `id` is a session id. */
export function checkSessionId(id: unknown, caller: string): string {
  if (isSessionId(id)) return id
  throw new ConfigError(
    `${caller}: the session id must be 1 to 64 characters among A-Z a-z 0-9 _ . -, got ${JSON.stringify(id) ?? String(id)}`,
    [],
  )
}

export function sessionHandle(id: string, parts: SessionHandleParts): MockSession {
  const headers = Object.freeze({ [HEADER]: id })
  return {
    id,
    headers,
    url: `${parts.origin}/__session/${id}`,
    fetch: (input, init) => {
      const merged = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined))
      if (!merged.has(HEADER)) merged.set(HEADER, id)
      return parts.fetch(input, { ...init, headers: merged })
    },
    reset: () => parts.scoped.reset(),
    faults: parts.scoped.faults,
    simulation: parts.scoped.simulation,
    requests: {
      list: (filter) => parts.shared.requests.list({ ...filter, session: id }),
      count: (filter) => parts.shared.requests.count({ ...filter, session: id }),
    },
  }
}
