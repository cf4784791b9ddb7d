import type { FieldDef, FieldType, Manifest, ResourceDef } from '../manifest/model.ts'
import { singular } from '../manifest/zero-config.ts'
import { embedNames, expandNames } from '../query/embed.ts'
import { isStrict, LIST_CONTROL_PARAMS } from '../query/parse-query.ts'
import { idSchema, type JsonObject } from './export-schemas.ts'

/** Query parameters a list reads itself; a field of the same name cannot be filtered by equality. */
const CONTROL_PARAMS: ReadonlySet<string> = LIST_CONTROL_PARAMS

/** The name of the object parameter holding the operator filters (it never appears in a URL itself). */
export const FILTERS_PARAM = '_filters'

function ref(name: string): JsonObject {
  return { $ref: `#/components/parameters/${name}` }
}

/** components.parameters shared by every list, item and write operation. */
export function sharedParameters(): Record<string, JsonObject> {
  const integer = (minimum: number): JsonObject => ({ type: 'integer', minimum })
  return {
    q: query(
      'q',
      { type: 'string' },
      'Full-text search: case-insensitive, over every value of a record, nested included.',
    ),
    sort: query(
      '_sort',
      { type: 'string' },
      'Sort by these fields, comma-separated; a leading "-" sorts descending (`_sort=lastName,-createdAt`). Dotted paths reach nested fields.',
    ),
    order: query(
      '_order',
      { type: 'string', examples: ['asc', 'desc,asc'] },
      'The direction of each `_sort` field in turn: `asc` or `desc`, comma-separated.',
    ),
    page: query(
      '_page',
      integer(1),
      'Page number (from 1). With `_limit` (default 10): a plain array, `X-Total-Count` and a `Link` header; with `_per_page`: the page envelope.',
    ),
    limit: query(
      '_limit',
      integer(0),
      'Page size with `_page`; otherwise the number of records after `_start`.',
    ),
    perPage: query(
      '_per_page',
      integer(1),
      'Page size with `_page`: answers the envelope `{ first, prev, next, last, pages, items, data }`.',
    ),
    start: query('_start', integer(0), 'Index of the first record to return (slicing, 0-based).'),
    end: query('_end', integer(0), 'Index after the last record to return (slicing).'),
    where: query(
      '_where',
      { type: 'string', examples: ['{"or":[{"price":{"gt":100}},{"status":{"eq":"paid"}}]}'] },
      'A JSON filter: each field maps to operators (eq, ne, lt, lte, gt, gte, in, contains, startsWith, endsWith) or, for a nested field, to its own fields; `or` takes a list of filters. Replaces the other filter parameters.',
    ),
    ifNoneMatch: header(
      'If-None-Match',
      'An ETag received before: 304 Not Modified while the record is unchanged.',
    ),
    ifMatch: header(
      'If-Match',
      'The ETag of the version being changed: 412 Precondition Failed when the record changed since.',
    ),
    prefer: header(
      'Prefer',
      'RFC 7240: `return=minimal` answers 204 without a body, `return=representation` answers the record. Simulation: `status=503`, `delay=800`, `fault=reset`.',
      ['return=minimal', 'return=representation'],
    ),
    idempotencyKey: header(
      'Idempotency-Key',
      'A POST with a key seen before (same path) replays the first answer instead of creating again.',
    ),
  }
}

function query(name: string, schema: JsonObject, description: string): JsonObject {
  return { name, in: 'query', required: false, description, schema }
}

function header(name: string, description: string, examples?: string[]): JsonObject {
  const schema: JsonObject = examples === undefined ? { type: 'string' } : { type: 'string', examples }
  return { name, in: 'header', required: false, description, schema }
}

/** The path parameter of an item (or of the parent of a nested collection). */
export function idParameter(resource: ResourceDef): JsonObject {
  return {
    name: 'id',
    in: 'path',
    required: true,
    description: `The id of the ${singular(resource.name)}`,
    schema: idSchema(resource),
  }
}

/**
 * Every parameter of `GET /<name>`: equality filters for each declared field (a repeated parameter
 * matches any of its values), the operator filters (by reference: a nested list shares them), search,
 * sort, paging and relations.
 */
export function listParameters(resource: ResourceDef, manifest: Manifest, schemaName: string): JsonObject[] {
  const strict = isStrict(resource, manifest)
  const parameters: JsonObject[] = []
  const paths = strict ? filterPaths(resource) : []
  for (const path of paths) {
    if (path.name.includes('.') || CONTROL_PARAMS.has(path.name) || path.name.startsWith('_')) continue
    parameters.push({
      name: path.name,
      in: 'query',
      required: false,
      description: `Only records whose ${path.name} equals one of these values.`,
      style: 'form',
      explode: true,
      schema: {
        type: 'array',
        items: path.enum === undefined ? { type: path.type } : { type: path.type, enum: path.enum },
      },
    })
  }
  parameters.push(ref(`${schemaName}Filters`))
  parameters.push(...['q', 'sort', 'order', 'page', 'limit', 'perPage', 'start', 'end', 'where'].map(ref))
  parameters.push(...relationParameters(resource, manifest, strict, paths))
  return parameters
}

