import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { InProcessMock } from '../../src/index.ts'
import { crmMock, expectProblem, json } from '../support/helpers.ts'

const as = (id: string, headers: Record<string, string> = {}) => ({ 'x-restmock-session': id, ...headers })

async function body(
  mock: InProcessMock,
  path: string,
  headers: Record<string, string> = {},
): Promise<unknown> {
  const response = await mock.request(path, { headers })
  assert.equal(response.status, 200, `GET ${path}`)
  return response.json()
}

async function ids(
  mock: InProcessMock,
  path: string,
  headers: Record<string, string> = {},
): Promise<unknown[]> {
  return ((await body(mock, path, headers)) as Array<{ id: unknown }>).map((record) => record.id)
}

const newCustomer = (name: string, email: string) => json('POST', { name, email })

describe('sessions: every operation works on a private copy of the seed', () => {
  test('create and read: ids continue from the seed in each session; nobody else sees the record', async () => {
    const mock = crmMock()
    const created = await mock.request('/api/customers', {
      ...newCustomer('Ann', 'ann@example.com'),
      headers: as('a', { 'content-type': 'application/json' }),
    })
    assert.equal(created.status, 201)
    assert.equal(created.headers.get('location'), '/api/customers/3')
    const inB = await mock.request('/api/customers', {
      ...newCustomer('Ben', 'ben@example.com'),
      headers: as('b', { 'content-type': 'application/json' }),
    })
    assert.equal(((await inB.json()) as { id: number }).id, 3, 'each session counts its own ids')
    assert.deepEqual(await ids(mock, '/api/customers', as('a')), [1, 2, 3])
    assert.equal(((await body(mock, '/api/customers/3', as('a'))) as { name: string }).name, 'Ann')
    assert.equal(((await body(mock, '/api/customers/3', as('b'))) as { name: string }).name, 'Ben')
    assert.deepEqual(await ids(mock, '/api/customers'), [1, 2])
    assert.equal((await mock.request('/api/customers/3')).status, 404)
    const shared = await mock.request('/api/customers', newCustomer('Cy', 'cy@example.com'))
    assert.equal(((await shared.json()) as { id: number }).id, 3)
  })

  test('a session starts from the seed, not from the shared state', async () => {
    const mock = crmMock()
    await mock.request('/api/customers', newCustomer('Shared', 'shared@example.com'))
    await mock.request('/api/customers/1', { method: 'DELETE' })
    assert.deepEqual(await ids(mock, '/api/customers', as('fresh')), [1, 2])
  })

  test('update and replace change only the session, with their own ETags', async () => {
    const mock = crmMock()
    const before = await mock.request('/api/customers/1', { headers: as('a') })
    const etag = before.headers.get('etag')!
    const patched = await mock.request('/api/customers/1', {
      method: 'PATCH',
      headers: as('a', { 'content-type': 'application/json', 'if-match': etag }),
      body: JSON.stringify({ plan: 'enterprise' }),
    })
    assert.equal(patched.status, 200)
    const newEtag = patched.headers.get('etag')!
    assert.notEqual(newEtag, etag)
    const stale = await mock.request('/api/customers/1', {
      method: 'PUT',
      headers: as('a', { 'content-type': 'application/json', 'if-match': etag }),
      body: JSON.stringify({ name: 'Ada', email: 'ada@example.com' }),
    })
    await expectProblem(stale, 412, 'precondition_failed')
    const replaced = await mock.request('/api/customers/2', {
      method: 'PUT',
      headers: as('a', { 'content-type': 'application/json' }),
      body: JSON.stringify({ name: 'Grace B. Hopper', email: 'grace@example.com' }),
    })
    assert.equal(replaced.status, 200)
    const notModified = await mock.request('/api/customers/1', {
      headers: as('a', { 'if-none-match': newEtag }),
    })
    assert.equal(notModified.status, 304)
    // the shared record and its ETag are untouched
    const shared = await mock.request('/api/customers/1')
    assert.equal(shared.headers.get('etag'), etag)
    assert.equal(((await shared.json()) as { plan: string }).plan, 'pro')
    assert.equal(((await body(mock, '/api/customers/2')) as { name: string }).name, 'Grace Hopper')
    assert.equal(((await body(mock, '/api/customers/1', as('b'))) as { plan: string }).plan, 'pro')
  })

  test('delete cascades, sets null and restricts inside the session only', async () => {
    const mock = crmMock()
    assert.equal((await mock.request('/api/customers/1', { method: 'DELETE', headers: as('a') })).status, 204)
    assert.deepEqual(await ids(mock, '/api/invoices', as('a')), [2], 'cascade')
    assert.deepEqual(await body(mock, '/api/tags/t1', as('a')), {
      id: 't1',
      label: 'early',
      customerId: null,
    })
    const restricted = await mock.request('/api/customers/2', { method: 'DELETE', headers: as('a') })
    await expectProblem(restricted, 409, 'conflict')
    assert.deepEqual(await ids(mock, '/api/customers', as('a')), [2])
    assert.deepEqual(await ids(mock, '/api/invoices'), [1, 2])
    assert.deepEqual(await body(mock, '/api/tags/t1'), { id: 't1', label: 'early', customerId: 1 })
    assert.deepEqual(await ids(mock, '/api/invoices', as('b')), [1, 2])
  })

  test('unique fields are checked against the session view', async () => {
    const mock = crmMock()
    const post = (id: string | undefined, name: string, email: string) =>
      mock.request('/api/customers', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(id === undefined ? {} : as(id)) },
        body: JSON.stringify({ name, email }),
      })
    assert.equal((await post('a', 'X', 'x@example.com')).status, 201)
    await expectProblem(await post('a', 'X2', 'x@example.com'), 409, 'conflict')
    await expectProblem(await post('a', 'Ada 2', 'ada@example.com'), 409, 'conflict')
    assert.equal((await post('b', 'X', 'x@example.com')).status, 201)
    assert.equal((await post(undefined, 'X', 'x@example.com')).status, 201)
    // a seed value freed in the session can be taken there, and only there
    const moved = await mock.request('/api/customers/1', {
      method: 'PATCH',
      headers: as('a', { 'content-type': 'application/json' }),
      body: JSON.stringify({ email: 'ada@new.example.com' }),
    })
    assert.equal(moved.status, 200)
    assert.equal((await post('a', 'Ada 2', 'ada@example.com')).status, 201)
    await expectProblem(await post('b', 'Ada 2', 'ada@example.com'), 409, 'conflict')
  })

  test('refs resolve against the session: its own parents exist there only', async () => {
    const mock = crmMock()
    const created = await mock.request('/api/customers', {
      ...newCustomer('Ann', 'ann@example.com'),
      headers: as('a', { 'content-type': 'application/json' }),
    })
    const { id } = (await created.json()) as { id: number }
    const invoice = { customerId: id, amount: 10 }
    const inA = await mock.request('/api/invoices', {
      ...json('POST', invoice),
      headers: as('a', { 'content-type': 'application/json' }),
    })
    assert.equal(inA.status, 201)
    await expectProblem(await mock.request('/api/invoices', json('POST', invoice)), 422, 'validation_failed')
    const nested = await mock.request(`/api/customers/${id}/invoices`, { headers: as('a') })
    assert.deepEqual(
      ((await nested.json()) as Array<{ amount: number }>).map((each) => each.amount),
      [10],
    )
    assert.equal((await mock.request(`/api/customers/${id}/invoices`)).status, 404)
  })

  test('Idempotency-Keys are per session', async () => {
    const mock = crmMock()
    const send = (id: string) =>
      mock.request('/api/customers', {
        method: 'POST',
        headers: as(id, { 'content-type': 'application/json', 'idempotency-key': 'k1' }),
        body: JSON.stringify({ name: 'Once', email: 'once@example.com' }),
      })
    const first = await send('a')
    const replay = await send('a')
    assert.equal(replay.status, 201)
    assert.equal(replay.headers.get('idempotent-replayed'), 'true')
    assert.deepEqual(await replay.json(), await first.json())
    const other = await send('b')
    assert.equal(other.status, 201)
    assert.equal(other.headers.get('idempotent-replayed'), null)
    assert.deepEqual(await ids(mock, '/api/customers', as('a')), [1, 2, 3])
    // a session reset forgets its keys along with its state
    await mock.session('a').reset()
    const again = await send('a')
    assert.equal(again.headers.get('idempotent-replayed'), null)
  })

  test('queries: filters, sort, paging and _embed see the session records', async () => {
    const mock = crmMock()
    const headers = as('q', { 'content-type': 'application/json' })
    for (const amount of [5, 500, 50]) {
      await mock.request('/api/invoices', {
        method: 'POST',
        headers,
        body: JSON.stringify({ customerId: 1, amount }),
      })
    }
    await mock.request('/api/invoices/1', { method: 'DELETE', headers })
    const sorted = await mock.request('/api/invoices?customerId=1&_sort=-amount&_page=1&_per_page=2', {
      headers: as('q'),
    })
    assert.equal(sorted.headers.get('x-total-count'), '3')
    const page = (await sorted.json()) as { data: Array<{ amount: number }> }
    assert.deepEqual(
      page.data.map((each) => each.amount),
      [500, 50],
    )
    const filtered = await ids(mock, '/api/invoices?amount_gte=50', as('q'))
    assert.deepEqual(filtered, [2, 4, 5])
    const embedded = (await body(mock, '/api/customers/1?_embed=invoices', as('q'))) as {
      invoices: Array<{ amount: number }>
    }
    assert.deepEqual(
      embedded.invoices.map((each) => each.amount),
      [5, 500, 50],
    )
    const sharedEmbed = (await body(mock, '/api/customers/1?_embed=invoices')) as { invoices: unknown[] }
    assert.equal(sharedEmbed.invoices.length, 1)
    assert.deepEqual(await ids(mock, '/api/invoices?amount_gte=50'), [1, 2])
  })

  test('singletons are per session', async () => {
    const mock = crmMock()
    const patched = await mock.request('/api/settings', {
      method: 'PATCH',
      headers: as('a', { 'content-type': 'application/json' }),
      body: JSON.stringify({ currency: 'USD' }),
    })
    assert.equal(patched.status, 200)
    assert.equal(((await body(mock, '/api/settings', as('a'))) as { currency: string }).currency, 'USD')
    assert.equal(((await body(mock, '/api/settings')) as { currency: string }).currency, 'EUR')
  })

  test('8 sessions writing concurrently, interleaved, each see exactly their own', async () => {
    const mock = crmMock()
    const workers = Array.from({ length: 8 }, (_, index) => `worker-${index}`)
    const rounds = 10
    for (let round = 0; round < rounds; round++) {
      await Promise.all(
        workers.map((worker) =>
          mock.request('/api/customers', {
            method: 'POST',
            headers: as(worker, { 'content-type': 'application/json' }),
            body: JSON.stringify({ name: `${worker} ${round}`, email: `${worker}.${round}@example.com` }),
          }),
        ),
      )
      // a shared write in between changes nothing for the sessions
      await mock.request('/api/customers', newCustomer(`shared ${round}`, `shared.${round}@example.com`))
    }
    for (const worker of workers) {
      const customers = (await body(mock, '/api/customers', as(worker))) as Array<{
        id: number
        name: string
      }>
      assert.deepEqual(
        customers.map((customer) => customer.id),
        Array.from({ length: rounds + 2 }, (_, index) => index + 1),
      )
      assert.deepEqual(
        customers.slice(2).map((customer) => customer.name),
        Array.from({ length: rounds }, (_, round) => `${worker} ${round}`),
      )
    }
    assert.equal(((await body(mock, '/api/customers')) as unknown[]).length, rounds + 2)
  })

  test('<basePath>/db and the home page show the session state', async () => {
    const mock = crmMock()
    await mock.request('/api/customers/1', { method: 'DELETE', headers: as('a') })
    const db = (await body(mock, '/api/db', as('a'))) as { customers: unknown[] }
    assert.equal(db.customers.length, 1)
    const home = (await body(mock, '/', as('a'))) as { resources: Array<{ name: string; count?: number }> }
    assert.equal(home.resources.find((resource) => resource.name === 'customers')?.count, 1)
  })
})

