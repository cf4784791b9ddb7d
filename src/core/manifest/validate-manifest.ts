import { checkResourceAuth, readAuth, readResourceAuth } from '../auth/validate-auth.ts'
import { ConfigError, didYouMean } from '../errors.ts'
import { checkFieldTies } from './field-ties.ts'
import { checkManyRef } from './many-refs.ts'
import type { FieldDef, IdStrategy, Issue, Manifest, ResourceDef } from './model.ts'
import { DEFAULT_ID_FIELD, idFieldProblem } from './model.ts'
import { isPlainObject, joinPath, Reporter } from './reporter.ts'
import { validateFieldMap } from './validate-field.ts'
import { declaredRelations } from './zero-config.ts'

export const TOP_LEVEL_KEYS = [
  'name',
  'basePath',
  'data',
  'seed',
  'locale',
  'simulate',
  'routes',
  'extensions',
  'resources',
  'auth',
  'openapi',
] as const
export const RESOURCE_KEYS = [
  'id',
  'idField',
  'count',
  'timestamps',
  'singleton',
  'additionalFields',
  'fields',
  'simulate',
  'description',
  'auth',
] as const
const ID_STRATEGIES: readonly IdStrategy[] = ['integer', 'uuid', 'string']
const RESOURCE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/
const TIMESTAMP_FIELDS = ['createdAt', 'updatedAt']
/** Keys reserved for features this version does not have yet. */
const NOT_YET_SUPPORTED: Record<string, string> = {}

/** Extra checks contributed by other modules (simulation policies, faker method paths). */
export type ManifestCheck = (manifest: Manifest, raw: Record<string, unknown>) => Issue[]

export interface ValidateOptions {
  /** file name used in the error summary */
  source?: string
  lineOf?: (path: string) => number | undefined
  checks?: readonly ManifestCheck[]
  /** the primary key's field name of every resource that sets no `idField` (CLI --id); default "id" */
  idField?: string
}

/** Every problem of a manifest, split by stage, and the manifest as far as it could be read. */
export interface ManifestReport {
  /** normalized from what could be read (resources or fields with problems may be missing or partial) */
  manifest: Manifest | undefined
  /** problems in the manifest's own shape and values */
  structural: Issue[]
  /** problems found by the extra checks (simulation policies, faker methods, ref cycles) */
  checks: Issue[]
}

/**
 * Read a manifest collecting every problem. The extra checks run even when the manifest has structural
 * problems (on the parts that could be read), so one pass reports everything.
 */
export function checkManifest(raw: unknown, options: ValidateOptions = {}): ManifestReport {
  const report = new Reporter()
  const manifest = readManifest(raw, report, options.idField ?? DEFAULT_ID_FIELD)
  const checks: Issue[] = []
  if (manifest !== undefined && isPlainObject(raw)) {
    for (const check of options.checks ?? []) checks.push(...check(manifest, raw))
  }
  const located = (issues: Issue[]): Issue[] => issues.map((issue) => withLine(issue, options.lineOf))
  return { manifest, structural: located(report.issues), checks: located(checks) }
}

/** Validate a parsed manifest; returns it normalized or throws a ConfigError listing every problem. */
export function validateManifest(raw: unknown, options: ValidateOptions = {}): Manifest {
  const { manifest, structural, checks } = checkManifest(raw, options)
  const issues = [...structural, ...checks]
  if (issues.length > 0 || manifest === undefined) throw manifestError(issues, options.source)
  return manifest
}

