/** The validated, normalized manifest: every default filled in, every reference checked. */

import type { AuthConfig, ResourceAuth } from '../auth/auth-config.ts'
import type { OpenApiRoutes } from '../openapi/import-document.ts'
import { LIST_CONTROL_PARAMS } from '../query/parse-query.ts'

export type FieldType = 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'array'
export type StringFormat = 'email' | 'uri' | 'uuid' | 'date' | 'date-time'
export type IdStrategy = 'integer' | 'uuid' | 'string'
export type OnDelete = 'cascade' | 'restrict' | 'set-null'

export type FakerSpec = { method: string; args: unknown[] }

export interface FieldDef {
  type: FieldType
  required: boolean
  nullable: boolean
  readOnly: boolean
  unique: boolean
  format?: StringFormat
  enum?: readonly unknown[]
  minimum?: number
  maximum?: number
  exclusiveMinimum?: number
  exclusiveMaximum?: number
  minLength?: number
  maxLength?: number
  pattern?: string
  minItems?: number
  maxItems?: number
  items?: FieldDef
  properties?: Readonly<Record<string, FieldDef>>
  default?: unknown
  /** name of the referenced resource (always a collection) */
  ref?: string
  onDelete?: OnDelete
  faker?: FakerSpec
  description?: string
  /** `unique` compares ignoring case (`unique: { caseInsensitive: true }`, the default for `format: email`) */
  caseInsensitive?: boolean
  /** generated from these fields of the same record (`from: name`): an email or username from a name... */
  from?: readonly string[]
  /** never before (or below) this field of the same record: declared order, checked on input and generated */
  after?: string
}

export interface ResourceDef {
  name: string
  singleton: boolean
  id: IdStrategy
  /** the field holding each record's primary key: "id" unless the manifest or `--id` names another (`_id`) */
  idField: string
  /** records to generate at first start when the data has none (generation issue) */
  count?: number
  timestamps: boolean
  /** false when the resource declares fields: unknown body properties are rejected */
  additionalFields: boolean
  /** undefined = no declared fields (zero-config style: any JSON object body) */
  fields?: Readonly<Record<string, FieldDef>>
  /** raw resource-level simulation policy, interpreted by core/simulation */
  simulate?: unknown
  /** who may read and write it (see core/auth); undefined = only the manifest's `auth.protect` applies */
  auth?: ResourceAuth
}

export interface Manifest {
  name: string
  basePath: string
  /** data file or folder path as written in the manifest (resolved by the server layer) */
  data?: string
  seed?: number
  locale?: string
  /** raw global simulation policy, interpreted by core/simulation */
  simulate?: unknown
  /** raw per-route simulation policies keyed by "METHOD /path" */
  routes?: Readonly<Record<string, unknown>>
  /** extension modules (.js/.mjs/.cjs/.ts), relative to the manifest; loaded by the server layer */
  extensions?: readonly string[]
  resources: Readonly<Record<string, ResourceDef>>
  /** auth simulation: credentials, token settings, `protect` */
  auth?: AuthConfig
  /** an OpenAPI document (relative to the manifest) serving the operations the resources do not */
  openapi?: string
  /** routes answered from an OpenAPI document (set when serving one, or the manifest's `openapi`) */
  openapiRoutes?: OpenApiRoutes
  /** every child -> parent link: declared `ref`s, or the `<singular>Id` convention in zero-config mode */
  relations: readonly Relation[]
  /** true when the manifest was inferred from a plain db.json (json-server compatibility) */
  zeroConfig: boolean
}

/** One problem in user input, with where it is (a dotted path such as resources.x.fields.y). */
export interface Issue {
  path: string
  message: string
  line?: number
}

/** `child.field` holds the id of a `parent` record. */
export interface Relation {
  child: string
  field: string
  parent: string
  onDelete: OnDelete
  /** many-to-many: `field` is an array of `parent` ids (`items: { ref }`); onDelete removes the id from it */
  many?: true
}

/** The primary key's field name when neither `--id` nor a resource's `idField` names another. */
export const DEFAULT_ID_FIELD = 'id'

// usable as a query parameter (`?_id=a1`) and in `_sort`/`_fields`: no dots (nested paths), no brackets,
// no spaces, no operator suffix separator at the start
const FIELD_NAME = /^[A-Za-z_$][A-Za-z0-9_$-]*$/
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype'])

/** Why `name` cannot be a primary key's field name, or undefined when it can. */
export function idFieldProblem(name: unknown): string | undefined {
  if (typeof name !== 'string' || name === '') return 'must be a field name such as id or _id'
  if (!FIELD_NAME.test(name) || FORBIDDEN.has(name)) {
    return `must be a plain field name (letters, digits, "_", "$" and "-", not starting with a digit), got ${JSON.stringify(name)}`
  }
  if (LIST_CONTROL_PARAMS.has(name)) return `must not be "${name}": that is a query parameter of every list`
  return undefined
}
