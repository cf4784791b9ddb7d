import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { createMock } from '../../src/index.ts'
import { tempDir } from '../support/cli-helpers.ts'
import { expectProblem, json } from '../support/helpers.ts'
import { serveInProcess } from '../support/serve-in-process.ts'

/**
 * json-server 1.0's query habits and json-server's PATCH, served from a plain db.json: a json-server user's
 * requests get the answers they got from json-server.
 */
const DB = {
  posts: [
    { id: 1, title: 'a title', views: 100, author: { name: 'typicode', country: 'FR' } },
    { id: 2, title: 'another title', views: 200, author: { name: 'Ada', country: 'UK' } },
    { id: 3, title: 'json-server', views: 50 },
    { id: 4, title: 'refine', views: 300, published: false },
    { id: 5, title: 'x', views: 10 },
  ],
  comments: [
    { id: 1, text: 'a comment about post 1', postId: 1 },
    { id: 2, text: 'another', postId: 1 },
    { id: 3, text: 'on post 4', postId: 4 },
  ],
  profile: { name: 'typicode', address: { city: 'Paris', zip: '75001' } },
}

type Row = Record<string, unknown>

const mock = () => createMock({ data: structuredClone(DB) })

async function get<T = Row[]>(
  app: ReturnType<typeof mock>,
  path: string,
): Promise<{ response: Response; body: T }> {
  const response = await app.request(path)
  assert.equal(response.status, 200, path)
  return { response, body: (await response.json()) as T }
}

const ids = (rows: Row[]) => rows.map((row) => row.id)
const where = (filter: unknown) => `_where=${encodeURIComponent(JSON.stringify(filter))}`

describe('_embed names a parent too (json-server 1.0)', () => {
  test('GET /comments?_embed=post puts each comment\'s post under "post"', async () => {
    const { body } = await get(mock(), '/comments?_embed=post')
    assert.deepEqual(
      body.map((comment) => (comment.post as Row | undefined)?.id),
      [1, 1, 4],
    )
    assert.equal((body[0]!.post as Row).title, 'a title')
  })

  test('GET /comments/1?_embed=post embeds the parent of one record', async () => {
    const { body } = await get<Row>(mock(), '/comments/1?_embed=post')
    assert.deepEqual(body.post, DB.posts[0])
    assert.equal(body.postId, 1)
  })

  test('_embed still embeds children, and a child and a parent mix in one list', async () => {
    const { body } = await get<Row>(mock(), '/posts/1?_embed=comments')
    assert.deepEqual(ids(body.comments as Row[]), [1, 2])
    const both = await get(mock(), '/comments?_embed=post&_expand=post&_fields=id,post')
    assert.deepEqual(both.body[2], { id: 3, post: DB.posts[3] })
  })

  test('an unknown name is ignored without a manifest, as json-server does', async () => {
    const { body } = await get(mock(), '/comments?_embed=author')
    assert.deepEqual(body, DB.comments)
  })

  test('with a manifest an unknown name is a 400 that lists children and parents', async () => {
    const app = createMock({
      manifest: `
resources:
  posts:
    fields: { title: { type: string } }
  comments:
    fields:
      postId: { type: integer, ref: posts }
      text: { type: string }
`,
      data: { posts: DB.posts.map(({ id, title }) => ({ id, title })), comments: DB.comments },
    })
    const embedded = await get<Row>(app, '/comments/3?_embed=post')
    assert.deepEqual(embedded.body.post, { id: 4, title: 'refine' })
    const problem = await expectProblem(await app.request('/comments?_embed=autor'), 400, 'invalid_query')
    assert.match(problem.detail, /"_embed=autor": unknown relation "autor"; allowed: post/)
  })
})

