import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { ConfigError, createMock } from '../../src/index.ts'
import { expectProblem, json } from '../support/helpers.ts'

/** A MongoDB-style export, as json-server users serve it with `--id _id`. */
const DB = {
  users: [
    { _id: 'a1', name: 'Ada', id: 'legacy-1' },
    { _id: 'b2', name: 'Bob' },
  ],
  posts: [
    { _id: 'p1', title: 'first', userId: 'a1', views: 10 },
    { _id: 'p2', title: 'second', userId: 'b2', views: 30 },
    { _id: 'p3', title: 'third', userId: 'a1', views: 20 },
  ],
  comments: [
    { _id: 'c1', body: 'nice', postId: 'p1' },
    { _id: 'c2', body: 'meh', postId: 'p3' },
  ],
  profile: { theme: 'dark' },
}

const zeroConfig = () => createMock({ data: structuredClone(DB), idField: '_id' })

type Row = Record<string, unknown>

async function body<T = Row>(response: Response, status = 200): Promise<T> {
  assert.equal(response.status, status, await response.clone().text())
  return (await response.json()) as T
}

describe('idField (zero-config, --id _id)', () => {
  test('GET by _id; records keep their ids and no `id` is added', async () => {
    const app = zeroConfig()
    assert.deepEqual(await body(await app.request('/users/a1')), { _id: 'a1', name: 'Ada', id: 'legacy-1' })
    const users = await body<Row[]>(await app.request('/users'))
    assert.deepEqual(
      users.map((user) => Object.keys(user).includes('id') && user._id !== 'a1'),
      [false, false],
    )
    // `id` is an ordinary field now: not a key
    await expectProblem(await app.request('/users/legacy-1'), 404, 'not_found')
  })

  test('POST generates the key under _id (string ids, as the data has) and answers Location', async () => {
    const app = zeroConfig()
    const response = await app.request('/users', json('POST', { name: 'Cy', id: 7 }))
    const created = await body(response, 201)
    assert.equal(typeof created._id, 'string')
    assert.equal(created.id, 7, 'an `id` field in the body is data, kept as sent')
    assert.equal(response.headers.get('location'), `/users/${created._id}`)
    assert.deepEqual(await body(await app.request(`/users/${created._id}`)), created)
    // a client-chosen key; taken keys conflict
    assert.equal((await body(await app.request('/users', json('POST', { _id: 'z9' })), 201))._id, 'z9')
    const taken = await expectProblem(
      await app.request('/users', json('POST', { _id: 'a1' })),
      409,
      'conflict',
    )
    assert.deepEqual(taken.errors, [{ pointer: '/_id', detail: 'is already taken' }])
  })

  test('integer keys stay integers and count on from the largest', async () => {
    const app = createMock({ data: { items: [{ _id: 4, n: 'a' }] }, idField: '_id' })
    const created = await body(await app.request('/items', json('POST', { n: 'b' })), 201)
    assert.deepEqual(created, { _id: 5, n: 'b' })
  })

  test('PUT and PATCH keep the key whatever the body says; ETag and If-Match work', async () => {
    const app = zeroConfig()
    const item = await app.request('/users/b2')
    const etag = item.headers.get('etag')!
    assert.ok(etag)
    assert.equal((await app.request('/users/b2', { headers: { 'if-none-match': etag } })).status, 304)
    const put = await body(
      await app.request('/users/b2', json('PUT', { _id: 'other', name: 'Bobby' }, { 'if-match': etag })),
    )
    assert.deepEqual(put, { _id: 'b2', name: 'Bobby' })
    await expectProblem(
      await app.request('/users/b2', json('PATCH', { name: 'x' }, { 'if-match': etag })),
      412,
      'precondition_failed',
    )
    const patched = await body(await app.request('/users/b2', json('PATCH', { _id: 'zz', age: 3 })))
    assert.deepEqual(patched, { _id: 'b2', name: 'Bobby', age: 3 })
  })

  test('relations: nested routes, _embed, _expand and v1 parent _embed follow _id', async () => {
    const app = zeroConfig()
    const nested = await body<Row[]>(await app.request('/users/a1/posts'))
    assert.deepEqual(
      nested.map((post) => post._id),
      ['p1', 'p3'],
    )
    const created = await body(await app.request('/users/a1/posts', json('POST', { title: 'new' })), 201)
    assert.equal(created.userId, 'a1')
    const embedded = await body(await app.request('/posts/p1?_embed=comments'))
    assert.deepEqual(embedded.comments, [{ _id: 'c1', body: 'nice', postId: 'p1' }])
    const expanded = await body(await app.request('/comments/c2?_expand=post'))
    assert.equal((expanded.post as Row)._id, 'p3')
    const parent = await body<Row[]>(await app.request('/comments?_embed=post'))
    assert.deepEqual(
      parent.map((comment) => (comment.post as Row)._id),
      ['p1', 'p3'],
    )
    const list = await body<Row[]>(await app.request('/users?_embed=posts'))
    assert.deepEqual(
      list.map((user) => (user.posts as Row[]).length),
      [3, 1],
    )
  })

  test('DELETE cascades to dependents by _id (json-server 0.17)', async () => {
    const app = zeroConfig()
    assert.equal((await app.request('/users/a1', { method: 'DELETE' })).status, 200)
    const posts = await body<Row[]>(await app.request('/posts'))
    assert.deepEqual(
      posts.map((post) => post._id),
      ['p2'],
    )
    const comments = await body<Row[]>(await app.request('/comments'))
    assert.deepEqual(comments, [], 'the comments of the deleted posts went with them')
  })

  test('queries: filter, sort, _fields and q on _id', async () => {
    const app = zeroConfig()
    assert.deepEqual(await body(await app.request('/posts?_id=p2&_fields=title')), [
      { _id: 'p2', title: 'second' },
    ])
    const sorted = await body<Row[]>(await app.request('/posts?_sort=-_id'))
    assert.deepEqual(
      sorted.map((post) => post._id),
      ['p3', 'p2', 'p1'],
    )
    const paged = await body<Row[]>(await app.request('/posts?_sort=views&_start=1&_limit=1'))
    assert.deepEqual(
      paged.map((post) => post._id),
      ['p3'],
    )
  })

  test('the whole state (GET /db) and a reset keep _id', async () => {
    const app = zeroConfig()
    await app.request('/users/a1', { method: 'DELETE' })
    await app.reset()
    const db = await body<Record<string, Row[]>>(await app.request('/db'))
    assert.deepEqual(db.users, DB.users)
  })
})

