import { didYouMean, RestmockError } from '../errors.ts'
import { FAULT_KINDS, type FaultKind, parseDuration, type RequestOverrides } from './policy.ts'

/** Longest delay one request may ask for: long enough for any UI test, short enough not to pin sockets. */
export const MAX_REQUEST_DELAY_MS = 300_000

const PREFER_NAMES: Readonly<Record<string, keyof RequestOverrides>> = {
  status: 'status',
  code: 'status', // Prism's spelling
  delay: 'delayMs',
  fault: 'fault',
}

/**
 * Per-request overrides from an RFC 7240 `Prefer` header (`status=503, delay=100, fault=reset`; Prism's
 * `code=503` too) and the `_status` / `_delay` / `_fault` query parameters; the header wins when both set
 * the same thing. Other preferences (`return=minimal`) are left alone. A recognised preference with an
 * unusable value is a 400 `invalid_query` naming where it came from, so a typo never passes silently.
 * Undefined when the request asks for nothing.
 */
export function parseOverrides(
  prefer: string | null | undefined,
  query: (name: string) => string | null | undefined,
): RequestOverrides | undefined {
  const overrides: RequestOverrides = {}
  const status = query('_status')
  if (status != null) set(overrides, 'status', status, 'query parameter _status')
  const delay = query('_delay')
  if (delay != null) set(overrides, 'delayMs', delay, 'query parameter _delay')
  const fault = query('_fault')
  if (fault != null) set(overrides, 'fault', fault, 'query parameter _fault')
  if (prefer != null && prefer !== '') {
    for (const [name, value] of preferences(prefer)) {
      const key = PREFER_NAMES[name]
      if (key !== undefined) set(overrides, key, value, `Prefer ${name}`)
    }
  }
  return Object.keys(overrides).length === 0 ? undefined : overrides
}

/** `a=1, b="x"; param, c` -> [[a, 1], [b, x], [c, '']] with lower-cased names. */
function preferences(header: string): Array<[string, string]> {
  const result: Array<[string, string]> = []
  for (const part of header.split(',')) {
    const preference = part.split(';')[0]!.trim()
    if (preference === '') continue
    const equals = preference.indexOf('=')
    const name = (equals === -1 ? preference : preference.slice(0, equals)).trim().toLowerCase()
    const value = equals === -1 ? '' : unquote(preference.slice(equals + 1).trim())
    result.push([name, value])
  }
  return result
}

function unquote(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value
}

function set(overrides: RequestOverrides, key: keyof RequestOverrides, raw: string, where: string): void {
  switch (key) {
    case 'status':
      overrides.status = parseStatus(raw, where)
      return
    case 'delayMs':
      overrides.delayMs = parseDelay(raw, where)
      return
    case 'fault':
      overrides.fault = parseFault(raw, where)
      return
  }
}

function parseStatus(raw: string, where: string): number {
  const status = /^\d{3}$/.test(raw) ? Number(raw) : Number.NaN
  if (status >= 400 && status <= 599) return status
  throw invalid(`${where} must be an HTTP error status between 400 and 599 (such as 503), got "${raw}"`)
}

function parseDelay(raw: string, where: string): number {
  const ms = parseDuration(raw)
  if (ms !== undefined && ms <= MAX_REQUEST_DELAY_MS) return Math.round(ms)
  throw invalid(
    `${where} must be a delay in ms (such as 800) or a duration (such as "2s"), at most ${MAX_REQUEST_DELAY_MS / 1000}s, got "${raw}"`,
  )
}

function parseFault(raw: string, where: string): FaultKind {
  const kind = raw.toLowerCase()
  if ((FAULT_KINDS as readonly string[]).includes(kind)) return kind as FaultKind
  throw invalid(
    `${where} must be one of ${FAULT_KINDS.join(', ')}, got "${raw}"${didYouMean(kind, FAULT_KINDS)}`,
  )
}

function invalid(detail: string): RestmockError {
  return new RestmockError('invalid_query', detail)
}