export function manifestError(issues: Issue[], source: string | undefined): ConfigError {
  const where = source === undefined ? 'the manifest' : source
  const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`
  return new ConfigError(`${where} has ${count}:`, issues, source)
}

/** The issue with the line of its path in the manifest (or of the nearest enclosing key). */
export function withLine(issue: Issue, lineOf: ValidateOptions['lineOf']): Issue {
  if (lineOf === undefined || issue.line !== undefined) return issue
  // the deepest path that exists in the document (a missing key reports its parent's line)
  const parts = issue.path.split('.')
  for (let length = parts.length; length >= 0; length--) {
    const line = lineOf(parts.slice(0, length).join('.'))
    if (line !== undefined) return { ...issue, line }
  }
  return issue
}

function readManifest(raw: unknown, report: Reporter, idField: string): Manifest | undefined {
  if (!isPlainObject(raw)) {
    report.add('', 'the manifest must be an object with a `resources` key')
    return undefined
  }
  for (const key of Object.keys(raw)) {
    const reason = NOT_YET_SUPPORTED[key]
    if (reason !== undefined) report.add(key, reason)
  }
  report.unknownKeys(
    Object.fromEntries(Object.entries(raw).filter(([key]) => NOT_YET_SUPPORTED[key] === undefined)),
    TOP_LEVEL_KEYS,
    '',
    'manifest',
  )
  const basePath = readBasePath(raw.basePath, report)
  const seed = raw.seed
  if (seed !== undefined && !(typeof seed === 'number' && Number.isSafeInteger(seed))) {
    report.add('seed', 'must be a whole number')
  }
  const routes = report.object(raw.routes, 'routes')
  const resourcesRaw = report.object(raw.resources, 'resources')
  // a manifest serving an OpenAPI document may leave every operation to it
  const byDocument = raw.openapi !== undefined
  if (raw.resources === undefined && !byDocument)
    report.add('resources', 'is required: declare at least one resource')
  const resources: Record<string, ResourceDef> = {}
  for (const [name, definition] of Object.entries(resourcesRaw ?? {})) {
    const resource = readResource(name, definition, joinPath('resources', name), report, idField)
    if (resource !== undefined) resources[name] = resource
  }
  if (resourcesRaw !== undefined && Object.keys(resourcesRaw).length === 0 && !byDocument) {
    report.add('resources', 'declares no resources')
  }
  checkRefs(resources, report)
  checkFieldTies(resources, report)
  const auth = readAuth(raw.auth, report)
  checkResourceAuth(resources, auth, report)
  const manifest: Manifest = {
    name: report.string(raw.name, 'name') ?? 'restmock',
    basePath,
    resources,
    relations: declaredRelations(resources),
    zeroConfig: false,
  }
  const data = report.string(raw.data, 'data')
  if (data !== undefined) manifest.data = data
  if (typeof seed === 'number' && Number.isSafeInteger(seed)) manifest.seed = seed
  const locale = report.string(raw.locale, 'locale')
  if (locale !== undefined) manifest.locale = locale
  if (raw.simulate !== undefined) manifest.simulate = raw.simulate
  if (routes !== undefined) manifest.routes = routes
  const extensions = readExtensions(raw.extensions, report)
  if (extensions !== undefined) manifest.extensions = extensions
  if (auth !== undefined) manifest.auth = auth
  const openapi = report.string(raw.openapi, 'openapi')
  if (openapi !== undefined) manifest.openapi = openapi
  return manifest
}

function readExtensions(raw: unknown, report: Reporter): string[] | undefined {
  if (raw === undefined) return undefined
  if (Array.isArray(raw) && raw.every((item) => typeof item === 'string' && item !== '')) return raw
  report.add('extensions', 'must be a list of module paths (relative to the manifest), such as [./auth.js]')
  return undefined
}

function readBasePath(raw: unknown, report: Reporter): string {
  const value = report.string(raw, 'basePath')
  if (value === undefined || value === '' || value === '/') return ''
  if (!/^\/[A-Za-z0-9._~\-/]*$/.test(value)) {
    report.add('basePath', `must start with "/" and contain only URL path characters, got "${value}"`)
    return ''
  }
  return value.replace(/\/+$/, '')
}

function readResource(
  name: string,
  raw: unknown,
  path: string,
  report: Reporter,
  defaultIdField: string,
): ResourceDef | undefined {
  if (!RESOURCE_NAME.test(name)) {
    report.add(
      path,
      `resource name "${name}" must be URL-safe (letters, digits, "-" and "_", not starting with "_")`,
    )
  }
  const definition = raw === null ? {} : report.object(raw, path)
  if (definition === undefined) return undefined
  report.unknownKeys(definition, RESOURCE_KEYS, path, 'resource')
  const singleton = report.boolean(definition.singleton, joinPath(path, 'singleton')) ?? false
  const fields =
    definition.fields === undefined
      ? undefined
      : validateFieldMap(definition.fields, joinPath(path, 'fields'), report, false)
  const timestamps = report.boolean(definition.timestamps, joinPath(path, 'timestamps')) ?? false
  const resource: ResourceDef = {
    name,
    singleton,
    id: report.oneOf(definition.id, ID_STRATEGIES, joinPath(path, 'id')) ?? 'integer',
    idField: readIdField(definition.idField, joinPath(path, 'idField'), report) ?? defaultIdField,
    timestamps,
    additionalFields:
      report.boolean(definition.additionalFields, joinPath(path, 'additionalFields')) ?? fields === undefined,
  }
  if (fields !== undefined) resource.fields = fields
  const count = report.nonNegativeInteger(definition.count, joinPath(path, 'count'))
  if (count !== undefined) resource.count = count
  if (definition.simulate !== undefined) resource.simulate = definition.simulate
  const auth = readResourceAuth(definition.auth, joinPath(path, 'auth'), report)
  if (auth !== undefined) resource.auth = auth
  if (singleton) {
    for (const key of ['id', 'idField', 'count'] as const) {
      if (definition[key] !== undefined)
        report.add(joinPath(path, key), 'does not apply to a singleton resource')
    }
  }
  for (const fieldName of Object.keys(fields ?? {})) {
    const where = joinPath(joinPath(path, 'fields'), fieldName)
    if (fieldName === resource.idField && !singleton)
      checkKeyField(resource, fields![fieldName]!, where, report)
    if (timestamps && TIMESTAMP_FIELDS.includes(fieldName)) {
      report.add(where, 'is maintained by restmock because the resource sets `timestamps: true`')
    }
  }
  if (timestamps && TIMESTAMP_FIELDS.includes(resource.idField) && !singleton) {
    report.add(
      joinPath(path, definition.idField === undefined ? 'timestamps' : 'idField'),
      `the primary key cannot be ${resource.idField}: restmock maintains it because the resource sets \`timestamps: true\``,
    )
  }
  return resource
}

