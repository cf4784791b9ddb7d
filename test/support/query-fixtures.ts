import type { FieldDef, Manifest, Relation, ResourceDef } from '../../src/core/manifest/model.ts'
import type { RelationReader } from '../../src/core/query/execute.ts'
import { idKey, type Rec } from '../../src/core/store.ts'

/** Frozen all the way down: a query that mutates a stored record throws instead of passing silently. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner)
    Object.freeze(value)
  }
  return value
}

export function field(type: FieldDef['type'], extra: Partial<FieldDef> = {}): FieldDef {
  return { type, required: false, nullable: false, readOnly: false, unique: false, ...extra }
}

export function resource(name: string, extra: Partial<ResourceDef> = {}): ResourceDef {
  return {
    name,
    singleton: false,
    id: 'integer',
    idField: 'id',
    timestamps: false,
    additionalFields: false,
    ...extra,
  }
}

export function manifest(
  resources: ResourceDef[],
  relations: Relation[] = [],
  zeroConfig = resources.every((r) => r.fields === undefined),
): Manifest {
  return {
    name: 'test',
    basePath: '',
    resources: Object.fromEntries(resources.map((r) => [r.name, r])),
    relations,
    zeroConfig,
  }
}

/** A straightforward RelationReader over plain arrays, loose on ids like the store. */
export function relationReader(db: Record<string, readonly Rec[]>): RelationReader {
  return {
    find: (name, id) => db[name]?.find((record) => idKey(record.id) === idKey(id)),
    childrenOf: (child, fieldName, parentId) =>
      (db[child] ?? []).filter((record) => {
        const value = record[fieldName]
        return value !== undefined && value !== null && idKey(value) === idKey(parentId)
      }),
  }
}

/** "a=1&b=2" -> pairs, as URLSearchParams decodes them. */
export function pairs(query: string): Array<[string, string]> {
  return [...new URLSearchParams(query)]
}

/** A json-server style db.json. */
export const blog = deepFreeze({
  posts: [
    {
      id: 1,
      title: 'Hello World',
      views: 100,
      published: true,
      tel: '0123',
      userId: 1,
      tags: ['intro', 'news'],
      author: { name: 'Ada', roles: ['admin'] },
      createdAt: '2024-01-01T10:00:00Z',
    },
    {
      id: 2,
      title: 'Second post',
      views: 20,
      published: false,
      tel: '123',
      userId: 2,
      tags: ['news'],
      author: { name: 'Bob' },
      rating: null,
    },
    { id: '3', title: 'third', views: 300, published: true, userId: 1, author: { name: 'ada lovelace' } },
    { id: 4, title: 'Zebra straße', views: 5, published: true, userId: '2', tags: [] },
    { id: 5, title: 'ébauche', published: false, userId: 3 },
  ],
  comments: [
    { id: 1, postId: 1, body: 'first!' },
    { id: 2, postId: '1', body: 'nice' },
    { id: 3, postId: 2, body: 'meh' },
  ],
  users: [
    { id: 1, name: 'Ada' },
    { id: 2, name: 'Bob' },
  ],
})

export const blogManifest = manifest(
  [resource('posts'), resource('comments'), resource('users')],
  [
    { child: 'comments', field: 'postId', parent: 'posts', onDelete: 'cascade' },
    { child: 'posts', field: 'userId', parent: 'users', onDelete: 'cascade' },
  ],
)

/** The same blog with declared fields: strict queries. */
export const strictPosts = resource('posts', {
  timestamps: true,
  fields: {
    title: field('string'),
    views: field('integer'),
    score: field('number'),
    published: field('boolean'),
    tel: field('string'),
    userId: field('integer', { ref: 'users' }),
    tags: field('array', { items: field('string') }),
    author: field('object', { properties: { name: field('string'), roles: field('array') } }),
    meta: field('object'),
    rating: field('number', { nullable: true }),
  },
})

export const strictManifest = manifest(
  [
    strictPosts,
    resource('comments', { fields: { postId: field('integer', { ref: 'posts' }), body: field('string') } }),
    resource('users', { fields: { name: field('string') } }),
  ],
  [
    { child: 'comments', field: 'postId', parent: 'posts', onDelete: 'cascade' },
    { child: 'posts', field: 'userId', parent: 'users', onDelete: 'cascade' },
  ],
)
