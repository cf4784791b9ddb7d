import { ConfigError } from '../errors.ts'
import { parseDuration } from '../simulation/policy.ts'
import type { SessionLimits } from './session-registry.ts'

/** The session settings as a user gives them (library options; the CLI flags carry the same values). */
export interface SessionSettings {
  /** idle time before a session ends: ms, or a duration such as "30m" or "90s" (default 30m; --session-ttl) */
  sessionTtl?: string | number
  /** most sessions at once, the least recently used ending first (default 1000; --max-sessions) */
  maxSessions?: number
  /** most bytes of changed records all sessions hold: bytes, or a size such as "256MB" (default 256MB; --max-session-bytes) */
  maxSessionBytes?: string | number
}

const SIZE = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb|k|m|g)?$/i
const UNIT_BYTES: Readonly<Record<string, number>> = {
  b: 1,
  k: 1024,
  kb: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
}

/** Bytes from a number or a size such as "256MB", "512kb", "1g" (1 KB = 1024 bytes); undefined when not one. */
export function parseByteSize(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? Math.floor(value) : undefined
  if (typeof value !== 'string') return undefined
  const match = SIZE.exec(value.trim())
  if (match === null) return undefined
  return Math.floor(Number(match[1]) * UNIT_BYTES[(match[2] ?? 'b').toLowerCase()]!)
}

/** What is wrong with each given setting, named as `names` says (the option or the flag). */
export function sessionSettingProblems(
  settings: SessionSettings,
  names: Readonly<Record<keyof SessionSettings, string>> = {
    sessionTtl: 'sessionTtl',
    maxSessions: 'maxSessions',
    maxSessionBytes: 'maxSessionBytes',
  },
): string[] {
  const problems: string[] = []
  const { sessionTtl, maxSessions, maxSessionBytes } = settings
  if (sessionTtl !== undefined) {
    const ms = parseDuration(sessionTtl)
    if (ms === undefined || ms < 1000)
      problems.push(
        `${names.sessionTtl} must be a duration of at least 1s such as "30m" or "90s", got ${shown(sessionTtl)}`,
      )
  }
  if (maxSessions !== undefined && !(Number.isSafeInteger(maxSessions) && maxSessions >= 1))
    problems.push(`${names.maxSessions} must be a whole number >= 1, got ${shown(maxSessions)}`)
  if (maxSessionBytes !== undefined) {
    const bytes = parseByteSize(maxSessionBytes)
    if (bytes === undefined || bytes < 1)
      problems.push(
        `${names.maxSessionBytes} must be a number of bytes or a size such as "256MB", got ${shown(maxSessionBytes)}`,
      )
  }
  return problems
}

/** The registry limits for checked settings; throws a ConfigError listing every problem. */
export function sessionLimitsOf(settings: SessionSettings): SessionLimits {
  const problems = sessionSettingProblems(settings)
  if (problems.length > 0) throw new ConfigError(problems.join('; '), [])
  const limits: SessionLimits = {}
  if (settings.sessionTtl !== undefined) limits.ttlMs = parseDuration(settings.sessionTtl)!
  if (settings.maxSessions !== undefined) limits.maxSessions = settings.maxSessions
  if (settings.maxSessionBytes !== undefined) limits.maxBytes = parseByteSize(settings.maxSessionBytes)!
  return limits
}

function shown(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value)
}
