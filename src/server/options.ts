/** Options shared by startMock (real server) and createMock (in-process Hono app). */
export interface MockOptions {
  /** manifest (.yaml/.yml/.json) or json-server db.json to serve */
  source?: string
  /** a manifest given directly: an object, or YAML/JSON text (library use; no file needed) */
  manifest?: unknown
  /** seed data given directly (db.json shape); with neither manifest nor source it is served zero-config */
  data?: unknown
  /** seed data file or folder, overriding the manifest's `data` (CLI --data) */
  dataPath?: string
  /** random seed for ids (and generated data / simulation); default: manifest `seed`, else random */
  seed?: number
  /** faker locale for generated records (`count`); default: manifest `locale`, else en */
  locale?: string
  /** overrides the manifest's basePath */
  basePath?: string
  /** CORS headers (default true) */
  cors?: boolean
  /** request body limit in bytes (default 1 MiB) */
  bodyLimit?: number
  /** global simulated latency: ms or "min-max" (CLI --latency) */
  latency?: string | number
  /** global simulated error rate from 0 to 1 (CLI --error-rate) */
  errorRate?: number
  /** honour per-request `Prefer: status=/delay=/fault=` and `_status`/`_delay`/`_fault` (default true; CLI --no-prefer) */
  prefer?: boolean
  /** the admin API under /__restmock and its request journal (default true; CLI --no-admin) */
  admin?: boolean
  /** require `Authorization: Bearer <token>` on every admin request (CLI --admin-token, RESTMOCK_ADMIN_TOKEN) */
  adminToken?: string
  /** the one origin granted CORS on the admin API (CLI --admin-origin); default: none */
  adminOrigin?: string
}

export interface StartOptions extends MockOptions {
  /** default 0: a free port (the CLI's default is 3000) */
  port?: number
  /** default 127.0.0.1 */
  host?: string
  /** state file; default next to the manifest (<name>.state.json) or the db.json itself */
  db?: string
  /** keep state on disk (default: only when `db` is given; the CLI persists unless --in-memory) */
  persist?: boolean
  /** start again from the seed, discarding the saved state */
  reset?: boolean
  /** fsync every journal append before acknowledging (survives power loss, not only crashes; slower) */
  sync?: boolean
  /** log one line per request (default false for the library, true for the CLI unless --quiet) */
  logRequests?: boolean
  /** where log lines go (default: buffered stdout) */
  log?: (line: string) => void
}
