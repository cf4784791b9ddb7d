import { didYouMean, RestmockError } from '../errors.ts'
import type { Manifest, ResourceDef } from '../manifest/model.ts'
import { splitPath } from './compare.ts'
import {
  type EmbedSpec,
  type ExpandSpec,
  embedNames,
  expandNames,
  resolveEmbed,
  resolveExpand,
} from './embed.ts'
import type { ItemQuery, ListQuery } from './execute.ts'
import { type FieldCatalog, fieldCatalog } from './field-catalog.ts'
import { compileFilter, compileSearch, type Filter } from './filter.ts'
import { type PagingParams, parseWindow } from './paging.ts'
import { parseSort, splitList } from './sort.ts'
import { compileWhere } from './where.ts'

/** Query-string pairs in order, repeated keys included (e.g. from URLSearchParams). */
export type QueryParams = ReadonlyArray<readonly [string, string]>

/** Never filters: jQuery's cache buster, JSONP, and the simulation parameters (handled elsewhere). */
const IGNORED: ReadonlySet<string> = new Set(['_', 'callback', '_delay', '_status', '_fault'])
const PAGING_PARAMS = ['_page', '_per_page', '_limit', '_start', '_end'] as const
const LIST_PARAMS = ['q', '_sort', '_order', ...PAGING_PARAMS, '_embed', '_expand', '_fields', '_where']
const LIST_PARAM_SET: ReadonlySet<string> = new Set(LIST_PARAMS)
/** Every query parameter a list reads itself or ignores: a field of one of these names cannot be filtered. */
export const LIST_CONTROL_PARAMS: ReadonlySet<string> = new Set([...LIST_PARAMS, ...IGNORED])
const NONE: readonly string[] = []
const AS_STORED: ItemQuery = { fields: undefined, embed: [], expand: [] }
/** More parameters than any real client sends; past it a query is refused before anything is compiled. */
export const MAX_QUERY_PARAMS = 1000

/** Declared fields make a resource strict; zero-config resources accept (and ignore) anything unknown. */
export function isStrict(resource: ResourceDef, manifest: Manifest): boolean {
  return !manifest.zeroConfig && resource.fields !== undefined
}

/**
 * Parses and compiles the query of GET /name (or GET /parent/:id/name). On a resource with declared fields an
 * unknown field, an operator on the wrong type or a malformed paging value throws RestmockError
 * ('invalid_query') naming the parameter and the allowed values; in zero-config mode unknown parameters are
 * ignored. Throws nothing but RestmockError.
 */
export function parseListQuery(params: QueryParams, resource: ResourceDef, manifest: Manifest): ListQuery {
  checkParamCount(params.length)
  const strict = isStrict(resource, manifest)
  const catalog = fieldCatalog(resource, strict)
  const controls = new Map<string, string[]>()
  const filterParams = new Map<string, string[]>()
  for (const [key, value] of params) {
    if (IGNORED.has(key)) continue
    const target = LIST_PARAM_SET.has(key) ? controls : filterParams
    const values = target.get(key)
    if (values === undefined) target.set(key, [value])
    else values.push(value)
  }
  const filters: Filter[] = []
  for (const [key, values] of filterParams) {
    if (strict && key.startsWith('_') && !namesKnownField(key, catalog)) {
      throw invalidQuery(key, values[0], unknownName('query parameter', key, LIST_PARAMS))
    }
    filters.push(compileFilter(key, values, catalog))
  }
  // every term must match: a repeated one adds nothing but work
  const terms = [...new Set(controls.get('q') ?? NONE)].filter(isNotEmpty)
  const search = terms.map(compileSearch)
  const where = controls.get('_where')
  if (where !== undefined) {
    // as in json-server 1.0, a `_where` filter takes the place of the filter parameters (still checked above)
    filters.length = 0
    for (const text of new Set(where)) search.push(compileWhere(text, catalog))
  }
  const sortParams = controls.get('_sort') ?? NONE
  const orderParams = controls.get('_order') ?? NONE
  const sort = sortParams.length === 0 ? [] : parseSort(sortParams, orderParams, catalog)
  const paging: PagingParams = {}
  for (const name of PAGING_PARAMS) {
    const value = controls.get(name)?.at(-1)
    if (value !== undefined) paging[name] = value
  }
  const selection = filters.length === 0 && search.length === 0 && sort.length === 0
  return {
    filters,
    search,
    sort,
    window: parseWindow(paging, strict),
    shape: parseShape(controls, resource, manifest, catalog),
    ignoreAbsentFields: !strict,
    // filters, q and sort fully determine which records come out, in which order
    selectionKey: selection
      ? ''
      : JSON.stringify([where === undefined ? [...filterParams] : where, terms, sortParams, orderParams]),
  }
}

/**
 * Parses `_embed`, `_expand` and `_fields` for GET /name/:id. Other parameters are ignored (a single record
 * has nothing to filter). Strict resources reject unknown relation and field names.
 */
export function parseItemQuery(params: QueryParams, resource: ResourceDef, manifest: Manifest): ItemQuery {
  if (params.length === 0) return AS_STORED
  checkParamCount(params.length)
  const controls = new Map<string, string[]>()
  for (const [key, value] of params) {
    if (key !== '_embed' && key !== '_expand' && key !== '_fields') continue
    const values = controls.get(key)
    if (values === undefined) controls.set(key, [value])
    else values.push(value)
  }
  return parseShape(controls, resource, manifest, fieldCatalog(resource, isStrict(resource, manifest)))
}