const MANIFEST = {
  resources: {
    authors: {
      id: 'string',
      idField: 'key',
      fields: { name: { type: 'string', required: true }, id: { type: 'integer' } },
    },
    books: {
      idField: 'isbn',
      id: 'string',
      timestamps: true,
      fields: {
        title: { type: 'string', required: true },
        authorKey: { type: 'string', ref: 'authors', onDelete: 'cascade' },
      },
    },
    tags: { fields: { label: { type: 'string' } } },
  },
}

const DATA = {
  authors: [{ key: 'le-guin', name: 'Ursula', id: 1 }],
  books: [
    {
      isbn: '978-0',
      title: 'The Dispossessed',
      authorKey: 'le-guin',
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
    },
  ],
}

describe('idField in a manifest (per resource)', () => {
  const manifestMock = () => createMock({ manifest: MANIFEST, data: structuredClone(DATA) })

  test('each resource answers by its own key; others keep id', async () => {
    const app = manifestMock()
    assert.equal((await body(await app.request('/authors/le-guin'))).name, 'Ursula')
    assert.equal((await body(await app.request('/books/978-0'))).title, 'The Dispossessed')
    const tag = await body(await app.request('/tags', json('POST', { label: 'sf' })), 201)
    assert.deepEqual(tag, { id: 1, label: 'sf' })
  })

  test('a declared `id` field is ordinary data when the key is elsewhere; the key is never client data', async () => {
    const app = manifestMock()
    const created = await body(await app.request('/authors', json('POST', { name: 'Iain', id: 2 })), 201)
    assert.equal(typeof created.key, 'string')
    assert.equal(created.id, 2)
    const invalid = await expectProblem(
      await app.request('/authors', json('POST', { name: 'x', id: 'two' })),
      422,
      'validation_failed',
    )
    assert.equal(invalid.errors?.[0]?.pointer, '/id')
    const badKey = await expectProblem(
      await app.request('/authors', json('POST', { name: 'x', key: '' })),
      422,
      'validation_failed',
    )
    assert.equal(badKey.errors?.[0]?.pointer, '/key')
  })

  test('refs hold the parent key; _expand, _embed and cascades follow it', async () => {
    const app = manifestMock()
    const book = await body(
      await app.request('/books', json('POST', { title: 'Excession', authorKey: 'le-guin' })),
      201,
    )
    assert.equal(typeof book.isbn, 'string')
    assert.equal(typeof book.createdAt, 'string')
    const missing = await expectProblem(
      await app.request('/books', json('POST', { title: 'x', authorKey: 'nobody' })),
      422,
      'validation_failed',
    )
    assert.equal(missing.errors?.[0]?.pointer, '/authorKey')
    const expanded = await body(await app.request('/books/978-0?_expand=author'))
    assert.equal((expanded.author as Row).key, 'le-guin')
    const embedded = await body(await app.request('/authors/le-guin?_embed=books'))
    assert.equal((embedded.books as Row[]).length, 2)
    assert.equal((await app.request('/authors/le-guin', { method: 'DELETE' })).status, 204)
    assert.deepEqual(await body(await app.request('/books')), [])
  })

  test('a strict resource accepts queries on its key and names it among the fields', async () => {
    const app = manifestMock()
    assert.equal((await body<Row[]>(await app.request('/books?isbn=978-0'))).length, 1)
    const problem = await expectProblem(await app.request('/books?isbm=1'), 400, 'invalid_query')
    assert.match(problem.detail, /isbn/)
  })

  test('generated records (`count`) get their key under idField, refs point at it', async () => {
    const app = createMock({
      manifest: {
        seed: 1,
        resources: {
          teams: { idField: 'slug', id: 'string', count: 2, fields: { name: { type: 'string' } } },
          players: {
            idField: '_id',
            count: 3,
            fields: { teamSlug: { type: 'string', ref: 'teams', required: true } },
          },
        },
      },
    })
    const teams = await body<Row[]>(await app.request('/teams'))
    const players = await body<Row[]>(await app.request('/players'))
    assert.equal(teams.length, 2)
    assert.ok(teams.every((team) => typeof team.slug === 'string' && !('id' in team)))
    assert.deepEqual(
      players.map((player) => player._id),
      [1, 2, 3],
    )
    const slugs = teams.map((team) => team.slug)
    assert.ok(players.every((player) => slugs.includes(player.teamSlug)))
  })

  test('the library option sets the key of every resource that names none', async () => {
    const app = createMock({
      manifest: { resources: { notes: { id: 'string' }, pins: { idField: 'id' } } },
      idField: 'uid',
    })
    const note = await body(await app.request('/notes', json('POST', { text: 'x' })), 201)
    assert.equal(typeof note.uid, 'string')
    const pin = await body(await app.request('/pins', json('POST', {})), 201)
    assert.deepEqual(pin, { id: 1 })
  })
})