/**
 * A declared field named as the primary key (an imported schema often lists its key) documents it:
 * accepted when its type fits the `id` strategy, then left out of the field rules (restmock manages
 * the key), reported when it does not.
 */
function checkKeyField(resource: ResourceDef, field: FieldDef, where: string, report: Reporter): void {
  const expected = resource.id === 'integer' ? 'integer' : 'string'
  if (field.type === expected && field.ref === undefined) {
    const { [resource.idField]: _key, ...rest } = resource.fields!
    resource.fields = rest
    return
  }
  report.add(
    where,
    `is the primary key (idField: ${resource.idField}), managed by restmock as the resource key \`id\` says (${resource.id}): declare it as type ${expected} without ref, or leave it out`,
  )
}

function readIdField(raw: unknown, path: string, report: Reporter): string | undefined {
  if (raw === undefined) return undefined
  const problem = idFieldProblem(raw)
  if (problem === undefined) return raw as string
  report.add(path, problem)
  return undefined
}

function checkRefs(resources: Record<string, ResourceDef>, report: Reporter): void {
  const names = Object.keys(resources)
  for (const resource of Object.values(resources)) {
    for (const [fieldName, field] of Object.entries(resource.fields ?? {})) {
      checkManyRef(resources, resource, fieldName, field, report)
      if (field.ref === undefined) continue
      const path = `resources.${resource.name}.fields.${fieldName}`
      const target = resources[field.ref]
      if (target === undefined) {
        report.add(`${path}.ref`, `unknown resource "${field.ref}"${didYouMean(field.ref, names)}`)
        continue
      }
      if (resource.singleton && field.onDelete !== undefined && field.onDelete !== 'set-null') {
        report.add(`${path}.onDelete`, 'a singleton can only use onDelete: set-null')
      }
      if (target.singleton) {
        report.add(`${path}.ref`, `"${field.ref}" is a singleton; a ref must point at a collection`)
        continue
      }
      const expected = target.id === 'integer' ? 'integer' : 'string'
      if (field.type !== expected) {
        report.add(`${path}.type`, `must be ${expected} to hold ids of "${field.ref}" (id: ${target.id})`)
      }
      if (field.onDelete === 'set-null' && !field.nullable) {
        report.add(`${path}.onDelete`, 'set-null needs the field to be `nullable: true`')
      }
    }
  }
}