function parseShape(
  controls: ReadonlyMap<string, readonly string[]>,
  resource: ResourceDef,
  manifest: Manifest,
  catalog: FieldCatalog,
): ItemQuery {
  const embedParams = controls.get('_embed')
  const expandParams = controls.get('_expand')
  const fieldParams = controls.get('_fields')
  if (embedParams === undefined && expandParams === undefined && fieldParams === undefined) return AS_STORED
  const conventions = !catalog.strict
  const embed: EmbedSpec[] = []
  const expand: ExpandSpec[] = []
  for (const name of new Set(splitList(embedParams ?? NONE))) {
    const spec = resolveEmbed(manifest, resource.name, name, conventions)
    if (spec !== undefined) {
      embed.push(spec)
      continue
    }
    // json-server 1.0 embeds a parent with `_embed` too (`/comments?_embed=post`)
    const parent = resolveExpand(manifest, resource.name, name, conventions)
    if (parent !== undefined) expand.push(parent)
    else if (catalog.strict) {
      const names = [...embedNames(manifest, resource.name), ...expandNames(manifest, resource.name)]
      throw invalidQuery('_embed', name, unknownName('relation', name, names))
    }
  }
  for (const name of new Set(splitList(expandParams ?? NONE))) {
    const spec = resolveExpand(manifest, resource.name, name, conventions)
    if (spec === undefined) {
      if (catalog.strict) {
        throw invalidQuery(
          '_expand',
          name,
          unknownName('relation', name, expandNames(manifest, resource.name)),
        )
      }
    } else if (!expand.some((e) => e.key === spec.key)) expand.push(spec)
  }
  const requested = [...new Set(splitList(fieldParams ?? NONE))]
  if (catalog.strict) {
    const related = new Set([...embed.map((e) => e.key), ...expand.map((e) => e.key)])
    const unknown = requested.find((field) => !catalog.has(field) && !related.has(field))
    if (unknown !== undefined)
      throw invalidQuery('_fields', unknown, unknownName('field', unknown, catalog.names))
  }
  const fields = requested.length === 0 ? undefined : requested
  return { fields, embed, expand, idField: resource.idField }
}

/** More than MAX_QUERY_PARAMS parameters -> 400, checked before anything is built from them. */
export function checkParamCount(count: number): void {
  if (count <= MAX_QUERY_PARAMS) return
  throw new RestmockError(
    'invalid_query',
    `the query string has ${count.toLocaleString('en-US')} parameters; at most ${MAX_QUERY_PARAMS.toLocaleString('en-US')} are accepted`,
  )
}

function namesKnownField(key: string, catalog: FieldCatalog): boolean {
  const parsed = parseFilterKey(key, catalog)
  return parsed.ok && catalog.has(splitPath(parsed.field)[0] ?? '')
}

function isNotEmpty(text: string): boolean {
  return text !== ''
}

export type FilterOp =
  | 'eq'
  | 'ne'
  | 'gt'
  | 'gte'
  | 'lt'
  | 'lte'
  | 'in'
  | 'contains'
  | 'startsWith'
  | 'endsWith'
  | 'like'

const COLON_OPERATORS: readonly FilterOp[] = [
  'eq',
  'ne',
  'gt',
  'gte',
  'lt',
  'lte',
  'in',
  'contains',
  'startsWith',
  'endsWith',
]

const COLON_BY_LOWER = new Map(COLON_OPERATORS.map((op) => [op.toLowerCase(), op]))
const SUFFIX = /^(.+)_(gte|gt|lte|lt|ne|like)$/

export type FilterKey = { ok: true; field: string; op: FilterOp } | { ok: false; problem: string }

/**
 * Splits a filter parameter name into field and operator: `views_gte` (json-server 0.17), `views:gte` (v1),
 * or a plain `views` (equality). A declared field whose own name ends like an operator stays a field.
 */
export function parseFilterKey(key: string, catalog: FieldCatalog): FilterKey {
  const colon = key.lastIndexOf(':')
  if (colon > 0) {
    const name = key.slice(colon + 1)
    const op = COLON_BY_LOWER.get(name.toLowerCase())
    if (op !== undefined) return { ok: true, field: key.slice(0, colon), op }
    if (catalog.strict) {
      return {
        ok: false,
        problem: unknownName(
          'operator',
          `:${name}`,
          COLON_OPERATORS.map((o) => `:${o}`),
        ),
      }
    }
    return { ok: true, field: key, op: 'eq' }
  }
  const suffix = SUFFIX.exec(key)
  if (suffix !== null && !(catalog.strict && catalog.names.includes(key))) {
    return { ok: true, field: suffix[1]!, op: suffix[2] as FilterOp }
  }
  return { ok: true, field: key, op: 'eq' }
}

/** A 400 `invalid_query` whose detail names the parameter (with its value) and what is wrong with it. */
export function invalidQuery(param: string, value: string | undefined, problem: string): RestmockError {
  const shown = value === undefined ? param : `${param}=${value}`
  return new RestmockError('invalid_query', `query parameter "${shown}": ${problem}`)
}

/** "unknown field "tittle" (did you mean "title"?); allowed: id, title, views" */
export function unknownName(what: string, name: string, allowed: readonly string[]): string {
  const list = allowed.length === 0 ? 'none' : allowed.join(', ')
  return `unknown ${what} "${name}"${didYouMean(name, allowed)}; allowed: ${list}`
}
