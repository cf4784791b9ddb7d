import type { RewriteRules } from '../core/route-rewrites.ts'
import type { SessionSettings } from '../core/sessions/session-limits.ts'
import type { SimulationFlags } from '../core/simulation/policy-levels.ts'
import type { AdminOptions } from '../http/admin/admin-hook.ts'
import type { AppOptions } from '../http/app.ts'
import type { AuthOptions } from '../http/auth/auth-hook.ts'
import type { SimulationOptions } from '../http/simulation/simulation-hook.ts'

/**
 * Options shared by startMock (real server) and createMock (in-process Hono app). Besides those below,
 * the options about serving, each documented where it is used: `cors` and `bodyLimit` (the app),
 * `latency` and `errorRate` (the global simulation level), `prefer` (simulation), `admin`,
 * `adminToken` and `adminOrigin` (the admin API), `auth` and `showSecrets` (auth simulation).
 */
export interface MockOptions
  extends Pick<AppOptions, 'cors' | 'bodyLimit'>,
    SimulationFlags,
    Pick<SimulationOptions, 'prefer'>,
    Pick<AdminOptions, 'admin' | 'adminToken' | 'adminOrigin'>,
    AuthOptions,
    SessionSettings {
  /** manifest (.yaml/.yml/.json), json-server db.json or OpenAPI 3.x document to serve */
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
  /** folders whose files are served before the API for GET/HEAD (CLI --static; the CLI adds ./public) */
  static?: string | readonly string[]
  /** URL rewrite rules applied before routing: a json-server routes.json path, or the rules as an object */
  routes?: string | RewriteRules
  /**
   * the primary key's field name (json-server's `--id _id`) of every collection whose manifest resource
   * sets no `idField`; default "id"
   */
  idField?: string
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
  /**
   * modules run before the resource routes (CLI --middlewares), relative to the working directory:
   * `(api) => {}` restmock extensions or `(req, res, next) => {}` Express middlewares; added to the
   * manifest's `extensions`
   */
  middlewares?: string | readonly string[]
  /**
   * reload when the manifest, its data or a zero-config db.json is edited (default false; 'auto': only a
   * zero-config db.json, the CLI's default)
   */
  watch?: boolean | 'auto'
  /** quiet time after the last file event before a reload, in ms (default 100) */
  watchDebounceMs?: number
}