describe('sessions: the /__session/<id> prefix', () => {
  test('works like the header, and Location and Link keep the prefix', async () => {
    const mock = crmMock()
    const created = await mock.request('/__session/p1/api/customers', newCustomer('Pre', 'pre@example.com'))
    assert.equal(created.status, 201)
    assert.equal(created.headers.get('location'), '/__session/p1/api/customers/3')
    const followed = await mock.request(`http://localhost${created.headers.get('location')}`)
    assert.equal(((await followed.json()) as { name: string }).name, 'Pre')
    assert.deepEqual(await ids(mock, '/api/customers', as('p1')), [1, 2, 3])
    const paged = await mock.request('/__session/p1/api/customers?_page=2&_per_page=1')
    assert.deepEqual(
      ((await paged.json()) as { data: Array<{ id: number }> }).data.map((each) => each.id),
      [2],
    )
    const link = paged.headers.get('link')!
    assert.match(
      link,
      /<http:\/\/localhost\/__session\/p1\/api\/customers\?_page=1&_per_page=1>; rel="first"/,
    )
    assert.match(link, /<http:\/\/localhost\/__session\/p1\/api\/customers\?_page=3&_per_page=1>; rel="next"/)
    assert.doesNotMatch(link, /<http:\/\/localhost\/api/)
    // the header naming the same session is fine
    const same = await mock.request('/__session/p1/api/customers/3', { headers: as('p1') })
    assert.equal(same.status, 200)
  })

  test('a malformed id, or a header and a prefix naming different sessions, is 400 invalid_session', async () => {
    const mock = crmMock()
    const cases: Array<[string, Record<string, string>]> = [
      ['/api/customers', as('has space')],
      ['/api/customers', as('x'.repeat(65))],
      ['/api/customers', as('semi;colon')],
      ['/__session//api/customers', {}],
      ['/__session/bad%21id/api/customers', {}],
      ['/__session/a/api/customers', as('b')],
    ]
    for (const [path, headers] of cases) {
      const problem = await expectProblem(await mock.request(path, { headers }), 400, 'invalid_session')
      assert.ok(problem.detail.length > 0)
    }
    const conflict = await expectProblem(
      await mock.request('/__session/a/api/customers', { headers: as('b') }),
      400,
      'invalid_session',
    )
    assert.match(conflict.detail, /names session "b" but the path prefix names "a"/)
    assert.equal((await mock.request('/api/customers', { headers: as('x'.repeat(64)) })).status, 200)
    assert.equal((await mock.request('/api/customers', { headers: as('A-z_0.9') })).status, 200)
  })

  test('CORS preflights allow the session header', async () => {
    const mock = crmMock()
    const preflight = await mock.request('/__session/a/api/customers', {
      method: 'OPTIONS',
      headers: { origin: 'http://app.test', 'access-control-request-method': 'POST' },
    })
    assert.equal(preflight.status, 204)
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /X-Restmock-Session/)
    const asked = await mock.request('/api/customers', {
      method: 'OPTIONS',
      headers: {
        origin: 'http://app.test',
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'x-restmock-session',
      },
    })
    assert.equal(asked.headers.get('access-control-allow-headers'), 'x-restmock-session')
  })
})

