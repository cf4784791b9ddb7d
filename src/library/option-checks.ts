import { ConfigError, didYouMean } from '../core/errors.ts'
import type { Issue } from '../core/manifest/model.ts'
import { idFieldProblem } from '../core/manifest/model.ts'
import { describeValue } from '../core/manifest/reporter.ts'
import { sessionSettingProblems } from '../core/sessions/session-limits.ts'
import { originOf } from '../http/admin/admin-hook.ts'
import type { MockOptions, StartOptions } from '../server/options.ts'

/** Describes what is wrong with one option value, or undefined when it is fine. */
type Check = (value: unknown) => string | undefined

const string =
  (what = 'a string'): Check =>
  (value) =>
    typeof value === 'string' ? undefined : `must be ${what}, got ${describe(value)}`

const boolean: Check = (value) =>
  typeof value === 'boolean' ? undefined : `must be true or false, got ${describe(value)}`

const integer =
  (min: number, max: number, what: string): Check =>
  (value) =>
    typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max
      ? undefined
      : `must be ${what}, got ${describe(value)}`

const isObject = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

const MOCK_CHECKS: { [K in keyof Required<MockOptions>]: Check } = {
  source: (value) =>
    typeof value === 'string'
      ? undefined
      : `must be a file path (string), got ${describe(value)}${
          isObject(value) ? '; pass a manifest object as options.manifest' : ''
        }`,
  manifest: (value) =>
    typeof value === 'string' || isObject(value)
      ? undefined
      : `must be a manifest object or its YAML/JSON text, got ${describe(value)}`,
  data: (value) =>
    isObject(value)
      ? undefined
      : `must be seed data in db.json shape (an object of collections), got ${describe(value)}`,
  dataPath: string('a file or folder path (string)'),
  seed: integer(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, 'an integer'),
  locale: string('a faker locale such as "en" or "de"'),
  basePath: string('a path such as "/api"'),
  static: (value) =>
    typeof value === 'string' || (Array.isArray(value) && value.every((item) => typeof item === 'string'))
      ? undefined
      : `must be a folder path or a list of folder paths, got ${describe(value)}`,
  routes: (value) =>
    typeof value === 'string' || isObject(value)
      ? undefined
      : `must be a routes.json path or an object of rewrite rules such as { '/api/*': '/$1' }, got ${describe(value)}`,
  cors: boolean,
  bodyLimit: integer(1, Number.MAX_SAFE_INTEGER, 'a whole number of bytes >= 1'),
  latency: (value) =>
    (typeof value === 'number' && value >= 0) || typeof value === 'string'
      ? undefined
      : `must be milliseconds (a number >= 0) or a range such as "50-300", got ${describe(value)}`,
  errorRate: (value) =>
    typeof value === 'number' && value >= 0 && value <= 1
      ? undefined
      : `must be a probability from 0 to 1, got ${describe(value)}`,
  prefer: boolean,
  admin: boolean,
  adminToken: (value) =>
    typeof value === 'string' && /^[\x21-\x7e]+$/.test(value)
      ? undefined
      : `must be one or more visible ASCII characters, without spaces, got ${describe(value)}`,
  adminOrigin: (value) => {
    try {
      originOf(value)
      return undefined
    } catch {
      return `must be an origin such as "http://localhost:5173" (scheme, host and port only), got ${describe(value)}`
    }
  },
  idField: idFieldProblem,
  auth: boolean,
  showSecrets: boolean,
  sessionTtl: (value) => sessionProblem({ sessionTtl: value as string | number }),
  maxSessions: (value) => sessionProblem({ maxSessions: value as number }),
  maxSessionBytes: (value) => sessionProblem({ maxSessionBytes: value as string | number }),
}

/** A session setting's problem, worded like the other checks ("must be ..."). */
function sessionProblem(settings: Parameters<typeof sessionSettingProblems>[0]): string | undefined {
  const [problem] = sessionSettingProblems(settings, { sessionTtl: '', maxSessions: '', maxSessionBytes: '' })
  return problem?.trimStart()
}

const START_CHECKS: { [K in keyof Required<StartOptions>]: Check } = {
  ...MOCK_CHECKS,
  port: integer(0, 65535, 'a port from 0 to 65535 (0 picks a free one)'),
  host: string('a host name or IP address'),
  db: string('a state file path (string)'),
  persist: boolean,
  reset: boolean,
  sync: boolean,
  logRequests: boolean,
  watch: (value) =>
    typeof value === 'boolean' || value === 'auto'
      ? undefined
      : `must be true, false or 'auto', got ${describe(value)}`,
  watchDebounceMs: integer(0, 60_000, 'a whole number of milliseconds from 0 to 60000'),
  log: (value) => (typeof value === 'function' ? undefined : `must be a function, got ${describe(value)}`),
  middlewares: (value) =>
    typeof value === 'string' || (Array.isArray(value) && value.every((item) => typeof item === 'string'))
      ? undefined
      : `must be a module path or a list of module paths, got ${describe(value)}`,
}

/** Throws a ConfigError naming every bad option of createMock (`kind` 'mock') or startMock ('start'). */
export function checkOptions(options: unknown, kind: 'mock' | 'start', caller: string): void {
  if (!isObject(options)) {
    throw new ConfigError(
      `${caller} needs an options object such as { source: 'restmock.yaml' }, got ${describe(options)}`,
      [],
    )
  }
  const checks: Record<string, Check> = kind === 'start' ? START_CHECKS : MOCK_CHECKS
  const issues: Issue[] = []
  for (const [key, value] of Object.entries(options as Record<string, unknown>)) {
    const check = Object.hasOwn(checks, key) ? checks[key] : undefined
    if (check === undefined) {
      const startOnly = kind === 'mock' && Object.hasOwn(START_CHECKS, key)
      issues.push({
        path: key,
        message: startOnly
          ? `is a startMock option; createMock serves in process, without a socket or files`
          : `is not an option${didYouMean(key, Object.keys(checks))}`,
      })
      continue
    }
    // undefined means "not given", as with every optional property
    const problem = value === undefined ? undefined : check(value)
    if (problem !== undefined) issues.push({ path: key, message: problem })
  }
  if (issues.length === 0) return
  const lines = issues.map((issue) => `options.${issue.path} ${issue.message}`)
  throw new ConfigError(
    issues.length === 1 ? lines[0]! : `${caller}: ${issues.length} problems: ${lines.join('; ')}`,
    issues.map((issue) => ({ ...issue, path: `options.${issue.path}` })),
  )
}

/** Throws a ConfigError unless `url` is the root URL of a mock (http or https, no path). */
export function checkMockUrl(url: unknown): URL {
  const bad = (why: string): ConfigError =>
    new ConfigError(
      `connectMock: the url ${why}; pass the mock's root URL, such as http://127.0.0.1:3000`,
      [],
    )
  if (typeof url !== 'string' && !(url instanceof URL)) throw bad(`must be a string, got ${describe(url)}`)
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw bad(`${JSON.stringify(String(url))} is not a valid URL`)
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw bad(`must use http or https, got ${parsed.protocol.slice(0, -1)}`)
  if (parsed.pathname !== '/' || parsed.search !== '' || parsed.hash !== '')
    throw bad(`must have no path, query or fragment, got ${JSON.stringify(String(url))}`)
  return parsed
}

function describe(value: unknown): string {
  if (typeof value === 'function') return 'a function'
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`
  return describeValue(value)
}
