import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { Hono } from 'hono'
import { bearer, fastAuthApp, tokenFor } from '../support/auth-fixtures.ts'
import { expectProblem, json } from '../support/helpers.ts'

const ids = async (response: Response): Promise<unknown[]> =>
  ((await response.json()) as { id: unknown }[]).map((row) => row.id)

async function userToken(app: Hono, user: string): Promise<string> {
  return (await tokenFor(app, user)).access_token!
}

describe('401: missing or bad credentials (RFC 6750)', () => {
  test('no credentials on a protected route: 401 unauthenticated with a bare challenge', async () => {
    const app = fastAuthApp()
    const response = await app.request('/api/customers', json('POST', { name: 'x' }))
    assert.equal(response.headers.get('www-authenticate'), 'Bearer realm="restmock"')
    const problem = await expectProblem(response, 401, 'unauthenticated')
    assert.match(problem.detail, /Authorization: Bearer/)
  })

  test('an unknown, malformed or foreign token: error="invalid_token"', async () => {
    const app = fastAuthApp()
    for (const token of ['nope', 'a.b.c', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZGEifQ.']) {
      const response = await app.request('/api/invoices', bearer(token))
      assert.match(
        response.headers.get('www-authenticate') ?? '',
        /^Bearer realm="restmock", error="invalid_token", error_description="/,
      )
      await expectProblem(response, 401, 'unauthenticated')
    }
    const other = fastAuthApp(
      {},
      { tokens: { algorithm: 'HS256', key: 'another-secret-of-at-least-32-chars' } },
    )
    const foreign = await userToken(other, 'ada')
    const response = await app.request('/api/invoices', bearer(foreign))
    const problem = await expectProblem(response, 401, 'unauthenticated')
    assert.match(problem.detail, /signature does not match/)
  })

  test('another scheme than Bearer, and an unknown API key', async () => {
    const app = fastAuthApp()
    const basic = await app.request('/api/invoices', { headers: { authorization: 'Basic YWRhOnB3' } })
    assert.equal(basic.headers.get('www-authenticate'), 'Bearer realm="restmock"')
    assert.match((await expectProblem(basic, 401, 'unauthenticated')).detail, /only Bearer/)
    const key = await app.request('/api/invoices', { headers: { 'x-api-key': 'wrong' } })
    assert.match(key.headers.get('www-authenticate') ?? '', /error="invalid_token"/)
    assert.match((await expectProblem(key, 401, 'unauthenticated')).detail, /unknown API key in X-API-Key/)
  })

  test('the plain GET by id (fast path) is checked too, and answers the same with a token', async () => {
    const app = fastAuthApp()
    await expectProblem(await app.request('/api/invoices/1'), 401, 'unauthenticated')
    const token = await userToken(app, 'bob')
    const response = await app.request('/api/invoices/1', bearer(token))
    assert.equal(response.status, 200)
    assert.deepEqual(await response.json(), { id: 1, customerId: 1, amount: 10 })
    assert.equal((await app.request('/api/invoices/1', { method: 'HEAD' })).status, 401)
  })
})

describe('403: valid credentials without the scope', () => {
  test('names the missing scope in the challenge and the detail', async () => {
    const app = fastAuthApp()
    const token = await userToken(app, 'bob')
    const response = await app.request(
      '/api/invoices',
      bearer(token, json('POST', { customerId: 1, amount: 1 })),
    )
    assert.equal(
      response.headers.get('www-authenticate'),
      'Bearer realm="restmock", error="insufficient_scope", scope="write"',
    )
    const problem = await expectProblem(response, 403, 'forbidden')
    assert.match(problem.detail, /lack the scope "write"/)
  })

  test('an API key or a client token on rows owned by users: 403, a user is needed', async () => {
    const app = fastAuthApp()
    const key = await app.request('/api/notes', { headers: { 'x-api-key': 'k-demo' } })
    assert.match((await expectProblem(key, 403, 'forbidden')).detail, /sign in as a user/)
    const machine = (await tokenFor(app, 'demo-client')).access_token!
    await expectProblem(await app.request('/api/notes', bearer(machine)), 403, 'forbidden')
  })

  test('a scope narrowed at the token endpoint is all the token holds', async () => {
    const app = fastAuthApp()
    const { access_token } = await tokenFor(app, 'ada', 'read')
    await expectProblem(
      await app.request('/api/invoices', bearer(access_token!, json('POST', { customerId: 1, amount: 2 }))),
      403,
      'forbidden',
    )
    assert.equal((await app.request('/api/invoices', bearer(access_token!))).status, 200)
  })
})

describe('what each kind of credential and rule lets through', () => {
  test('protect: writes leaves reads open; API keys and static tokens carry their scopes', async () => {
    const app = fastAuthApp()
    assert.equal((await app.request('/api/customers')).status, 200)
    assert.equal((await app.request('/api/invoices', { headers: { 'x-api-key': 'k-demo' } })).status, 200)
    const created = await app.request('/api/customers', bearer('t-admin', json('POST', { name: 'Initech' })))
    assert.equal(created.status, 201)
    await expectProblem(
      await app.request('/api/customers', {
        ...json('POST', { name: 'x' }),
        headers: { 'content-type': 'application/json', 'x-api-key': 'k-demo' },
      }),
      403,
      'forbidden',
    )
  })

  test('protect: all needs read for GET; a public resource stays open', async () => {
    const app = fastAuthApp({}, { protect: 'all' })
    const response = await app.request('/api/customers')
    await expectProblem(response, 401, 'unauthenticated')
    assert.equal((await app.request('/api/customers', { headers: { 'x-api-key': 'k-demo' } })).status, 200)
    assert.equal((await app.request('/api/health')).status, 200)
  })

  test('protect: none leaves undeclared resources open, declared ones protected', async () => {
    const app = fastAuthApp({}, { protect: 'none' })
    assert.equal((await app.request('/api/customers', json('POST', { name: 'x' }))).status, 201)
    await expectProblem(await app.request('/api/invoices'), 401, 'unauthenticated')
  })

  test('a static token or API key acting as a user owns rows', async () => {
    const app = fastAuthApp(
      {},
      {
        bearer: { tokens: { 't-ada': { scopes: ['read', 'write'], user: 'ada' } } },
      },
    )
    assert.deepEqual(await ids(await app.request('/api/notes', bearer('t-ada'))), [1, 3])
  })
})

describe('auth composes with the rest of the mock', () => {
  test('a CORS preflight is never blocked and allows Authorization', async () => {
    const app = fastAuthApp({}, { protect: 'all' })
    for (const path of ['/api/invoices', '/api/notes/1', '/__restmock/oauth/token']) {
      const response = await app.request(path, {
        method: 'OPTIONS',
        headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST' },
      })
      assert.equal(response.status, 204, path)
      assert.match(response.headers.get('access-control-allow-headers') ?? '', /Authorization/)
      assert.equal(response.headers.get('access-control-allow-origin'), 'http://localhost:5173')
    }
  })

  test('401 and 403 carry CORS headers so a browser app can read them', async () => {
    const app = fastAuthApp()
    const response = await app.request('/api/invoices', { headers: { origin: 'http://localhost:5173' } })
    assert.equal(response.status, 401)
    assert.equal(response.headers.get('access-control-allow-origin'), 'http://localhost:5173')
  })

  test('Prefer: status=401 still works with good credentials; a simulated failure comes after auth', async () => {
    const app = fastAuthApp()
    const token = await userToken(app, 'ada')
    const simulated = await app.request('/api/invoices', bearer(token, { headers: { prefer: 'status=401' } }))
    assert.equal(simulated.status, 401)
    const unauthenticated = await app.request('/api/invoices', { headers: { prefer: 'status=503' } })
    await expectProblem(unauthenticated, 401, 'unauthenticated')
    const failed = await app.request('/api/invoices?_status=503', bearer(token))
    assert.equal(failed.status, 503)
  })

  test('--auth off (auth: false) serves the same manifest with every check disabled', async () => {
    const app = fastAuthApp({ auth: false }, { protect: 'all' })
    assert.equal((await app.request('/api/invoices')).status, 200)
    assert.deepEqual(await ids(await app.request('/api/notes')), [1, 2, 3])
    assert.equal((await app.request('/api/notes/2')).status, 200)
    const created = await app.request('/api/notes', json('POST', { text: 'anyone', ownerId: 'carol' }))
    assert.equal(((await created.json()) as { ownerId: string }).ownerId, 'carol')
    // the auth server still answers, so a frontend's login keeps working
    assert.equal((await tokenFor(app, 'ada')).token_type, 'Bearer')
  })

  test('Idempotency-Key replays stay per user on owned rows', async () => {
    const app = fastAuthApp(
      {},
      {
        bearer: { tokens: { 't-bob': { scopes: ['read', 'write'], user: 'bob' } } },
      },
    )
    const ada = await userToken(app, 'ada')
    const post = (token: string) =>
      app.request('/api/notes', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'idempotency-key': 'k1',
          authorization: `Bearer ${token}`,
        },
        body: JSON.stringify({ text: 'once' }),
      })
    const first = await post(ada)
    const again = await post(ada)
    assert.equal(first.status, 201)
    assert.equal(again.headers.get('idempotent-replayed'), 'true')
    assert.deepEqual(await again.json(), await first.json())
    const bobs = await post('t-bob')
    assert.equal(bobs.status, 201)
    assert.equal(bobs.headers.get('idempotent-replayed'), null)
    assert.equal(((await bobs.json()) as { ownerId: string }).ownerId, 'bob')
  })

  test("list queries work on the caller's rows only (filters, sort, paging, X-Total-Count)", async () => {
    const app = fastAuthApp()
    const ada = await userToken(app, 'ada')
    const sorted = await app.request('/api/notes?_sort=-id&_page=1&_limit=1', bearer(ada))
    assert.equal(sorted.headers.get('x-total-count'), '2')
    assert.deepEqual(await ids(sorted), [3])
    assert.deepEqual(await ids(await app.request('/api/notes?q=note', bearer(ada))), [1])
    assert.deepEqual(await ids(await app.request('/api/notes?ownerId=bob', bearer(ada))), [])
  })
})