describe("_page with _per_page answers json-server 1.0's envelope", () => {
  const cases: Array<[string, Row]> = [
    ['_page=1&_per_page=2', { first: 1, prev: null, next: 2, last: 3, pages: 3, items: 5, data: [1, 2] }],
    ['_page=2&_per_page=2', { first: 1, prev: 1, next: 3, last: 3, pages: 3, items: 5, data: [3, 4] }],
    ['_page=3&_per_page=2', { first: 1, prev: 2, next: null, last: 3, pages: 3, items: 5, data: [5] }],
    // a page past the end is the last page, a page below 1 the first
    ['_page=9&_per_page=2', { first: 1, prev: 2, next: null, last: 3, pages: 3, items: 5, data: [5] }],
    ['_page=0&_per_page=2', { first: 1, prev: null, next: 2, last: 3, pages: 3, items: 5, data: [1, 2] }],
    [
      '_page=1&_per_page=10',
      { first: 1, prev: null, next: null, last: 1, pages: 1, items: 5, data: [1, 2, 3, 4, 5] },
    ],
    // `items` counts the matching records; an empty list still has one page
    [
      'views_gte=100&_page=1&_per_page=2',
      { first: 1, prev: null, next: 2, last: 2, pages: 2, items: 3, data: [1, 2] },
    ],
    [
      'title=none&_page=1&_per_page=2',
      { first: 1, prev: null, next: null, last: 1, pages: 1, items: 0, data: [] },
    ],
    [
      '_sort=-views&_page=1&_per_page=2',
      { first: 1, prev: null, next: 2, last: 3, pages: 3, items: 5, data: [4, 2] },
    ],
    // a per-page count below 1 reads as 1
    ['_page=2&_per_page=0', { first: 1, prev: 1, next: 3, last: 5, pages: 5, items: 5, data: [2] }],
  ]
  for (const [query, expected] of cases) {
    test(query, async () => {
      const { response, body } = await get<Row>(mock(), `/posts?${query}`)
      assert.deepEqual(Object.keys(body), ['first', 'prev', 'next', 'last', 'pages', 'items', 'data'])
      assert.deepEqual({ ...body, data: ids(body.data as Row[]) }, expected)
      assert.equal(response.headers.get('x-total-count'), String(expected.items))
    })
  }

  test('data holds whole records, shaped by _fields and _embed', async () => {
    const { body } = await get<Row>(mock(), '/posts?_page=1&_per_page=1&_embed=comments&_fields=id,comments')
    assert.deepEqual(body.data, [{ id: 1, comments: DB.comments.slice(0, 2) }])
  })

  test("_page with _limit keeps json-server 0.17's plain array, X-Total-Count and Link", async () => {
    const { response, body } = await get(mock(), '/posts?_page=2&_limit=2')
    assert.deepEqual(ids(body), [3, 4])
    assert.equal(response.headers.get('x-total-count'), '5')
    assert.match(response.headers.get('link') ?? '', /_page=3&_limit=2>; rel="next"/)
    const beyond = await get(mock(), '/posts?_page=9&_limit=2')
    assert.deepEqual(beyond.body, [])
  })

  test('_per_page alone is a plain array of the first page', async () => {
    const { body } = await get(mock(), '/posts?_per_page=2')
    assert.deepEqual(ids(body), [1, 2])
  })
})

