import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { createMock } from '../../src/index.ts'
import { json } from '../support/helpers.ts'

/** A json-server 0.17 style db.json. */
const DB = {
  posts: [
    { id: 1, title: 'json-server', views: 100, author: { name: 'typicode' }, tags: ['tools'], userId: 1 },
    {
      id: 2,
      title: 'Mock servers',
      views: 20,
      author: { name: 'Ada' },
      tags: ['tools', 'testing'],
      userId: 2,
    },
    { id: 3, title: 'react-admin', views: 300, author: { name: 'marmelab' }, tags: [], userId: 1 },
    { id: 4, title: 'refine', views: 45, published: false, userId: 2 },
  ],
  comments: [
    { id: 1, body: 'some comment', postId: 1 },
    { id: 2, body: 'another', postId: 1 },
    { id: 3, body: 'on refine', postId: 4 },
  ],
  users: [
    { id: 1, name: 'Ada', tel: '0123' },
    { id: 2, name: 'Bob', tel: '123' },
  ],
  profile: { name: 'typicode' },
}

const mock = () => createMock({ data: structuredClone(DB) })

async function get(app: ReturnType<typeof mock>, path: string) {
  const response = await app.request(path)
  assert.equal(response.status, 200, path)
  return { response, body: (await response.json()) as Array<Record<string, unknown>> }
}

const ids = (body: Array<Record<string, unknown>>) => body.map((record) => record.id)

describe('json-server 0.17 query strings', () => {
  const cases: Array<[string, unknown[]]> = [
    ['/posts?id=1&id=3', [1, 3]],
    ['/posts?title=json-server', [1]],
    ['/posts?author.name=Ada', [2]],
    ['/posts?views_gte=45&views_lte=100', [1, 4]],
    ['/posts?views_ne=20', [1, 3, 4]],
    ['/posts?title_like=^re', [3, 4]],
    ['/posts?title_like=SERVER', [1, 2]],
    ['/posts?q=ADA', [2]],
    ['/posts?q=testing', [2]],
    ['/posts?q=300', [3]],
    ['/posts?_sort=views&_order=desc', [3, 1, 4, 2]],
    ['/posts?_sort=userId,views&_order=desc,asc', [2, 4, 1, 3]],
    ['/posts?_sort=-views&_start=1&_end=3', [1, 4]],
    ['/posts?_start=1&_limit=2', [2, 3]],
    ['/posts?_page=2&_limit=3', [4]],
    ['/users?tel=123', [2]],
    ['/posts?published=false', [4]],
    ['/posts?tags=tools', [1, 2]],
    ['/posts?unknownField=1&_=1700000000&callback=cb', [1, 2, 3, 4]],
    ['/posts?views:gt=50', [1, 3]],
    ['/posts?title:contains=MOCK', [2]],
  ]
  for (const [path, expected] of cases) {
    test(path, async () => assert.deepEqual(ids((await get(mock(), path)).body), expected))
  }

  test('X-Total-Count and Link', async () => {
    const { response } = await get(mock(), '/posts?_page=1&_limit=2')
    assert.equal(response.headers.get('x-total-count'), '4')
    assert.equal(
      response.headers.get('link'),
      '<http://localhost/posts?_page=1&_limit=2>; rel="first", <http://localhost/posts?_page=2&_limit=2>; rel="next", ' +
        '<http://localhost/posts?_page=2&_limit=2>; rel="last"',
    )
  })

  test('nothing is ever a 400 in zero-config mode', async () => {
    const app = mock()
    for (const path of [
      '/posts?views:gt=abc',
      '/posts?_page=abc&_limit=-1',
      '/posts?_sort=nope&_order=up',
      '/posts?_embed=nope&_expand=nope&_fields=nope',
      '/posts?foo:bar=1',
    ]) {
      const response = await app.request(path)
      assert.equal(response.status, 200, path)
    }
    const invalidRegex = await app.request('/posts?title_like=(')
    assert.equal(invalidRegex.status, 400, 'an invalid _like pattern is a 400 everywhere')
  })

  test('_embed children and _expand the parent, on lists and items', async () => {
    const app = mock()
    const { body } = await get(app, '/posts?_embed=comments&id=1&id=2')
    assert.deepEqual(
      body.map((post) => (post.comments as Array<{ id: number }>).map((c) => c.id)),
      [[1, 2], []],
    )
    const item = await app.request('/comments/3?_expand=post')
    assert.equal(((await item.json()) as { post: { title: string } }).post.title, 'refine')
    const user = await app.request('/users/1?_embed=posts')
    assert.deepEqual(
      ((await user.json()) as { posts: Array<{ id: number }> }).posts.map((p) => p.id),
      [1, 3],
    )
  })

  test('nested routes follow the <singular>Id convention', async () => {
    const app = mock()
    assert.deepEqual(ids((await get(app, '/posts/1/comments')).body), [1, 2])
    const created = await app.request('/posts/4/comments', json('POST', { body: 'nested' }))
    assert.equal(created.status, 201)
    assert.equal(((await created.json()) as { postId: unknown }).postId, 4)
    assert.equal((await app.request('/posts/99/comments')).status, 404)
  })

  test('DELETE removes dependent records (json-server 0.17)', async () => {
    const app = mock()
    const deleted = await app.request('/posts/1', { method: 'DELETE' })
    assert.equal(deleted.status, 200)
    assert.deepEqual(ids((await get(app, '/comments')).body), [3])
  })
})