/** `_embed`, `_expand` and `_fields`, which `GET /<name>/{id}` reads too. */
export function relationParameters(
  resource: ResourceDef,
  manifest: Manifest,
  strict: boolean,
  paths: readonly FilterPath[] = strict ? filterPaths(resource) : [],
): JsonObject[] {
  const parameters: JsonObject[] = []
  const children = embedNames(manifest, resource.name)
  const parents = expandNames(manifest, resource.name)
  const list = (names: readonly string[]): JsonObject =>
    strict
      ? { type: 'array', items: { type: 'string', enum: [...new Set(names)] } }
      : { type: 'array', items: { type: 'string' } }
  if (!strict || children.length + parents.length > 0) {
    parameters.push({
      name: '_embed',
      in: 'query',
      required: false,
      description:
        'Include related records: a child collection as an array (`_embed=invoices`), or a parent as an object (`_embed=customer`). Repeatable or comma-separated.',
      style: 'form',
      explode: true,
      schema: list([...children, ...parents]),
    })
  }
  if (!strict || parents.length > 0) {
    parameters.push({
      name: '_expand',
      in: 'query',
      required: false,
      description: 'Include the parent record a foreign key points to (`_expand=customer` for customerId).',
      style: 'form',
      explode: true,
      schema: list(parents),
    })
  }
  const topLevel = paths.filter((path) => !path.name.includes('.')).map((path) => path.name)
  parameters.push({
    name: '_fields',
    in: 'query',
    required: false,
    description: 'Answer only these fields (the id is always kept). Repeatable or comma-separated.',
    style: 'form',
    explode: false,
    schema: strict
      ? { type: 'array', items: { type: 'string', enum: topLevel } }
      : { type: 'array', items: { type: 'string' } },
  })
  return parameters
}

/** A field a list can filter on: a top-level field or a dotted path into nested objects. */
export interface FilterPath {
  name: string
  type: 'string' | 'integer' | 'number' | 'boolean'
  enum?: readonly unknown[]
}

/** Every filterable scalar path of a resource with declared fields (arrays filter by their elements). */
export function filterPaths(resource: ResourceDef): FilterPath[] {
  const paths: FilterPath[] = []
  if (!resource.singleton)
    paths.push({ name: resource.idField, type: resource.id === 'integer' ? 'integer' : 'string' })
  const visit = (prefix: string, fields: Readonly<Record<string, FieldDef>>): void => {
    for (const [name, field] of Object.entries(fields)) {
      const path = prefix === '' ? name : `${prefix}.${name}`
      if (field.type === 'object') {
        if (field.properties !== undefined) visit(path, field.properties)
        continue
      }
      const scalar = field.type === 'array' ? field.items : field
      if (scalar === undefined || !isScalar(scalar.type)) continue
      const entry: FilterPath = { name: path, type: scalar.type }
      if (scalar.enum !== undefined) entry.enum = scalar.enum.filter((value) => value !== null)
      paths.push(entry)
    }
  }
  visit('', resource.fields ?? {})
  if (resource.timestamps) {
    paths.push({ name: 'createdAt', type: 'string' }, { name: 'updatedAt', type: 'string' })
  }
  return paths
}

function isScalar(type: FieldType): type is FilterPath['type'] {
  return type === 'string' || type === 'integer' || type === 'number' || type === 'boolean'
}

const ORDERED_OPS = ['gt', 'gte', 'lt', 'lte'] as const
const TEXT_OPS = ['contains', 'startsWith', 'endsWith'] as const

/** components.parameters `<Schema>Filters`: the operator filters of a resource's lists (see filtersParameter). */
export function resourceFiltersParameter(resource: ResourceDef, manifest: Manifest): JsonObject {
  const strict = isStrict(resource, manifest)
  return filtersParameter(strict ? filterPaths(resource) : [], strict)
}

/**
 * The operator filters as one exploded object parameter: each property is a query parameter of its own
 * (`price_gte=10`, `price:gte=10`, `name:contains=ann`, `address.city=Paris`). A resource without declared
 * fields takes any name.
 */
function filtersParameter(paths: readonly FilterPath[], strict: boolean): JsonObject {
  const description =
    'Filters, each sent as a query parameter of its own: `field=value` (dotted paths such as `address.city` reach nested fields), json-server operators `field_gte` `_gt` `_lte` `_lt` `_ne` `_like` (a case-insensitive regular expression), and `field:eq` `:ne` `:gt` `:gte` `:lt` `:lte` `:in` (comma-separated values) `:contains` `:startsWith` `:endsWith`. Repeating a parameter matches any of its values.'
  if (!strict) {
    return {
      name: FILTERS_PARAM,
      in: 'query',
      required: false,
      description: `${description} Any field name is accepted; a filter on a field no record has is ignored.`,
      style: 'form',
      explode: true,
      // no filter until one is typed: an API explorer would otherwise fill in every property
      example: {},
      schema: { type: 'object', additionalProperties: { type: 'string' } },
    }
  }
  const properties: Record<string, JsonObject> = {}
  for (const path of paths) {
    const value: JsonObject = { type: path.type }
    if (path.name.includes('.') || CONTROL_PARAMS.has(path.name) || path.name.startsWith('_')) {
      properties[path.name] = value
    }
    properties[`${path.name}_ne`] = value
    properties[`${path.name}:eq`] = value
    properties[`${path.name}:ne`] = value
    properties[`${path.name}:in`] = { type: 'string', description: 'comma-separated values' }
    if (path.type !== 'boolean') {
      for (const op of ORDERED_OPS) {
        properties[`${path.name}_${op}`] = value
        properties[`${path.name}:${op}`] = value
      }
    }
    properties[`${path.name}_like`] = { type: 'string', description: 'case-insensitive regular expression' }
    if (path.type === 'string') {
      for (const op of TEXT_OPS) properties[`${path.name}:${op}`] = { type: 'string' }
    }
  }
  return {
    name: FILTERS_PARAM,
    in: 'query',
    required: false,
    description: `${description} Only the declared fields can be filtered (400 otherwise).`,
    style: 'form',
    explode: true,
    example: {},
    schema: { type: 'object', properties, additionalProperties: false },
  }
}