describe('_where (json-server 1.0 JSON filter)', () => {
  const cases: Array<[unknown, unknown[]]> = [
    [{ title: { eq: 'x' } }, [5]],
    [{ views: { gt: 100 } }, [2, 4]],
    [{ views: { gte: 100 } }, [1, 2, 4]],
    [{ views: { lt: 100 } }, [3, 5]],
    [{ views: { lte: 50 } }, [3, 5]],
    [{ views: { ne: 100 } }, [2, 3, 4, 5]],
    [{ views: { gt: 40, lt: 250 } }, [1, 2, 3]],
    [{ views: { gt: 40 }, title: { startsWith: 'A' } }, [1, 2]],
    [{ id: { in: [1, 3, 9] } }, [1, 3]],
    [{ title: { contains: 'TITLE' } }, [1, 2]],
    [{ title: { startsWith: 'json' } }, [3]],
    [{ title: { endsWith: 'FINE' } }, [4]],
    [{ published: { eq: false } }, [4]],
    [{ or: [{ views: { gt: 250 } }, { title: { eq: 'x' } }] }, [4, 5]],
    [{ or: [{ views: { lt: 0 } }, { views: { gt: 1000 } }] }, []],
    [{ or: [] }, []],
    [{ author: { name: { eq: 'Ada' } } }, [2]],
    [{ author: { or: [{ country: { eq: 'FR' } }, { country: { eq: 'UK' } }] } }, [1, 2]],
    // a field no record has matches nothing
    [{ rating: { gt: 1 } }, []],
    [{}, [1, 2, 3, 4, 5]],
  ]
  for (const [filter, expected] of cases) {
    test(JSON.stringify(filter), async () => {
      const { body } = await get(mock(), `/posts?${where(filter)}`)
      assert.deepEqual(ids(body), expected)
    })
  }

  test('_where takes the place of the filter parameters; q, sort and paging still apply', async () => {
    const overridden = await get(mock(), `/posts?title=x&${where({ views: { gte: 100 } })}`)
    assert.deepEqual(ids(overridden.body), [1, 2, 4])
    const combined = await get<Row>(
      mock(),
      `/posts?q=title&_sort=-views&_page=1&_per_page=1&${where({ views: { gte: 100 } })}`,
    )
    assert.deepEqual(
      { items: combined.body.items, data: ids(combined.body.data as Row[]) },
      { items: 2, data: [2] },
    )
  })

  const invalid: Array<[string, RegExp]> = [
    ['{bad', /"_where": is not valid JSON/],
    ['[]', /"_where": must be a JSON object such as \{"views":\{"gt":100\}\}/],
    ['null', /must be a JSON object/],
    [
      '{"views":{"gtt":100}}',
      /unknown operator "gtt" \(did you mean "gt" or "gte" or "lt"\?\); allowed: eq, ne, lt, lte, gt, gte, in, contains, startsWith, endsWith \(in views\)/,
    ],
    ['{"title":"x"}', /field "title" needs an operator object, such as \{"title":\{"eq":"x"\}\}/],
    ['{"or":{"views":{"gt":1}}}', /"or" takes a list of filters/],
    ['{"views":{"eq":{"a":1}}}', /the value of "eq" \(in views\) must be a string, number, boolean or null/],
    ['{"id":{"in":[[1]]}}', /the value of "in" \(in id\) must be a list of strings/],
    [`${'{"a":'.repeat(40)}1${'}'.repeat(40)}`, /nests deeper than 32 levels/],
  ]
  for (const [text, detail] of invalid) {
    test(`400 invalid_query for _where=${text.slice(0, 40)}`, async () => {
      const response = await mock().request(`/posts?_where=${encodeURIComponent(text)}`)
      const problem = await expectProblem(response, 400, 'invalid_query')
      assert.match(problem.detail, detail)
    })
  }

  test('with a manifest, field names and value types are checked as for field:op parameters', async () => {
    const app = createMock({
      manifest: `
resources:
  posts:
    fields: { title: { type: string }, views: { type: integer } }
`,
      data: { posts: DB.posts.map(({ id, title, views }) => ({ id, title, views })) },
    })
    const { body } = await get(
      app,
      `/posts?${where({ or: [{ views: { gt: 250 } }, { title: { eq: 'x' } }] })}`,
    )
    assert.deepEqual(ids(body), [4, 5])
    const unknown = await expectProblem(
      await app.request(`/posts?${where({ veiws: { gt: 1 } })}`),
      400,
      'invalid_query',
    )
    assert.match(
      unknown.detail,
      /"_where": unknown field "veiws" \(did you mean "views"\?\).* \(in veiws\.gt\)/,
    )
    const typed = await expectProblem(
      await app.request(`/posts?${where({ views: { gt: 'many' } })}`),
      400,
      'invalid_query',
    )
    assert.match(
      typed.detail,
      /"_where": views is a integer field: the value must be a number \(in views\.gt\)/,
    )
  })
})