describe('sessions keep the manifest rules that index records differently', () => {
  const manifest = {
    resources: {
      tags: { idField: '_id', id: 'string' as const, fields: { label: { type: 'string' as const } } },
      users: { fields: { email: { type: 'string' as const, format: 'email' as const, unique: true } } },
      posts: {
        fields: {
          title: { type: 'string' as const },
          tagIds: { type: 'array' as const, items: { type: 'string' as const, ref: 'tags' } },
        },
      },
    },
  }
  const data = {
    tags: [
      { _id: 'js', label: 'JavaScript' },
      { _id: 'go', label: 'Go' },
    ],
    users: [{ id: 1, email: 'Ada@Example.com' }],
    posts: [{ id: 1, title: 'Hello', tagIds: ['js', 'go'] }],
  }
  const send = (method: string, body: unknown) => ({
    method,
    headers: as('s', { 'content-type': 'application/json' }),
    body: JSON.stringify(body),
  })

  test('a primary key named by idField, many-to-many refs and case-insensitive unique, inside a session', async () => {
    const { createMock } = await import('../../src/index.ts')
    const mock = createMock({ manifest, data })
    // idField: the key addresses records, and a new one is created under it
    assert.equal(((await body(mock, '/tags/js', as('s'))) as { label: string }).label, 'JavaScript')
    const created = await mock.request('/tags', send('POST', { _id: 'ts', label: 'TypeScript' }))
    assert.equal(created.status, 201)
    assert.equal(created.headers.get('location'), '/tags/ts')
    // case-insensitive unique: the seed's address in other letters is taken in the session too
    const taken = await mock.request('/users', send('POST', { email: 'ada@example.COM' }))
    await expectProblem(taken, 409, 'conflict')
    // many-to-many: embedded through the array, and a deleted tag leaves the array (cascade)
    const expanded = (await body(mock, '/posts/1?_expand=tags', as('s'))) as { tags: Array<{ _id: string }> }
    assert.deepEqual(
      expanded.tags.map((tag) => tag._id),
      ['js', 'go'],
    )
    assert.deepEqual(
      ((await body(mock, '/tags/go/posts', as('s'))) as Array<{ id: number }>).map((post) => post.id),
      [1],
    )
    assert.equal((await mock.request('/tags/go', { method: 'DELETE', headers: as('s') })).status, 204)
    assert.deepEqual(((await body(mock, '/posts/1', as('s'))) as { tagIds: string[] }).tagIds, ['js'])
    // the shared state saw none of it
    assert.deepEqual(((await body(mock, '/posts/1')) as { tagIds: string[] }).tagIds, ['js', 'go'])
    assert.equal((await mock.request('/tags/ts')).status, 404)
  })

  test("a list's ETag in a session is not the shared list's, and changes with the session's writes", async () => {
    const { createMock } = await import('../../src/index.ts')
    const mock = createMock({ manifest, data })
    const shared = (await mock.request('/tags')).headers.get('etag')
    const before = (await mock.request('/tags', { headers: as('s') })).headers.get('etag')
    assert.ok(shared !== null && before !== null)
    await mock.request('/tags', send('POST', { _id: 'rs', label: 'Rust' }))
    const after = (await mock.request('/tags', { headers: as('s') })).headers.get('etag')
    assert.notEqual(after, before)
    assert.notEqual(after, shared)
    const stale = await mock.request('/tags', { headers: as('s', { 'if-none-match': before! }) })
    assert.equal(stale.status, 200)
    const fresh = await mock.request('/tags', { headers: as('s', { 'if-none-match': after! }) })
    assert.equal(fresh.status, 304)
  })
})
