import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { createMock } from '../../src/index.ts'
import { json } from '../support/helpers.ts'

const MANIFEST = `
name: Query blog
basePath: /api
resources:
  authors:
    id: string
    fields:
      name: { type: string, required: true }
  users:
    fields:
      name: { type: string, required: true }
  posts:
    timestamps: true
    fields:
      title: { type: string, required: true }
      views: { type: integer, default: 0 }
      published: { type: boolean, default: false }
      userId: { type: integer, ref: users, required: true, onDelete: cascade }
      authorId: { type: string, ref: authors, nullable: true, onDelete: set-null }
      meta: { type: object, properties: { lang: { type: string } } }
  comments:
    fields:
      postId: { type: integer, ref: posts, required: true, onDelete: cascade }
      body: { type: string, required: true }
  profile:
    singleton: true
    fields:
      bio: { type: string }
`

const DATA = {
  authors: [{ id: 'ada', name: 'Ada' }],
  users: [
    { id: 1, name: 'Ada' },
    { id: 2, name: 'Bob' },
  ],
  posts: Array.from({ length: 25 }, (_, i) => ({
    id: i + 1,
    title: `Post ${i + 1}`,
    views: (i * 37) % 100,
    published: i % 3 !== 0,
    userId: (i % 2) + 1,
    ...(i < 3 ? { authorId: 'ada' } : {}),
    meta: { lang: i % 2 === 0 ? 'en' : 'fr' },
  })),
  comments: [
    { id: 1, postId: 1, body: 'first' },
    { id: 2, postId: 1, body: 'second' },
    { id: 3, postId: 2, body: 'third' },
  ],
  profile: { bio: 'hi' },
}

const mock = () => createMock({ manifest: MANIFEST, data: DATA })

async function list(app: ReturnType<typeof mock>, path: string, init?: RequestInit) {
  const response = await app.request(path, init)
  assert.equal(response.status, 200, `${path}: ${response.status}`)
  return { response, body: (await response.json()) as Array<Record<string, unknown>> }
}

const ids = (body: Array<Record<string, unknown>>) => body.map((record) => record.id)

describe('list headers', () => {
  test('X-Total-Count (after filtering) on every list, exposed to browsers', async () => {
    const app = mock()
    const all = await list(app, '/api/posts')
    assert.equal(all.response.headers.get('x-total-count'), '25')
    assert.equal(all.body.length, 25)
    assert.equal(all.response.headers.get('link'), null)
    const filtered = await list(app, '/api/posts?published=false&_start=0&_end=2', {
      headers: { origin: 'http://localhost:5173' },
    })
    assert.equal(filtered.response.headers.get('x-total-count'), '9')
    assert.deepEqual(ids(filtered.body), [1, 4])
    const exposed = filtered.response.headers.get('access-control-expose-headers') ?? ''
    assert.match(exposed, /X-Total-Count/)
    assert.match(exposed, /Link/)
  })

  test('Link with first/prev/next/last keeps the other parameters', async () => {
    const app = mock()
    const { response, body } = await list(app, '/api/posts?userId=1&_sort=-views&_page=2&_limit=5')
    assert.equal(response.headers.get('x-total-count'), '13')
    assert.equal(body.length, 5)
    const base = 'http://localhost/api/posts?userId=1&_sort=-views'
    assert.equal(
      response.headers.get('link'),
      [
        `<${base}&_page=1&_limit=5>; rel="first"`,
        `<${base}&_page=1&_limit=5>; rel="prev"`,
        `<${base}&_page=3&_limit=5>; rel="next"`,
        `<${base}&_page=3&_limit=5>; rel="last"`,
      ].join(', '),
    )
  })

  test('a page past the end is [] with a valid Link', async () => {
    const { response, body } = await list(mock(), '/api/posts?_page=9&_limit=10')
    assert.deepEqual(body, [])
    assert.equal(response.headers.get('x-total-count'), '25')
    assert.equal(
      response.headers.get('link'),
      '<http://localhost/api/posts?_page=1&_limit=10>; rel="first", ' +
        '<http://localhost/api/posts?_page=3&_limit=10>; rel="prev", ' +
        '<http://localhost/api/posts?_page=3&_limit=10>; rel="last"',
    )
  })

  test('HEAD gives the same headers without a body', async () => {
    const response = await mock().request('/api/posts?_page=1&_limit=5', { method: 'HEAD' })
    assert.equal(response.status, 200)
    assert.equal(response.headers.get('x-total-count'), '25')
    assert.match(response.headers.get('link') ?? '', /rel="next"/)
    assert.equal(await response.text(), '')
  })

  test('filters, q, sort, slicing and projection over HTTP', async () => {
    const app = mock()
    const popular = DATA.posts.filter((p) => p.views >= 90).sort((a, b) => a.views - b.views)
    assert.deepEqual(ids((await list(app, '/api/posts?views:gte=90&_sort=views')).body), ids(popular))
    assert.deepEqual(ids((await list(app, '/api/posts?q=post%2012')).body), [12])
    assert.deepEqual(ids((await list(app, '/api/posts?meta.lang=fr&id:in=1,2,3,4')).body), [2, 4])
    assert.deepEqual((await list(app, '/api/posts?id=2&_fields=title')).body, [{ id: 2, title: 'Post 2' }])
    assert.deepEqual(
      ids((await list(app, '/api/posts?title_like=^post 2[0-9]$&_start=1&_limit=2')).body),
      [21, 22],
    )
  })
})