describe('idField validation', () => {
  const issuesOf = (run: () => unknown): string[] => {
    try {
      run()
    } catch (error) {
      assert.ok(error instanceof ConfigError, String(error))
      return error.issues.map((issue) => `${issue.path}: ${issue.message}`)
    }
    assert.fail('expected a ConfigError')
  }

  test('bad names, clashes with declared fields, timestamps and singletons are each reported', () => {
    const issues = issuesOf(() =>
      createMock({
        manifest: {
          resources: {
            a: { idField: 'a.b' },
            b: { idField: '_sort' },
            c: { idField: 'code', fields: { code: { type: 'string' } } },
            d: { idField: 'createdAt', timestamps: true },
            e: { singleton: true, idField: 'x' },
            f: { idField: 3 },
          },
        },
      }),
    )
    assert.deepEqual(issues.sort(), [
      'resources.a.idField: must be a plain field name (letters, digits, "_", "$" and "-", not starting with a digit), got "a.b"',
      'resources.b.idField: must not be "_sort": that is a query parameter of every list',
      'resources.c.fields.code: is the primary key (idField: code), managed by restmock as the resource key `id` says (integer): declare it as type integer without ref, or leave it out',
      'resources.d.idField: the primary key cannot be createdAt: restmock maintains it because the resource sets `timestamps: true`',
      'resources.e.idField: does not apply to a singleton resource',
      'resources.f.idField: must be a field name such as id or _id',
    ])
  })

  test('a declared key field of the right type documents the key: accepted, and managed by restmock', async () => {
    const app = createMock({
      manifest: {
        resources: {
          cities: {
            id: 'string',
            idField: 'code',
            fields: { code: { type: 'string', required: true }, name: { type: 'string' } },
          },
          rooms: { fields: { id: { type: 'integer', readOnly: true }, label: { type: 'string' } } },
        },
      },
    })
    const city = await body(await app.request('/cities', json('POST', { name: 'Paris' })), 201)
    assert.equal(typeof city.code, 'string', 'generated: the declaration does not make clients send it')
    assert.deepEqual(await body(await app.request('/rooms', json('POST', { label: 'a' })), 201), {
      id: 1,
      label: 'a',
    })
  })

  test('--id clashing with a declared field names the field', () => {
    const issues = issuesOf(() =>
      createMock({ manifest: { resources: { a: { fields: { _id: { type: 'string' } } } } }, idField: '_id' }),
    )
    assert.equal(issues.length, 1)
    assert.match(issues[0]!, /^resources\.a\.fields\._id: is the primary key \(idField: _id\)/)
  })

  test('the library option is checked', () => {
    assert.throws(
      () => createMock({ data: {}, idField: 'a b' }),
      (error: unknown) => error instanceof ConfigError && /idField/.test(error.format()),
    )
  })
})
