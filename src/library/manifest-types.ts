/**
 * A manifest as a user writes it (the YAML/JSON keys, every default left out), for manifests given in
 * code: `createMock({ manifest: { resources: { ... } } satisfies Manifest })`. docs/manifest.md is the
 * reference; the server checks the values and reports every problem with its location.
 */
import type { SimulationPolicy } from './admin-types.ts'

/** A field's JSON type. */
export type FieldType = 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'array'

/** One field's rules: `{ type: 'string', required: true, maxLength: 120 }`. */
export interface FieldDef {
  type: FieldType
  /** default false */
  required?: boolean
  /** null is accepted (default false) */
  nullable?: boolean
  /** set by the server only; ignored in request bodies (default false) */
  readOnly?: boolean
  /** no two records share the value; `{ caseInsensitive }` overrides the email default */
  unique?: boolean | { caseInsensitive?: boolean }
  format?: 'email' | 'uri' | 'uuid' | 'date' | 'date-time'
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
  /** the elements of an array field; `{ ref }` on a top-level array field makes a many-to-many relation */
  items?: FieldDef
  /** the fields of an object field */
  properties?: Readonly<Record<string, FieldDef>>
  /** the value a create leaves out gets */
  default?: unknown
  /** the name of the resource whose id this field holds */
  ref?: string
  /** what deleting the referenced record does (default restrict) */
  onDelete?: 'cascade' | 'restrict' | 'set-null'
  /** generated values: a faker method path such as `person.fullName`, or one with arguments */
  faker?: string | { method: string; args?: readonly unknown[] }
  description?: string
  /** generated from these fields of the same record (an email from `[firstName, lastName]`) */
  from?: string | readonly string[]
  /** generated later than this date field of the same record */
  after?: string
}

/** Scopes: a list, or one space-separated string. */
export type Scopes = string | readonly string[]

/** Who may do what to one resource: `'public'` or the scopes reads and writes need. */
export type ResourceAuth = 'public' | { read?: Scopes; write?: Scopes; owner?: string; public?: boolean }

/** One resource: `customers: { count: 25, fields: { ... } }`. */
export interface ResourceDef {
  /** the key's kind (default integer) */
  id?: 'integer' | 'uuid' | 'string'
  /** the key's field name (default id) */
  idField?: string
  /** records generated when the seed data has none */
  count?: number
  /** createdAt and updatedAt kept by the server */
  timestamps?: boolean
  /** one object instead of a collection */
  singleton?: boolean
  /** accept body properties the fields do not declare (default: only without fields) */
  additionalFields?: boolean
  fields?: Readonly<Record<string, FieldDef>>
  /** this resource's simulation level */
  simulate?: SimulationPolicy
  description?: string
  auth?: ResourceAuth
}

/** An API key or a static bearer token. */
export interface StaticCredential {
  scopes?: Scopes
  /** act as this user (its id, claims and rows) */
  user?: string
}

/** The auth simulation: credentials, token settings and what needs a credential. */
export interface ManifestAuth {
  apiKeys?: { header?: string; keys?: Readonly<Record<string, StaticCredential>> }
  bearer?: { tokens?: Readonly<Record<string, StaticCredential>> }
  /** OAuth 2 clients by id */
  clients?: Readonly<Record<string, { secret: string; scopes?: Scopes }>>
  /** users by id (their `sub`) */
  users?: Readonly<Record<string, { password: string; scopes?: Scopes; claims?: Record<string, unknown> }>>
  /** an app-style login route (default path /auth/login, body field username) */
  login?: { path?: string; username?: string }
  /** lifetimes in seconds, or durations such as "90s", "15m", "12h", "7d" */
  tokens?: {
    ttl?: number | string
    refreshTtl?: number | string
    algorithm?: 'HS256' | 'RS256'
    key?: string
    leeway?: number | string
  }
  /** default none */
  protect?: 'none' | 'writes' | 'all'
}

/** A whole manifest (restmock.yaml) written in code. */
export interface Manifest {
  name?: string
  /** prefix of every resource route, such as /api */
  basePath?: string
  /** seed data file or folder, relative to the manifest */
  data?: string
  /** random seed: the same generated data, ids and simulated failures on every run */
  seed?: number
  /** faker locale (default en) */
  locale?: string
  /** the global simulation level */
  simulate?: SimulationPolicy
  /** per-route simulation keyed `"METHOD /path"` */
  routes?: Readonly<Record<string, SimulationPolicy>>
  /** extension modules, relative to the manifest */
  extensions?: readonly string[]
  /** a `null` resource takes every default */
  resources?: Readonly<Record<string, ResourceDef | null>>
  auth?: ManifestAuth
  /** an OpenAPI document serving the operations the resources do not */
  openapi?: string
}