describe('PATCH merges like json-server without a manifest', () => {
  test('top-level fields are replaced, null is stored, nested objects are replaced whole', async () => {
    const app = mock()
    const response = await app.request('/posts/1', json('PATCH', { views: null, author: { name: 'Ada' } }))
    assert.equal(response.status, 200)
    const expected = { id: 1, title: 'a title', views: null, author: { name: 'Ada' } }
    assert.deepEqual(await response.json(), expected)
    assert.deepEqual((await get<Row>(app, '/posts/1')).body, expected)
    const filtered = await get(app, '/posts?views=null')
    assert.deepEqual(ids(filtered.body), [1])
  })

  test('the same on a singleton', async () => {
    const app = mock()
    await app.request('/profile', json('PATCH', { name: null, address: { city: 'Lyon' } }))
    assert.deepEqual((await get<Row>(app, '/profile')).body, { name: null, address: { city: 'Lyon' } })
  })

  test('Content-Type: application/merge-patch+json asks for RFC 7396: null removes, objects merge', async () => {
    const app = mock()
    const headers = { 'content-type': 'application/merge-patch+json' }
    const response = await app.request(
      '/posts/1',
      json('PATCH', { views: null, author: { country: null, city: 'Paris' } }, headers),
    )
    assert.deepEqual(await response.json(), {
      id: 1,
      title: 'a title',
      author: { name: 'typicode', city: 'Paris' },
    })
    await app.request('/profile', json('PATCH', { address: { zip: null } }, headers))
    assert.deepEqual((await get<Row>(app, '/profile')).body, { name: 'typicode', address: { city: 'Paris' } })
  })

  test('a manifest keeps RFC 7396 for application/json too', async () => {
    const app = createMock({
      manifest: `
resources:
  posts:
    additionalFields: true
    fields: { title: { type: string }, views: { type: integer, nullable: true } }
`,
      data: { posts: [{ id: 1, title: 'a', views: 3, meta: { a: 1, b: 2 } }] },
    })
    const response = await app.request('/posts/1', json('PATCH', { views: null, meta: { b: null, c: 3 } }))
    assert.equal(response.status, 200)
    assert.deepEqual(await response.json(), { id: 1, title: 'a', meta: { a: 1, c: 3 } })
  })
})

describe("through the CLI's serve command (in-process)", () => {
  test('restmock db.json answers _embed=post, the envelope, _where and a shallow PATCH', async () => {
    const dir = await tempDir()
    await writeFile(join(dir, 'db.json'), JSON.stringify(DB))
    const server = await serveInProcess([join(dir, 'db.json'), '--port', '0', '--in-memory', '--quiet'])
    try {
      const embedded = (await (await fetch(`${server.url}/comments/3?_embed=post`)).json()) as Row
      assert.equal((embedded.post as Row).title, 'refine')
      const page = (await (await fetch(`${server.url}/posts?_page=2&_per_page=2`)).json()) as Row
      assert.deepEqual(
        { ...page, data: ids(page.data as Row[]) },
        { first: 1, prev: 1, next: 3, last: 3, pages: 3, items: 5, data: [3, 4] },
      )
      const filtered = (await (
        await fetch(`${server.url}/posts?${where({ or: [{ views: { gt: 250 } }, { title: { eq: 'x' } }] })}`)
      ).json()) as Row[]
      assert.deepEqual(ids(filtered), [4, 5])
      const bad = await fetch(`${server.url}/posts?_where=%7Bbad`)
      assert.equal(bad.status, 400)
      const patched = await fetch(
        `${server.url}/posts/2`,
        json('PATCH', { views: null, author: { name: 'Bob' } }),
      )
      assert.deepEqual(await patched.json(), {
        id: 2,
        title: 'another title',
        views: null,
        author: { name: 'Bob' },
      })
    } finally {
      await server.close()
    }
  })
})
