/**
 * The mocks the fuzz suite attacks: a manifest with typed fields, refs with every onDelete, unique fields,
 * enums, nested objects and arrays, and a zero-config db.json; each with what a request generator needs
 * to know about it (routes, fields, plausible bodies).
 */
import type { Rec, StateData } from '../../src/core/store.ts'
import { createMockApp, type MockApp } from '../../src/server/build-mock.ts'
import { chance, int, jsonValue, pick, type Rng } from './fuzz-inputs.ts'

const MANIFEST = {
  name: 'Fuzz',
  basePath: '/api',
  seed: 11,
  resources: {
    authors: {
      fields: {
        name: { type: 'string', required: true, minLength: 1, maxLength: 80 },
        email: { type: 'string', format: 'email', required: true, unique: true },
        role: { type: 'string', enum: ['admin', 'editor', 'guest'], default: 'guest' },
        profile: {
          type: 'object',
          properties: {
            bio: { type: 'string', maxLength: 500 },
            age: { type: 'integer', minimum: 0, maximum: 150 },
            links: { type: 'array', items: { type: 'string', format: 'uri' }, maxItems: 5 },
          },
        },
      },
    },
    tags: { id: 'string', fields: { label: { type: 'string', required: true, unique: true } } },
    posts: {
      timestamps: true,
      fields: {
        title: { type: 'string', required: true, maxLength: 200 },
        authorId: { type: 'integer', ref: 'authors', required: true, onDelete: 'cascade' },
        tagIds: { type: 'array', items: { type: 'string', maxLength: 20 }, maxItems: 10 },
        score: { type: 'number', minimum: 0, maximum: 100 },
        published: { type: 'boolean', default: false },
      },
    },
    comments: {
      id: 'uuid',
      fields: {
        postId: { type: 'integer', ref: 'posts', required: true, onDelete: 'cascade' },
        authorId: { type: 'integer', ref: 'authors', nullable: true, onDelete: 'set-null' },
        body: { type: 'string', required: true, minLength: 1 },
      },
    },
    reviews: {
      fields: {
        authorId: { type: 'integer', ref: 'authors', required: true, onDelete: 'restrict' },
        stars: { type: 'integer', minimum: 1, maximum: 5, required: true },
      },
    },
    settings: {
      singleton: true,
      fields: { theme: { type: 'string', enum: ['light', 'dark'], default: 'light' } },
    },
  },
}

const MANIFEST_DATA = {
  authors: [1, 2, 3, 4, 5, 6].map((id) => ({ id, name: `Author ${id}`, email: `a${id}@example.com` })),
  tags: [
    { id: 't1', label: 'one' },
    { id: 't2', label: 'two' },
  ],
  posts: [1, 2, 3, 4, 5, 6, 7, 8].map((id) => ({
    id,
    title: `Post ${id}`,
    authorId: 1 + (id % 6),
    score: id * 10,
  })),
  comments: [1, 2, 3].map((n) => ({ postId: n, authorId: n, body: `comment ${n}` })),
  reviews: [{ id: 1, authorId: 2, stars: 4 }],
}

const ZERO_DATA = {
  users: [1, 2, 3, 4].map((id) => ({ id, name: `User ${id}`, tags: ['a', 'b'], address: { city: 'Paris' } })),
  posts: [1, 2, 3, 4, 5, 6].map((id) => ({ id, title: `Post ${id}`, userId: 1 + (id % 4), views: id * 3 })),
  comments: [1, 2, 3, 4].map((id) => ({ id, postId: id, body: `comment ${id}` })),
  profile: { name: 'typicode' },
}

const JUNK: unknown[] = [null, 1, -1, 1.5, 'x', '', true, [], {}, 'a'.repeat(600), { nested: { deep: [1] } }]

/** A mock under fuzz: how to build plausible requests for it. */
export interface Target {
  app: MockApp
  base: string
  /** collection name -> a plausible body (mostly valid, sometimes a wrong value) */
  bodies: Record<string, (r: Rng) => Record<string, unknown>>
  singletons: string[]
  /** parent/child pairs for nested routes */
  nested: [string, string][]
  fields: string[]
  /** what is wrong with a state: a dangling ref, a repeated id or unique value (must stay empty) */
  inconsistencies(state: StateData): string[]
}

export function idOf(r: Rng, app: MockApp, resource: string): string {
  const records = app.engine.list(resource)
  if (records.length > 0 && chance(r, 0.8)) return String(pick(r, records).id)
  return pick(r, ['999', '0', 'abc', '-1', '1.0', '%ZZ', '__proto__'])
}

