import { existsSync } from 'node:fs'
import type { Argv } from 'yargs'
import { idFieldProblem } from '../core/manifest/model.ts'
import { type SessionSettings, sessionSettingProblems } from '../core/sessions/session-limits.ts'
import { validateSimulation } from '../core/simulation/validate-policy.ts'
import type { StartOptions } from '../server/options.ts'
import type { RunningMock } from '../server/start-mock.ts'
import { withDefaultStaticFolder } from '../server/static-files.ts'
import { givenValue } from './flag-hints.ts'
import { EXIT_OK, openApiListing, UsageError } from './output.ts'
import { withYoungGenerationHeld } from './young-generation.ts'

const DEFAULT_SOURCES = ['restmock.yaml', 'restmock.yml', 'restmock.json', 'db.json'] as const

/** The source given, or the first of restmock.yaml|.yml|.json, db.json in the working directory. */
export function findSource(given: string | undefined): string {
  if (given !== undefined) return given
  const found = DEFAULT_SOURCES.find((name) => existsSync(name))
  if (found !== undefined) return found
  throw new UsageError(
    `no source given and none of ${DEFAULT_SOURCES.join(', ')} is in this folder.\n` +
      '  Try: restmock seeds/restmock.yaml   or   restmock db.json   (restmock --help for more)',
  )
}

export interface ServeArgs {
  source?: string
  port: number
  host: string
  db?: string
  'in-memory'?: boolean
  data?: string
  seed?: number
  locale?: string
  reset: boolean
  sync: boolean
  'base-path'?: string
  static?: string | string[]
  middlewares?: string | string[]
  routes?: string
  quiet: boolean
  cors: boolean
  'body-limit'?: number
  latency?: string
  'error-rate'?: number
  prefer: boolean
  admin: boolean
  'admin-token'?: string
  'admin-origin'?: string
  auth?: string
  'show-secrets'?: boolean
  'session-ttl'?: string
  'max-sessions'?: number
  'max-session-bytes'?: string
  watch?: boolean
  id?: string
}

export function serveOptions(yargs: Argv): Argv<ServeArgs> {
  return yargs
    .positional('source', {
      type: 'string',
      describe: 'manifest (restmock.yaml), json-server db.json or OpenAPI document',
    })
    .option('port', { alias: 'p', type: 'number', default: 3000, describe: 'port (0 picks a free one)' })
    .option('host', { alias: 'H', type: 'string', default: '127.0.0.1', describe: 'interface to listen on' })
    .option('db', {
      type: 'string',
      describe: 'state file (default: <manifest>.state.json, or the db.json itself)',
    })
    .option('in-memory', { type: 'boolean', describe: 'keep no state file' })
    .option('data', { type: 'string', describe: "seed data file or folder (overrides the manifest's data)" })
    .option('seed', { type: 'number', describe: 'random seed (reproducible ids, data and simulation)' })
    .option('locale', {
      type: 'string',
      describe: 'faker locale for generated records, e.g. de (default: en)',
    })
    .option('reset', {
      type: 'boolean',
      default: false,
      describe: 'discard saved state and start from the seed',
    })
    .option('sync', {
      type: 'boolean',
      default: false,
      describe: 'fsync each write before answering (survives power loss; slower)',
    })
    .option('base-path', {
      type: 'string',
      describe: "prefix for every resource route (overrides the manifest's)",
    })
    .option('static', {
      alias: 's',
      type: 'string',
      // repeated flags collect into an array; `array: true` would also swallow the source positional
      describe: 'serve the files of this folder (repeatable; ./public is served when it exists)',
    })
    .option('routes', {
      alias: 'r',
      type: 'string',
      describe: 'rewrite URLs before routing with a json-server routes.json ({"/api/*": "/$1"})',
    })
    .option('middlewares', {
      alias: 'm',
      type: 'string',
      describe: 'run this module before the resource routes: (api) => {} or (req, res, next) (repeatable)',
    })
    .option('id', {
      alias: 'i',
      type: 'string',
      describe: 'name of the primary key field, such as _id (default: id)',
    })
    .option('body-limit', { type: 'number', describe: 'request body limit in bytes (default 1048576)' })
    .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'no request log' })
    .option('watch', {
      type: 'boolean',
      describe: 'reload on edits of the manifest and its data (a db.json is watched unless --no-watch)',
    })
    .option('cors', { type: 'boolean', default: true, describe: 'CORS headers (--no-cors to turn off)' })
    .option('latency', {
      alias: 'delay',
      type: 'string',
      describe: 'simulated latency of every response in ms: 200, or a range such as 50-300',
    })
    .option('error-rate', {
      type: 'number',
      describe: 'share of requests that fail with a simulated 500, from 0 to 1 (such as 0.05)',
    })
    .option('prefer', {
      type: 'boolean',
      default: true,
      describe: 'honour Prefer: status=/delay=/fault= and _status/_delay/_fault (--no-prefer to ignore)',
    })
    .option('admin', {
      type: 'boolean',
      default: true,
      describe: 'admin API under /__restmock (--no-admin to remove it)',
    })
    .option('admin-token', {
      type: 'string',
      // an empty variable counts as unset
      default: process.env.RESTMOCK_ADMIN_TOKEN || undefined,
      // never print the token itself in --help
      defaultDescription: '$RESTMOCK_ADMIN_TOKEN',
      describe: 'require Authorization: Bearer <token> on every admin request',
    })
    .option('admin-origin', {
      type: 'string',
      describe:
        'the one web origin allowed to call the admin API from a browser (CORS), such as http://localhost:5173',
    })
    .option('auth', {
      type: 'string',
      describe: "off: serve the manifest's auth block with every check disabled (default on)",
    })
    .option('show-secrets', {
      type: 'boolean',
      describe: 'GET /__restmock lists the demo credentials of the auth block (passwords, secrets, keys)',
    })
    .option('session-ttl', {
      type: 'string',
      describe:
        'idle time after which a session (X-Restmock-Session, /__session/<id>) ends, such as 30m or 90s',
      defaultDescription: '30m',
    })
    .option('max-sessions', {
      type: 'number',
      describe: 'most sessions at once; the least recently used ends first',
      defaultDescription: '1000',
    })
    .option('max-session-bytes', {
      type: 'string',
      describe: 'most memory the changes of all sessions hold, such as 256MB; least recently used first',
      defaultDescription: '256MB',
    })
    .conflicts('in-memory', 'db') as unknown as Argv<ServeArgs>
}