describe('relations', () => {
  test('_embed and _expand on lists and items', async () => {
    const app = mock()
    const { body } = await list(app, '/api/posts?id=1&id=3&_embed=comments&_expand=user&_expand=author')
    assert.deepEqual(
      body.map((p) => [p.id, (p.comments as unknown[]).length, (p.user as { name: string }).name, p.author]),
      [
        [1, 2, 'Ada', { id: 'ada', name: 'Ada' }],
        [3, 0, 'Ada', { id: 'ada', name: 'Ada' }],
      ],
    )
    const item = await app.request('/api/comments/3?_expand=post&_fields=body')
    assert.equal(item.status, 200)
    const comment = (await item.json()) as Record<string, unknown>
    assert.deepEqual(Object.keys(comment), ['id', 'body', 'post'])
    assert.equal((comment.post as { title: string }).title, 'Post 2')
    const plain = await app.request('/api/comments/3')
    assert.notEqual(
      plain.headers.get('etag'),
      item.headers.get('etag'),
      'the shaped representation has its own ETag',
    )
  })

  test('GET /parent/:id/child lists the children with the full query language', async () => {
    const app = mock()
    const { response, body } = await list(
      app,
      '/api/users/2/posts?published=true&_sort=-views&_page=1&_limit=3',
    )
    assert.equal(response.headers.get('x-total-count'), '8')
    assert.ok(body.every((post) => post.userId === 2 && post.published === true))
    assert.deepEqual(
      body.map((post) => post.views),
      [...body.map((post) => post.views as number)].sort((a, b) => b - a),
    )
    assert.match(
      response.headers.get('link') ?? '',
      /^<http:\/\/localhost\/api\/users\/2\/posts\?published=true/,
    )
    assert.deepEqual(ids((await list(app, '/api/posts/1/comments')).body), [1, 2])
    assert.deepEqual((await list(app, '/api/posts/4/comments')).body, [])
    assert.deepEqual(ids((await list(app, '/api/authors/ada/posts')).body), [1, 2, 3])
  })

  test('nested routes answer 404 for a missing parent or an unrelated child', async () => {
    const app = mock()
    for (const path of [
      '/api/users/99/posts',
      '/api/posts/1/users',
      '/api/posts/1/nope',
      '/api/nope/1/posts',
    ]) {
      const response = await app.request(path)
      assert.equal(response.status, 404, path)
      assert.equal(((await response.json()) as { code: string }).code, 'not_found')
    }
    const missing = await app.request('/api/users/99/posts', json('POST', { title: 'x' }))
    assert.equal(missing.status, 404)
  })

  test('POST /parent/:id/child sets the foreign key with the parent id type', async () => {
    const app = mock()
    const created = await app.request('/api/posts/2/comments', json('POST', { body: 'hello', postId: 7 }))
    assert.equal(created.status, 201)
    const comment = (await created.json()) as Record<string, unknown>
    assert.equal(comment.postId, 2)
    assert.equal(created.headers.get('location'), `/api/comments/${comment.id}`)
    assert.deepEqual(ids((await list(app, '/api/posts/2/comments')).body), [3, comment.id])
    const byAuthor = await app.request('/api/authors/ada/posts', json('POST', { title: 'By Ada', userId: 1 }))
    assert.equal(byAuthor.status, 201)
    assert.equal(((await byAuthor.json()) as Record<string, unknown>).authorId, 'ada')
    const invalid = await app.request('/api/posts/2/comments', json('POST', {}))
    assert.equal(invalid.status, 422)
  })

  test('OPTIONS and other methods on a nested route', async () => {
    const app = mock()
    const options = await app.request('/api/posts/1/comments', { method: 'OPTIONS' })
    assert.equal(options.status, 204)
    assert.equal(options.headers.get('allow'), 'GET, HEAD, POST, OPTIONS')
    const del = await app.request('/api/posts/1/comments', { method: 'DELETE' })
    assert.equal(del.status, 405)
  })
})

