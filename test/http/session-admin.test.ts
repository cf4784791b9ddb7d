import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { SessionRegistry } from '../../src/core/sessions/session-registry.ts'
import { createSimulationRuntime } from '../../src/core/simulation/policy-levels.ts'
import { createApp } from '../../src/http/app.ts'
import { createMock } from '../../src/index.ts'
import { crmApp, crmMock, expectProblem, json } from '../support/helpers.ts'

const as = (id: string, headers: Record<string, string> = {}) => ({ 'x-restmock-session': id, ...headers })

interface Listed {
  id: string
  changed: number
  lastUsedAt: string
}

describe('sessions: admin endpoints', () => {
  test('GET /__restmock/sessions lists each with the records it changed, cascades included', async () => {
    const mock = crmMock()
    await mock.request('/api/customers/1', { method: 'DELETE', headers: as('a') })
    await mock.request('/api/customers', { headers: as('b') })
    const listed = (await (await mock.request('/__restmock/sessions')).json()) as Listed[]
    assert.deepEqual(
      listed.map(({ id, changed }) => ({ id, changed })),
      [
        // customer 1, its invoice (cascade), its tag (set-null)
        { id: 'a', changed: 3 },
        { id: 'b', changed: 0 },
      ],
    )
    assert.ok(!Number.isNaN(Date.parse(listed[0]!.lastUsedAt)))
    const one = (await (await mock.request('/__restmock/sessions/a')).json()) as Listed
    assert.equal(one.changed, 3)
    const db = (await (await mock.request('/__restmock/sessions/a/db')).json()) as { customers: unknown[] }
    assert.equal(db.customers.length, 1)
  })

  test('scripted faults per session, scripted before its first request', async () => {
    const mock = crmMock()
    const added = await mock.request(
      '/__restmock/sessions/w1/faults',
      json('POST', { method: 'GET', path: '/customers', status: 503, times: 2 }),
    )
    assert.equal(added.status, 201)
    assert.equal(added.headers.get('location'), '/__restmock/sessions/w1/faults/1')
    const listed = (await (await mock.request('/__restmock/sessions')).json()) as Listed[]
    assert.deepEqual(
      listed.map((session) => session.id),
      ['w1'],
      'an admin call on a new id makes the session',
    )
    assert.equal((await mock.request('/api/customers', { headers: as('w2') })).status, 200)
    assert.equal((await mock.request('/api/customers')).status, 200)
    assert.equal((await mock.request('/api/customers', { headers: as('w1') })).status, 503)
    const faults = (await (await mock.request('/__restmock/sessions/w1/faults')).json()) as Array<{
      applied: number
    }>
    assert.equal(faults[0]!.applied, 1)
    assert.deepEqual(await (await mock.request('/__restmock/faults')).json(), [])
    // the server's own faults stay out of sessions
    await mock.request('/__restmock/faults', json('POST', { method: 'GET', path: '/invoices', status: 500 }))
    assert.equal((await mock.request('/api/invoices', { headers: as('w1') })).status, 200)
    const removed = await mock.request('/__restmock/sessions/w1/faults/1', {
      method: 'DELETE',
      headers: { 'content-type': 'application/json' },
    })
    assert.equal(removed.status, 204)
    assert.equal((await mock.request('/api/customers', { headers: as('w1') })).status, 200)
  })

  test('simulation per session', async () => {
    const mock = crmMock()
    const set = await mock.request(
      '/__restmock/sessions/slow/simulation',
      json('PUT', { errors: { rate: 1, status: 502 } }),
    )
    assert.equal(set.status, 200)
    assert.deepEqual(((await set.json()) as { errors: { status: number } }).errors.status, 502)
    assert.equal((await mock.request('/api/customers', { headers: as('slow') })).status, 502)
    assert.equal((await mock.request('/api/customers', { headers: as('other') })).status, 200)
    assert.equal((await mock.request('/api/customers')).status, 200)
    const resource = await mock.request(
      '/__restmock/sessions/other/simulation/resources/invoices',
      json('PUT', { errors: { rate: 1, status: 500 } }),
    )
    assert.equal(resource.status, 200)
    assert.equal((await mock.request('/api/invoices', { headers: as('other') })).status, 500)
    assert.equal((await mock.request('/api/customers', { headers: as('other') })).status, 200)
    assert.deepEqual(await (await mock.request('/__restmock/simulation')).json(), {})
    await mock.request('/__restmock/sessions/slow/simulation', {
      method: 'DELETE',
      headers: { 'content-type': 'application/json' },
    })
    assert.equal((await mock.request('/api/customers', { headers: as('slow') })).status, 200)
  })

  test('the request journal records each entry session; ?session= filters', async () => {
    const mock = crmMock()
    await mock.request('/api/customers', { headers: as('a') })
    await mock.request('/__session/a/api/customers/1')
    await mock.request('/api/customers', { headers: as('b') })
    await mock.request('/api/customers')
    const journal = (await (await mock.request('/__restmock/requests?session=a')).json()) as {
      count: number
      requests: Array<{ path: string; session?: string }>
    }
    assert.equal(journal.count, 2)
    assert.deepEqual(
      journal.requests.map((entry) => [entry.path, entry.session]),
      [
        ['/api/customers', 'a'],
        ['/api/customers/1', 'a'],
      ],
    )
    const all = (await (await mock.request('/__restmock/requests')).json()) as {
      requests: Array<{ session?: string }>
    }
    assert.deepEqual(
      all.requests.map((entry) => entry.session),
      ['a', 'a', 'b', undefined],
    )
  })

  test('POST /sessions/<id>/reset returns it to the seed and clears its faults and simulation', async () => {
    const mock = crmMock()
    await mock.request('/api/customers/1', { method: 'DELETE', headers: as('a') })
    await mock.request(
      '/__restmock/sessions/a/faults',
      json('POST', { method: 'GET', path: '/tags', status: 503 }),
    )
    await mock.request('/__restmock/sessions/a/simulation', json('PUT', { latency: 5 }))
    assert.equal((await mock.request('/__restmock/sessions/a/reset', json('POST', {}))).status, 204)
    const customers = (await (await mock.request('/api/customers', { headers: as('a') })).json()) as unknown[]
    assert.equal(customers.length, 2)
    assert.deepEqual(await (await mock.request('/__restmock/sessions/a/faults')).json(), [])
    assert.deepEqual(await (await mock.request('/__restmock/sessions/a/simulation')).json(), {})
    assert.equal((await mock.request('/api/tags', { headers: as('a') })).status, 200)
  })

  test('DELETE /sessions/<id> ends it; shared reset ends every session', async () => {
    const mock = crmMock()
    await mock.request('/api/customers/1', { method: 'DELETE', headers: as('a') })
    await mock.request('/api/customers', { headers: as('b') })
    assert.equal(
      (
        await mock.request('/__restmock/sessions/a', {
          method: 'DELETE',
          headers: { 'content-type': 'application/json' },
        })
      ).status,
      204,
    )
    const left = (await (await mock.request('/__restmock/sessions')).json()) as Listed[]
    assert.deepEqual(
      left.map((session) => session.id),
      ['b'],
    )
    const again = (await (await mock.request('/api/customers', { headers: as('a') })).json()) as unknown[]
    assert.equal(again.length, 2, 'a deleted session starts afresh from the seed')
    assert.equal((await mock.request('/__restmock/reset', json('POST', {}))).status, 204)
    assert.deepEqual(await (await mock.request('/__restmock/sessions')).json(), [])
    await mock.request('/api/customers', { headers: as('c') })
    await mock.reset()
    assert.deepEqual(await (await mock.request('/__restmock/sessions')).json(), [])
  })

  test('a malformed id in an admin path is 400 invalid_session', async () => {
    const mock = crmMock()
    await expectProblem(await mock.request('/__restmock/sessions/bad%20id/faults'), 400, 'invalid_session')
    await expectProblem(
      await mock.request('/__restmock/sessions/bad!/reset', json('POST', {})),
      400,
      'invalid_session',
    )
  })

  test('the header does not scope the admin API (sessions have their own endpoints)', async () => {
    const mock = crmMock()
    await mock.request('/api/customers', json('POST', { name: 'Shared', email: 's@example.com' }))
    const db = (await (await mock.request('/__restmock/db', { headers: as('a') })).json()) as {
      customers: unknown[]
    }
    assert.equal(db.customers.length, 3)
  })

  test('rate limits count per client across sessions, as configured', async () => {
    const mock = createMock({
      manifest: {
        simulate: { rateLimit: { limit: 2, window: '1m' } },
        resources: { posts: { fields: { title: { type: 'string' } } } },
      },
    })
    assert.equal((await mock.request('/posts', { headers: as('a') })).status, 200)
    assert.equal((await mock.request('/posts', { headers: as('b') })).status, 200)
    const limited = await mock.request('/posts', { headers: as('c') })
    await expectProblem(limited, 429, 'rate_limited')
    await expectProblem(await mock.request('/posts'), 429, 'rate_limited')
  })

  test('idle sessions end after the TTL (injected clock); the least recently used go past the cap', async () => {
    const { engine } = crmApp()
    const clock = { now: Date.UTC(2026, 0, 1) }
    const runtime = createSimulationRuntime(engine.manifest)
    const sessions = new SessionRegistry({
      engine,
      simulator: runtime.simulator,
      clock: () => clock.now,
      ttlMs: 60_000,
      maxSessions: 2,
    })
    const app = createApp({ engine, runtime, sessions, clock: () => clock.now })
    const list = async () =>
      ((await (await app.request('/__restmock/sessions')).json()) as Listed[]).map((session) => session.id)
    await app.request('/api/customers/1', { method: 'DELETE', headers: as('a') })
    clock.now += 30_000
    await app.request('/api/customers', { headers: as('b') })
    assert.deepEqual(await list(), ['a', 'b'])
    clock.now += 30_000
    assert.deepEqual(await list(), ['b'], 'a was idle for 60s')
    const fresh = (await (await app.request('/api/customers', { headers: as('a') })).json()) as unknown[]
    assert.equal(fresh.length, 2, 'an expired session starts again from the seed')
    await app.request('/api/customers', { headers: as('c') })
    assert.deepEqual(await list(), ['a', 'c'], 'at most 2: b was used least recently')
  })
})