describe('react-admin ra-data-json-server', () => {
  test('getList: _sort/_order (upper case) with _start/_end and filters, total from X-Total-Count', async () => {
    const { response, body } = await get(
      mock(),
      '/posts?userId=1&q=a&_sort=title&_order=ASC&_start=0&_end=10',
    )
    assert.deepEqual(ids(body), [3])
    assert.equal(response.headers.get('x-total-count'), '1')
    const page2 = await get(mock(), '/posts?_sort=id&_order=DESC&_start=2&_end=4')
    assert.deepEqual(ids(page2.body), [2, 1])
    assert.equal(page2.response.headers.get('x-total-count'), '4')
  })

  test('getMany (id=1&id=3) and getManyReference (postId=1 with paging)', async () => {
    const app = mock()
    assert.deepEqual(ids((await get(app, '/posts?id=1&id=3')).body), [1, 3])
    const reference = await get(app, '/comments?postId=1&_sort=id&_order=DESC&_start=0&_end=25')
    assert.deepEqual(ids(reference.body), [2, 1])
    assert.equal(reference.response.headers.get('x-total-count'), '2')
  })

  test('updateMany: PUT with a partial body on each id, reading json.id', async () => {
    const app = mock()
    const responses = await Promise.all(
      [1, 2].map((id) => app.request(`/posts/${id}`, json('PUT', { views: 0 }))),
    )
    const bodies = (await Promise.all(responses.map((r) => r.json()))) as Array<{ id: number; views: number }>
    assert.deepEqual(
      responses.map((r) => r.status),
      [200, 200],
    )
    assert.deepEqual(
      bodies.map((b) => [b.id, b.views]),
      [
        [1, 0],
        [2, 0],
      ],
    )
  })

  test('deleteMany: DELETE on each id, reading the deleted record from the body', async () => {
    const app = mock()
    const responses = await Promise.all([2, 3].map((id) => app.request(`/posts/${id}`, { method: 'DELETE' })))
    const bodies = (await Promise.all(responses.map((r) => r.json()))) as Array<{ id: number }>
    assert.deepEqual(
      bodies.map((b) => b.id),
      [2, 3],
    )
    assert.deepEqual(ids((await get(app, '/posts')).body), [1, 4])
  })

  test('create and update', async () => {
    const app = mock()
    const created = await app.request('/posts', json('POST', { title: 'new', userId: 1 }))
    assert.equal(created.status, 201)
    assert.equal(((await created.json()) as { id: number }).id, 5)
    const updated = await app.request('/posts/5', json('PUT', { id: 5, title: 'renamed', userId: 1 }))
    assert.equal(((await updated.json()) as { title: string }).title, 'renamed')
  })
})

describe('refine @refinedev/simple-rest', () => {
  test('getList: comma-separated _sort/_order, _start/_end, operator suffixes, q', async () => {
    const app = mock()
    const sorted = await get(app, '/posts?_start=0&_end=10&_sort=userId,views&_order=asc,desc')
    assert.deepEqual(ids(sorted.body), [3, 1, 4, 2])
    assert.equal(sorted.response.headers.get('x-total-count'), '4')
    const filtered = await get(
      app,
      '/posts?_start=0&_end=10&title_like=e&views_ne=300&views_gte=20&views_lte=100&q=o',
    )
    assert.deepEqual(ids(filtered.body), [1, 2])
    assert.equal(filtered.response.headers.get('x-total-count'), '2')
  })

  test('getMany, getOne with _embed, update (PATCH), deleteOne', async () => {
    const app = mock()
    assert.deepEqual(ids((await get(app, '/posts?id=2&id=4')).body), [2, 4])
    const one = await app.request('/posts/4?_embed=comments')
    assert.equal(((await one.json()) as { comments: unknown[] }).comments.length, 1)
    const patched = await app.request('/posts/4', json('PATCH', { views: 46 }))
    assert.deepEqual(await patched.json(), { id: 4, title: 'refine', views: 46, published: false, userId: 2 })
    const removed = await app.request('/posts/4', { method: 'DELETE' })
    assert.equal(removed.status, 200)
    assert.equal(((await removed.json()) as { id: number }).id, 4)
  })
})
