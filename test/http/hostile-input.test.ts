import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { createMock, startMock } from '../../src/index.ts'
import { crmMock, expectProblem, json } from '../support/helpers.ts'

type App = ReturnType<typeof crmMock>

/** An object nested `depth` levels deep: {"a":{"a":...{"a":1}...}} */
const nestedObject = (depth: number): string => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`

/** A customer body whose `address` value brings the whole body to `depth` levels. */
const deepCustomer = (depth: number): string =>
  `{"name":"Deep","email":"deep@example.com","address":${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}}`

const snapshot = async (app: App): Promise<string> => (await app.request('/__restmock/db')).text()

/** Every request that carries a body, each given the same hostile text. */
function bodyRequests(body: string): Array<[string, RequestInit]> {
  return [
    ['/api/customers', json('POST', body)],
    ['/api/customers/1', json('PATCH', body)],
    ['/api/customers/1', json('PUT', body)],
    ['/api/invoices', json('POST', body, { 'idempotency-key': 'deep' })],
    ['/api/customers/1/invoices', json('POST', body, { 'idempotency-key': 'nested' })],
    ['/api/settings', json('PUT', body)],
    ['/__restmock/db', json('PUT', body)],
    ['/__restmock/simulation', json('PUT', body)],
  ]
}

async function expectRefusedEverywhere(app: App, body: string, code: string): Promise<void> {
  const before = await snapshot(app)
  for (const [path, init] of bodyRequests(body)) {
    const problem = await expectProblem(await app.request(path, init), 400, code)
    assert.equal(problem.instance, path)
  }
  assert.equal(await snapshot(app), before, 'state unchanged')
  // and the server still works
  assert.equal((await app.request('/api/customers/1')).status, 200)
}

describe('hostile bodies: 400 before anything reads them, state unchanged', () => {
  for (const depth of [101, 4_500, 100_000]) {
    test(`objects nested ${depth} levels deep`, async () => {
      const app = crmMock()
      await expectRefusedEverywhere(app, nestedObject(depth), 'invalid_body')
      const problem = await expectProblem(
        await app.request('/api/customers', json('POST', deepCustomer(depth))),
        400,
        'invalid_body',
      )
      assert.match(problem.detail, /deeper than 100 levels/)
    })
  }

  test('100 levels are accepted; brackets inside strings do not count', async () => {
    const app = createMock({ data: { posts: [] } })
    assert.equal((await app.request('/posts', json('POST', nestedObject(100)))).status, 201)
    const text = JSON.stringify({ text: `${'{['.repeat(500)}"\\"${']}'.repeat(3)}` })
    const created = await app.request('/posts', json('POST', text))
    assert.equal(created.status, 201)
    assert.equal(((await created.json()) as { text: string }).text, JSON.parse(text).text)
  })

  test('a number too large to represent is a 400 naming its pointer', async () => {
    const app = createMock({ data: { posts: [{ id: 1, views: 1 }] } })
    const before = await app.request('/posts').then((r) => r.text())
    for (const [body, pointer] of [
      ['{"views":1e400}', '/views'],
      ['{"stats":{"a/b":[1,-1E+400]}}', '/stats/a~1b/1'],
      [`{"big":${'9'.repeat(400)}}`, '/big'],
    ] as const) {
      for (const [path, method] of [
        ['/posts', 'POST'],
        ['/posts/1', 'PATCH'],
        ['/posts/1', 'PUT'],
      ]) {
        const problem = await expectProblem(
          await app.request(path!, json(method!, body)),
          400,
          'invalid_body',
        )
        assert.deepEqual(
          problem.errors?.map((e) => e.pointer),
          [pointer],
        )
      }
    }
    assert.equal(await app.request('/posts').then((r) => r.text()), before)
    // finite extremes are fine
    const ok = await app.request('/posts', json('POST', '{"tiny":1e-400,"max":1.7976931348623157e308}'))
    assert.equal(ok.status, 201)
  })

  test('invalid UTF-8 is a 400, with or without Content-Length', async () => {
    const app = crmMock()
    const before = await snapshot(app)
    const bytes = new Uint8Array([
      ...Buffer.from('{"name":"'),
      0xff,
      0xfe,
      ...Buffer.from('","email":"x@y.z"}'),
    ])
    const streamed = (): ReadableStream<Uint8Array> =>
      new ReadableStream({
        start(controller) {
          controller.enqueue(bytes)
          controller.close()
        },
      })
    for (const body of [bytes, streamed()]) {
      const response = await app.request('/api/customers', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
      } as RequestInit)
      const problem = await expectProblem(response, 400, 'malformed_json')
      assert.match(problem.detail, /UTF-8/)
    }
    assert.equal(await snapshot(app), before)
    const accented = await app.request(
      '/api/customers',
      json('POST', '{"name":"Zoë","email":"zoe@example.com"}'),
    )
    assert.equal(((await accented.json()) as { name: string }).name, 'Zoë')
  })
})

describe('hostile query strings', () => {
  test('more than 1,000 query parameters -> 400 invalid_query; 1,000 are fine', async () => {
    const app = createMock({ data: { posts: [{ id: 1, a: 1 }] } })
    const params = (count: number): string => Array.from({ length: count }, () => 'a=1').join('&')
    assert.equal((await app.request(`/posts?${params(1000)}`)).status, 200)
    for (const path of ['/posts', '/posts/1']) {
      const problem = await expectProblem(await app.request(`${path}?${params(1001)}`), 400, 'invalid_query')
      assert.match(problem.detail, /1,?000/)
    }
    // a flood far past the limit is refused before it is decoded, with the count in the detail
    const flood = await expectProblem(await app.request(`/posts?${params(200_000)}`), 400, 'invalid_query')
    assert.match(flood.detail, /200,000/)
  })
})

describe('a client gone mid-body', () => {
  test('a body stream that fails is a 400 bad_request, not a 500, and nothing changes', async () => {
    const app = crmMock()
    const before = await snapshot(app)
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"name":"Half'))
        controller.error(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }))
      },
    })
    const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body, duplex: 'half' }
    await expectProblem(await app.request('/api/customers', init as RequestInit), 400, 'bad_request')
    assert.equal(await snapshot(app), before)
  })
})

describe('hostile input over a real socket', () => {
  test('deep, overflowing and non-UTF-8 bodies, chunked or not, answer 400 and the server keeps serving', async () => {
    const mock = await startMock({ data: { posts: [{ id: 1 }] }, port: 0, logRequests: false })
    try {
      const send = (body: string | Uint8Array, chunked: boolean) =>
        fetch(`${mock.url}/posts`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: chunked
            ? new ReadableStream({
                start(controller) {
                  controller.enqueue(typeof body === 'string' ? new TextEncoder().encode(body) : body)
                  controller.close()
                },
              })
            : body,
          ...(chunked ? { duplex: 'half' } : {}),
        } as RequestInit)
      for (const chunked of [false, true]) {
        await expectProblem(await send(nestedObject(100_000), chunked), 400, 'invalid_body')
        await expectProblem(await send('{"n":1e400}', chunked), 400, 'invalid_body')
        await expectProblem(
          await send(new Uint8Array([0x7b, 0x22, 0xc3, 0x22, 0x3a, 0x31, 0x7d]), chunked),
          400,
          'malformed_json',
        )
      }
      assert.deepEqual(await (await fetch(`${mock.url}/posts`)).json(), [{ id: 1 }])
    } finally {
      await mock.close()
    }
  })
})