describe('strictness: 400 invalid_query naming the parameter and the allowed values', () => {
  const cases: Array<[string, RegExp]> = [
    ['/api/posts?nope=1', /"nope=1": unknown field "nope"; allowed: id, title, views, published, userId/],
    ['/api/posts?titel=x', /did you mean "title"/],
    ['/api/posts?views:gt=abc', /"views:gt=abc": views is a integer field: the value must be a number/],
    ['/api/posts?views_lte=abc', /"views_lte=abc": views is a integer field/],
    ['/api/posts?published=yes', /published is a boolean field: the value must be true or false/],
    ['/api/posts?published_gt=true', /operator gt does not apply to boolean field published/],
    ['/api/posts?views:startsWith=1', /operator startsWith applies to string fields only/],
    ['/api/posts?title:near=x', /unknown operator ":near".*allowed: :eq, :ne, :gt, :gte, :lt, :lte, :in/],
    ['/api/posts?meta=x', /meta is an object field: filter on one of its nested fields/],
    ['/api/posts?meta.lng=en', /unknown field of meta "lng" \(did you mean "lang"\?\); allowed: lang/],
    ['/api/posts?title_like=[', /"title_like=\[": invalid regular expression/],
    ['/api/posts?title_like=(a)\\1', /backreferences are not supported/],
    ['/api/posts?_page=0', /"_page=0": must be a whole number from 1/],
    ['/api/posts?_page=2&_limit=ten', /"_limit=ten": must be a whole number from 1/],
    ['/api/posts?_page=1&_per_page=-5', /"_per_page=-5"/],
    ['/api/posts?_start=a&_end=5', /"_start=a": must be a whole number from 0/],
    ['/api/posts?_end=1.5', /"_end=1.5"/],
    ['/api/posts?_limit=x', /"_limit=x"/],
    ['/api/posts?_sort=nope', /"_sort=nope": unknown field "nope"/],
    [
      '/api/posts?_sort=views&_order=upward',
      /"_order=upward": "upward" is not a direction; allowed: asc, desc/,
    ],
    [
      '/api/posts?_srt=views',
      /unknown query parameter "_srt" \(did you mean "_sort" or "_start"\?\); allowed: q, _sort, _order/,
    ],
    ['/api/posts?_embed=likes', /"_embed=likes": unknown relation "likes"; allowed: comments/],
    ['/api/posts?_expand=owner', /"_expand=owner": unknown relation "owner"; allowed: user, author/],
    ['/api/posts?_fields=title,nope', /"_fields=nope": unknown field "nope"/],
    ['/api/posts/1?_embed=likes', /unknown relation "likes"/],
    ['/api/posts/1?_fields=nope', /unknown field "nope"/],
    ['/api/users/1/posts?views:gt=abc', /views is a integer field/],
  ]
  for (const [path, detail] of cases) {
    test(path, async () => {
      const response = await mock().request(path)
      assert.equal(response.status, 400)
      assert.equal(response.headers.get('content-type'), 'application/problem+json')
      const problem = (await response.json()) as { code: string; detail: string; status: number }
      assert.equal(problem.code, 'invalid_query')
      assert.equal(problem.status, 400)
      assert.match(problem.detail, detail)
    })
  }

  test('ignored everywhere: _, callback and the simulation parameters', async () => {
    const { body } = await list(mock(), '/api/posts?_=1700000000&callback=cb&id=1')
    assert.deepEqual(ids(body), [1])
  })
})

describe('list responses follow every change', () => {
  test('after PATCH, POST and DELETE the list (and its cached selections) are current', async () => {
    const app = mock()
    const path = '/api/posts?published=true&_sort=-views&_limit=3'
    await list(app, path)
    const top = (await list(app, path)).body[0]!
    await app.request(`/api/posts/${top.id}`, json('PATCH', { title: 'Changed' }))
    assert.equal((await list(app, path)).body[0]!.title, 'Changed')
    const created = await app.request(
      '/api/posts',
      json('POST', { title: 'Top', views: 1000, published: true, userId: 1 }),
    )
    const { id } = (await created.json()) as { id: number }
    assert.equal((await list(app, path)).body[0]!.id, id)
    await app.request(`/api/posts/${id}`, { method: 'DELETE' })
    assert.equal((await list(app, path)).body[0]!.title, 'Changed')
  })
})
