/**
 * What the admin API takes and answers, in the shapes a test author writes and reads (the JSON on the
 * wire), not the server's internal representations.
 */

/** Milliseconds, or a duration string such as `"250ms"`, `"2s"`, `"1m"`. */
export type Duration = number | string

/** Connection faults: `reset` drops the socket, `timeout` holds the request, `dribble` sends it slowly. */
export type FaultKind = 'reset' | 'timeout' | 'empty' | 'malformed' | 'dribble'

/** One option, a list of equally likely options, or options with weights (`{ 500: 3, 503: 1 }`). */
export type Weighted<T extends string | number> = T | readonly T[] | Readonly<Partial<Record<T, number>>>

/** The `simulate` block of a manifest, which `simulation.get()` answers and `simulation.set()` takes. */
export interface SimulationPolicy {
  /** `120` (fixed ms), `"50-300"` (uniform), `"2s"`, a lognormal distribution, or `0`/`false` for none */
  latency?: Duration | false | { distribution: 'lognormal'; median: Duration; sigma?: number; max?: Duration }
  /** random error responses: a rate, or the rate with the statuses to answer */
  errors?: number | false | { rate: number; status?: Weighted<number>; retryAfter?: Duration }
  /** random connection faults */
  faults?: false | { rate: number; kind: Weighted<FaultKind>; chunks?: number; duration?: Duration }
  /** `429` beyond `limit` requests per `window`, counted per ip, API key or header */
  rateLimit?: false | { limit: number; window?: Duration; by?: 'ip' | 'api-key' | `header:${string}` }
  /** how long the `timeout` fault holds a request before answering 504 */
  timeout?: Duration
}

/** A scripted fault to add: the next `times` requests matching `method` and `path` fail as told. */
export interface FaultInput {
  /** `GET`, `POST`, ... or `*` (default) for any */
  method?: string
  /** relative to the manifest's basePath; `:param` segments and a final `*` match */
  path: string
  /** answer this error status (400-599) with a problem body */
  status?: number
  /** or break the connection this way */
  fault?: FaultKind
  /** and/or wait this long first */
  delay?: Duration
  /** how many matching requests it applies to (default 1) */
  times?: number
  /** let this many matching requests through first (default 0) */
  after?: number
}

/** A scripted fault as the server holds it. */
export interface Fault {
  id: number
  method: string
  path: string
  status?: number
  fault?: FaultKind
  /** ms */
  delay?: number
  times: number
  after: number
  /** matching requests seen so far */
  matched: number
  /** requests it was applied to so far */
  applied: number
  /** how many more requests it will apply to */
  remaining: number
}

/** Which journal entries to list or count; every given key must match. */
export interface RequestFilter {
  /** case-insensitive */
  method?: string
  /** exact path or a pattern with `:param` segments and a final `*`; may leave out the basePath */
  path?: string
  /** an exact status (`503`), a class (`"5xx"`), or `0` for requests a connection fault left unanswered */
  status?: number | string
  /** requests made in this session only (X-Restmock-Session or /__session/<id>) */
  session?: string
}

/** A body longer than the journal keeps (64 KiB): its size and the first part of its text. */
export interface TruncatedBody {
  truncated: true
  /** the whole body's size in bytes */
  bytes: number
  text: string
}

/** One request the mock received and what it answered, as recorded in its journal. */
export interface JournalEntry {
  id: number
  /** ISO 8601 time the request arrived */
  time: string
  method: string
  /** the full path (basePath included), without the query string */
  path: string
  /** query parameters; a repeated name maps to the list of its values */
  query: Record<string, string | string[]>
  /** request headers (lower-case names; credentials shown as `[redacted]`) */
  headers: Record<string, string | string[]>
  /** the body of a request that sent one: parsed JSON, else its text, or a TruncatedBody */
  requestBody?: unknown
  /** status sent, or 0 when a connection fault meant none was */
  status: number
  durationMs: number
  /** what simulation did to it, such as `"latency 120ms"` or `"failure 503 (scripted)"` */
  simulated?: string
  /** the session the request worked on; absent for the shared state */
  session?: string
  /** what was sent back; absent when a connection fault meant nothing was */
  response?: {
    status: number
    headers: Record<string, string | string[]>
    /** parsed JSON for a JSON response, else its text, or a TruncatedBody; absent for none */
    body?: unknown
  }
}

/** An RFC 9457 problem, the body of every error the mock answers. */
export interface Problem {
  type: string
  title: string
  status: number
  /** stable machine-readable code, such as `validation_failed` or `not_found` */
  code: string
  detail: string
  instance?: string
  /** field-level problems, each with a JSON pointer into the request body */
  errors?: { pointer: string; detail: string }[]
}

/** A stored record. */
export type MockRecord = Record<string, unknown>

/** The whole state in db.json shape: arrays are collections, objects singletons. */
export type DbState = Record<string, MockRecord[] | MockRecord>

/** Whom `auth.token()` mints a token for: one user or one OAuth client of the manifest's `auth`. */
export type TokenRequest =
  | { user: string; client?: never; scopes?: readonly string[] }
  | { client: string; user?: never; scopes?: readonly string[] }

/** A token answer (RFC 6749 5.1); users get a refresh token too. */
export interface IssuedTokens {
  access_token: string
  token_type: 'Bearer'
  /** seconds */
  expires_in: number
  /** space-separated scopes */
  scope: string
  refresh_token?: string
}

export interface Health {
  status: 'ok'
  uptimeSeconds: number
}

/** An OpenAPI 3.1 document, as `mock.openapi()` answers it (its `x-restmock` keys keep what OpenAPI cannot say). */
export interface OpenApiDocument {
  openapi: string
  info: { title: string; version: string; description?: string }
  servers: Array<{ url: string }>
  paths: Record<string, Record<string, unknown>>
  components: Record<string, Record<string, unknown>>
  [key: string]: unknown
}
