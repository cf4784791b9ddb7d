import type { Issue } from '../manifest/model.ts'
import { describeValue, joinPath, Reporter } from '../manifest/reporter.ts'
import { MAX_REQUEST_DELAY_MS } from './overrides.ts'
import { DURATION_HINT, FAULT_KINDS, type FaultKind, parseDuration } from './policy.ts'
import { checkPathPattern, compilePathPattern, type PathPattern, parseRouteMethod } from './routes.ts'

/** "Let `after` matching requests through, then apply to the next `times`." Path relative to basePath. */
export interface ScriptedFaultSpec {
  /** upper-case method, or `*` for any */
  method: string
  path: string
  status?: number
  fault?: FaultKind
  delayMs?: number
  times: number
  after: number
}

export interface ScriptedFault extends Readonly<ScriptedFaultSpec> {
  readonly id: number
  /** matching requests seen so far */
  readonly matched: number
  /** requests this fault was applied to so far (at most `times`) */
  readonly applied: number
}

const SPEC_KEYS = ['method', 'path', 'status', 'fault', 'delay', 'times', 'after']

/** Validate a scripted fault as sent to `POST /__restmock/faults`; issue paths are body keys. */
export function validateScriptedFault(
  raw: unknown,
  path = '',
): { spec?: ScriptedFaultSpec; issues: Issue[] } {
  const report = new Reporter()
  const object = report.object(raw ?? null, path)
  if (object === undefined) return { issues: report.issues }
  report.unknownKeys(object, SPEC_KEYS, path, 'fault')
  let method: string | undefined = '*'
  if (object.method !== undefined) {
    const text = report.string(object.method, joinPath(path, 'method'))
    const parsed = text === undefined ? undefined : parseRouteMethod(text)
    if (parsed?.problem !== undefined) report.add(joinPath(path, 'method'), parsed.problem)
    method = parsed?.method
  }
  const pattern = report.string(object.path, joinPath(path, 'path'))
  const pathProblem = pattern === undefined ? undefined : checkPathPattern(pattern)
  if (object.path === undefined)
    report.add(joinPath(path, 'path'), 'is required, such as "/orders" or "/orders/:id"')
  if (pathProblem !== undefined) report.add(joinPath(path, 'path'), pathProblem)
  const spec: Partial<ScriptedFaultSpec> = {}
  if (object.status !== undefined) {
    const status = object.status
    if (typeof status === 'number' && Number.isInteger(status) && status >= 400 && status <= 599)
      spec.status = status
    else
      report.add(
        joinPath(path, 'status'),
        `must be an HTTP error status between 400 and 599, got ${describeValue(status)}`,
      )
  }
  const fault = report.oneOf(object.fault, FAULT_KINDS, joinPath(path, 'fault'))
  if (fault !== undefined) spec.fault = fault
  if (object.delay !== undefined) {
    const delayMs = parseDuration(object.delay)
    if (delayMs === undefined)
      report.add(joinPath(path, 'delay'), `must be ${DURATION_HINT}, got ${describeValue(object.delay)}`)
    else if (delayMs > MAX_REQUEST_DELAY_MS)
      report.add(
        joinPath(path, 'delay'),
        `must be at most ${MAX_REQUEST_DELAY_MS / 1000}s, got ${describeValue(object.delay)}`,
      )
    else spec.delayMs = delayMs
  }
  if (object.status === undefined && object.fault === undefined && object.delay === undefined) {
    report.add(path, 'needs at least one of status, fault or delay')
  }
  const times =
    object.times === undefined ? 1 : report.nonNegativeInteger(object.times, joinPath(path, 'times'))
  if (times === 0) report.add(joinPath(path, 'times'), 'must be at least 1')
  const after =
    object.after === undefined ? 0 : report.nonNegativeInteger(object.after, joinPath(path, 'after'))
  if (report.issues.length > 0 || method === undefined || pattern === undefined)
    return { issues: report.issues }
  return { spec: { ...spec, method, path: pattern, times: times!, after: after! }, issues: [] }
}

interface Entry {
  fault: ScriptedFault & { matched: number; applied: number }
  pattern: PathPattern
}

/** Scripted faults for tests, applied in the order they were added. */
export class ScriptedFaults {
  #entries: Entry[] = []
  #nextId = 1

  get size(): number {
    return this.#entries.length
  }

  add(spec: ScriptedFaultSpec): ScriptedFault {
    const fault = { ...spec, id: this.#nextId++, matched: 0, applied: 0 }
    this.#entries.push({ fault, pattern: compilePathPattern(spec.path) })
    return { ...fault }
  }

  /** Every fault, spent ones included (so a test can check `applied`), oldest first. */
  list(): ScriptedFault[] {
    return this.#entries.map((entry) => ({ ...entry.fault }))
  }

  remove(id: number): boolean {
    const before = this.#entries.length
    this.#entries = this.#entries.filter((entry) => entry.fault.id !== id)
    return this.#entries.length < before
  }

  clear(): void {
    this.#entries = []
  }

  /**
   * Count this request against every matching fault and return the one to apply: the oldest whose
   * `after` requests have gone by and whose `times` is not spent. Others that were due wait for the next.
   */
  take(method: string, path: string): ScriptedFault | undefined {
    let chosen: Entry['fault'] | undefined
    for (const { fault, pattern } of this.#entries) {
      if ((fault.method !== '*' && fault.method !== method) || !pattern.matches(path)) continue
      fault.matched++
      if (chosen === undefined && fault.matched > fault.after && fault.applied < fault.times) {
        fault.applied++
        chosen = fault
      }
    }
    return chosen === undefined ? undefined : { ...chosen }
  }
}