/** `argv` is what the user typed, to quote a bad value as given (yargs makes a number flag's `abc` NaN). */
export function toStartOptions(args: ServeArgs, argv: readonly string[] = []): StartOptions {
  const given = (value: unknown, ...names: string[]) => givenValue(value, names, argv)
  if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535) {
    throw new UsageError(
      `--port must be a whole number from 0 to 65535, got ${given(args.port, 'port', 'p')}`,
    )
  }
  if (args.seed !== undefined && !Number.isSafeInteger(args.seed)) {
    throw new UsageError(`--seed must be a whole number, got ${given(args.seed, 'seed')}`)
  }
  const bodyLimit = args['body-limit']
  if (bodyLimit !== undefined && !(Number.isInteger(bodyLimit) && bodyLimit > 0)) {
    throw new UsageError(
      `--body-limit must be a positive whole number of bytes, got ${given(bodyLimit, 'body-limit')}`,
    )
  }
  const latency = args.latency
  // name the flag as the user wrote it (json-server's --delay is an alias)
  const latencyFlag = argv.some((arg) => /^--delay(=|$)/.test(arg)) ? '--delay' : '--latency'
  if (latency !== undefined) checkSimulationFlag(latencyFlag, { latency })
  const errorRate = args['error-rate']
  if (errorRate !== undefined && !(errorRate >= 0 && errorRate <= 1)) {
    throw new UsageError(
      `--error-rate must be a share of requests from 0 to 1 (such as 0.05), got ${given(errorRate, 'error-rate')}`,
    )
  }
  const idProblem = args.id === undefined ? undefined : idFieldProblem(args.id)
  if (idProblem !== undefined) throw new UsageError(`--id ${idProblem}`)
  const sessions: SessionSettings = {}
  if (args['session-ttl'] !== undefined) sessions.sessionTtl = args['session-ttl']
  if (args['max-sessions'] !== undefined) sessions.maxSessions = args['max-sessions']
  if (args['max-session-bytes'] !== undefined) sessions.maxSessionBytes = args['max-session-bytes']
  const [sessionProblem] = sessionSettingProblems(sessions, {
    sessionTtl: '--session-ttl',
    maxSessions: '--max-sessions',
    maxSessionBytes: '--max-session-bytes',
  })
  if (sessionProblem !== undefined) throw new UsageError(sessionProblem)
  const options: StartOptions = {
    ...sessions,
    source: findSource(args.source),
    port: args.port,
    host: args.host,
    persist: args['in-memory'] !== true,
    reset: args.reset,
    sync: args.sync,
    cors: args.cors,
    prefer: args.prefer,
    admin: args.admin,
    logRequests: !args.quiet,
  }
  if (latency !== undefined) options.latency = latency
  if (errorRate !== undefined) options.errorRate = errorRate
  if (args.db !== undefined) options.db = args.db
  if (args.data !== undefined) options.dataPath = args.data
  if (args.seed !== undefined) options.seed = args.seed
  if (args.locale !== undefined) options.locale = args.locale
  if (args['base-path'] !== undefined) options.basePath = args['base-path']
  if (args.id !== undefined) options.idField = args.id
  const folders = withDefaultStaticFolder([args.static ?? []].flat())
  if (folders.length > 0) options.static = folders
  if (args.routes !== undefined) options.routes = args.routes
  const middlewares = [args.middlewares ?? []].flat()
  if (middlewares.length > 0) options.middlewares = middlewares
  if (bodyLimit !== undefined) options.bodyLimit = bodyLimit
  if (args['admin-token'] !== undefined) options.adminToken = args['admin-token']
  if (args['admin-origin'] !== undefined) options.adminOrigin = args['admin-origin']
  if (args.auth !== undefined) {
    if (args.auth !== 'on' && args.auth !== 'off')
      throw new UsageError(`--auth must be on or off, got ${given(args.auth, 'auth')}`)
    options.auth = args.auth === 'on'
  }
  if (args['show-secrets'] === true) options.showSecrets = true
  options.watch = args.watch ?? 'auto'
  const debounce = Number(process.env.RESTMOCK_WATCH_DEBOUNCE_MS)
  if (process.env.RESTMOCK_WATCH_DEBOUNCE_MS !== undefined && Number.isInteger(debounce) && debounce >= 0)
    options.watchDebounceMs = debounce
  return options
}