export function manifestTarget(bodyLimit?: number): Target {
  const app = createMockApp({
    manifest: MANIFEST,
    data: MANIFEST_DATA,
    prefer: false,
    ...(bodyLimit === undefined ? {} : { bodyLimit }),
  })
  const v = (r: Rng, good: unknown): unknown => (chance(r, 0.85) ? good : pick(r, JUNK))
  const ref = (r: Rng, resource: string): unknown => v(r, Number(idOf(r, app, resource)))
  return {
    app,
    base: '/api',
    bodies: {
      authors: (r) => ({
        name: v(r, pick(r, ['Ada', 'Linus', 'Grace Hopper'])),
        email: v(r, `u${int(r, 1, 40)}@example.com`),
        role: v(r, pick(r, ['admin', 'editor', 'guest', 'root'])),
        ...(chance(r, 0.4)
          ? { profile: { bio: v(r, 'hi'), age: v(r, int(r, -5, 200)), links: [v(r, 'https://a.io')] } }
          : {}),
      }),
      tags: (r) => ({
        ...(chance(r, 0.5) ? { id: v(r, `t${int(r, 1, 9)}`) } : {}),
        label: v(r, `l${int(r, 1, 9)}`),
      }),
      posts: (r) => ({
        title: v(r, `Title ${int(r, 1, 99)}`),
        authorId: ref(r, 'authors'),
        tagIds: v(r, ['t1', 't2'].slice(0, int(r, 0, 2))),
        score: v(r, int(r, -10, 120)),
        published: v(r, chance(r, 0.5)),
      }),
      comments: (r) => ({ postId: ref(r, 'posts'), authorId: ref(r, 'authors'), body: v(r, 'nice') }),
      reviews: (r) => ({ authorId: ref(r, 'authors'), stars: v(r, int(r, 0, 6)) }),
    },
    singletons: ['settings'],
    nested: [
      ['authors', 'posts'],
      ['posts', 'comments'],
      ['authors', 'reviews'],
    ],
    fields: [
      'id',
      'title',
      'name',
      'email',
      'role',
      'score',
      'authorId',
      'published',
      'profile.age',
      'tagIds',
    ],
    inconsistencies: (state) => [
      ...repeated(state, 'id'),
      ...repeated(state, 'email', (value) => String(value).toLowerCase(), ['authors']),
      ...repeated(state, 'label', String, ['tags']),
      ...dangling(state, 'posts', 'authorId', 'authors'),
      ...dangling(state, 'comments', 'postId', 'posts'),
      ...dangling(state, 'comments', 'authorId', 'authors', true),
      ...dangling(state, 'reviews', 'authorId', 'authors'),
    ],
  }
}

export function zeroConfigTarget(): Target {
  const app = createMockApp({ data: ZERO_DATA, prefer: false })
  const any = (r: Rng): Record<string, unknown> =>
    JSON.parse(jsonValue(r, 3, ['title', 'name', 'userId'])) ?? {}
  return {
    app,
    base: '',
    bodies: {
      users: (r) => ({ name: `U${int(r, 1, 9)}`, tags: ['x'], ...(chance(r, 0.3) ? { extra: any(r) } : {}) }),
      posts: (r) => ({ title: `T${int(r, 1, 9)}`, userId: int(r, 0, 6), views: pick(r, JUNK) }),
      comments: (r) => ({ postId: int(r, 0, 8), body: 'b', ...(chance(r, 0.3) ? { extra: any(r) } : {}) }),
    },
    singletons: ['profile'],
    nested: [
      ['users', 'posts'],
      ['posts', 'comments'],
    ],
    fields: ['id', 'title', 'name', 'userId', 'postId', 'views', 'address.city', 'tags'],
    // zero-config accepts any body, dangling foreign keys included: only ids must stay unique
    inconsistencies: (state) => repeated(state, 'id'),
  }
}

const records = (state: StateData, name: string): Rec[] => {
  const value = state[name]
  return Array.isArray(value) ? value : []
}

/** Values of `field` that appear twice in one collection (every collection, or those named). */
function repeated(
  state: StateData,
  field: string,
  key: (value: unknown) => string = (value) => JSON.stringify(value),
  names: readonly string[] = Object.keys(state),
): string[] {
  const problems: string[] = []
  for (const name of names) {
    const seen = new Set<string>()
    for (const record of records(state, name)) {
      if (record[field] === undefined) continue
      const value = key(record[field])
      if (seen.has(value)) problems.push(`${name}: ${field} ${value} appears twice`)
      seen.add(value)
    }
  }
  return problems
}

/** Records of `child` whose `field` names no record of `parent`. */
function dangling(
  state: StateData,
  child: string,
  field: string,
  parent: string,
  nullable = false,
): string[] {
  const ids = new Set(records(state, parent).map((record) => record.id))
  return records(state, child)
    .filter((record) => !(nullable && record[field] == null) && !ids.has(record[field] as never))
    .map((record) => `${child} ${String(record.id)}: ${field} ${String(record[field])} names no ${parent}`)
}