function checkSimulationFlag(flag: string, policy: Record<string, unknown>): void {
  const [issue] = validateSimulation(policy, '').issues
  if (issue !== undefined) throw new UsageError(`${flag} ${issue.message}`)
}

/**
 * Serve until SIGINT/SIGTERM, then stop accepting, let in-flight requests finish, flush and release the
 * state file; resolves to the exit code.
 */
export async function runServe(args: ServeArgs, argv: readonly string[] = []): Promise<number> {
  const options = toStartOptions(args, argv)
  // a reader that went away (`restmock | head`, a closed terminal) must not crash the server or its shutdown
  process.stdout.on('error', ignoreClosedPipe)
  // the server loads only when it is about to serve, so `--help` stays fast
  const [{ startMock }, { waitForShutdown }] = await Promise.all([
    import('../server/start-mock.ts'),
    import('../server/node-server.ts'),
  ])
  const mock = await withYoungGenerationHeld(() => startMock(options))
  // listen for signals before the banner tells anyone the server is up
  const stopped = waitForShutdown(() => mock.close())
  printBanner(mock, options)
  await stopped
  process.stdout.write('restmock stopped\n')
  return EXIT_OK
}

function ignoreClosedPipe(error: NodeJS.ErrnoException): void {
  if (error.code !== 'EPIPE') throw error
}

function printBanner(mock: RunningMock, options: StartOptions): void {
  const { manifest } = mock.engine
  const lines = [`restmock listening on ${mock.url}`]
  const width = Math.max(...Object.keys(manifest.resources).map((name) => name.length))
  for (const resource of Object.values(manifest.resources)) {
    const kind = resource.singleton
      ? 'singleton'
      : plural(mock.engine.store.collection(resource.name)?.size ?? 0, 'record')
    lines.push(
      `  ${resource.name.padEnd(width)}  ${mock.url}${manifest.basePath}/${resource.name}  (${kind})`,
    )
  }
  lines.push(...openApiListing(manifest))
  lines.push(`  state: ${mock.stateFile ?? 'in memory (nothing is saved)'}`)
  lines.push(`  seed: ${mock.seed}`)
  if (manifest.auth !== undefined) {
    const state = options.auth === false ? 'off (--auth off: every request is let through)' : 'on'
    lines.push(`  auth: ${state}; tokens at ${mock.url}/__restmock/oauth/token`)
  }
  if (options.admin !== false) {
    lines.push(`  admin: ${mock.url}/__restmock`)
    if (options.adminToken === undefined && !isLoopback(mock.host)) {
      lines.push(
        `warning: the admin API at ${mock.url}/__restmock is reachable from the network without a token; ` +
          'set --admin-token or RESTMOCK_ADMIN_TOKEN, or use --no-admin',
      )
    }
  }
  process.stdout.write(`${lines.join('\n')}\n`)
}

/** 127.0.0.0/8, ::1 and localhost: reachable from this machine only. */
function isLoopback(host: string): boolean {
  const address = host.toLowerCase().replace(/^::ffff:/, '')
  return address === 'localhost' || address === '::1' || /^127\.\d+\.\d+\.\d+$/.test(address)
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`
}
