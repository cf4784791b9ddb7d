import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { expectProblem } from '../support/helpers.ts'
import { body, simulatedCrm } from '../support/simulation-helpers.ts'

const ADMIN = '/__restmock'

/** A state-changing admin request without a body: still JSON, as the admin API requires. */
const bodyless = (method: string): RequestInit => ({
  method,
  headers: { 'content-type': 'application/json' },
})

async function json<T>(response: Response, status = 200): Promise<T> {
  assert.equal(response.status, status)
  return (await response.json()) as T
}

describe('admin: info, health, 404 and 405', () => {
  test('GET /__restmock describes the mock', async () => {
    const { app } = simulatedCrm({ manifest: { simulate: { latency: 5 } } })
    const info = await json<Record<string, unknown>>(await app.request(ADMIN))
    assert.equal(info.name, 'Test CRM')
    assert.equal(info.basePath, '/api')
    assert.equal(info.seed, 7)
    assert.deepEqual((info.resources as unknown[])[0], {
      name: 'customers',
      path: '/api/customers',
      singleton: false,
      records: 2,
    })
    assert.deepEqual(info.simulation, { simulate: { latency: 5 }, resources: {}, routes: {} })
    assert.deepEqual(info.requests, { recorded: 0, capacity: 1000, bytes: 0, maxBytes: 16 * 1024 * 1024 })
    assert.ok((info.endpoints as string[]).includes('GET|POST|DELETE /__restmock/faults'))
  })

  test('health, OPTIONS, 405 with Allow, unknown admin paths 404', async () => {
    const { app } = simulatedCrm()
    assert.equal((await json<{ status: string }>(await app.request(`${ADMIN}/health`))).status, 'ok')
    const options = await app.request(`${ADMIN}/faults`, { method: 'OPTIONS' })
    assert.equal(options.status, 204)
    assert.equal(options.headers.get('allow'), 'GET, POST, DELETE, HEAD, OPTIONS')
    const wrong = await app.request(`${ADMIN}/health`, bodyless('POST'))
    await expectProblem(wrong, 405, 'method_not_allowed')
    assert.equal(wrong.headers.get('allow'), 'GET, HEAD, OPTIONS')
    await expectProblem(await app.request(`${ADMIN}/nothing`), 404, 'not_found')
    assert.equal((await app.request(`${ADMIN}/health`, { method: 'HEAD' })).status, 200)
  })

  test('--no-admin: everything under /__restmock is a 404', async () => {
    const { app } = simulatedCrm({ app: { admin: false } })
    await expectProblem(await app.request(ADMIN), 404, 'not_found')
    await expectProblem(
      await app.request(`${ADMIN}/faults`, body('POST', { path: '/x', status: 500 })),
      404,
      'not_found',
    )
  })
})

describe('admin: state', () => {
  test('GET /db snapshots, PUT /db restores, POST /reset returns to the seed', async () => {
    const { app, engine } = simulatedCrm()
    const snapshot = await json<Record<string, unknown[]>>(await app.request(`${ADMIN}/db`))
    assert.equal(snapshot.customers?.length, 2)
    const replaced = await app.request(
      `${ADMIN}/db`,
      body('PUT', {
        ...snapshot,
        customers: [{ id: 5, name: 'Only', email: 'only@example.com' }],
        invoices: [],
        notes: [],
        tags: [],
      }),
    )
    assert.equal(replaced.status, 204)
    assert.deepEqual(
      engine.list('customers').map((record) => record.id),
      [5],
    )
    assert.equal((await app.request('/api/customers/5')).status, 200)
    assert.equal((await app.request(`${ADMIN}/reset`, bodyless('POST'))).status, 204)
    assert.equal(engine.list('customers').length, 2)
  })

  test('PUT /db with bad records is a 422 listing each with a pointer, and changes nothing', async () => {
    const { app, engine } = simulatedCrm()
    const bad = await expectProblem(
      await app.request(
        `${ADMIN}/db`,
        body('PUT', { customers: [{ id: 1, name: 'No email' }], widgets: [] }),
      ),
      422,
      'validation_failed',
    )
    assert.ok(bad.errors !== undefined && bad.errors.length >= 2)
    assert.ok(bad.errors.some((error) => error.pointer === '/widgets'))
    assert.ok(bad.errors.every((error) => error.pointer.startsWith('/')))
    assert.equal(engine.list('customers').length, 2)
    await expectProblem(await app.request(`${ADMIN}/db`, body('PUT', [1, 2])), 400, 'invalid_body')
  })

  test('reset also clears scripted faults, the journal and runtime simulation changes', async () => {
    const { app } = simulatedCrm({ manifest: { simulate: { latency: 5 } } })
    await app.request(`${ADMIN}/faults`, body('POST', { path: '/customers', status: 500 }))
    await app.request(`${ADMIN}/simulation`, body('PUT', { errors: { rate: 1 } }))
    await app.request('/api/invoices')
    await app.request(`${ADMIN}/reset`, bodyless('POST'))
    assert.deepEqual(await json(await app.request(`${ADMIN}/faults`)), [])
    assert.deepEqual(await json(await app.request(`${ADMIN}/simulation`)), { latency: 5 })
    assert.equal((await json<{ count: number }>(await app.request(`${ADMIN}/requests`))).count, 0)
    assert.equal((await app.request('/api/customers')).status, 200)
  })
})

describe('admin: simulation levels at runtime', () => {
  test('PUT /simulation sets the global level, {} clears it, GET reads it back', async () => {
    const { app, time } = simulatedCrm()
    const policy = { latency: '10-10', errors: { rate: 1, status: { 500: 1, 503: 1 } } }
    const put = await json<Record<string, unknown>>(
      await app.request(`${ADMIN}/simulation`, body('PUT', policy)),
    )
    assert.deepEqual(put, { latency: 10, errors: { rate: 1, status: [500, 503], retryAfter: 1 } })
    assert.deepEqual(await json(await app.request(`${ADMIN}/simulation`)), put)
    const failed = await app.request('/api/customers')
    assert.ok(failed.status === 500 || failed.status === 503)
    assert.deepEqual(time.slept, [10])
    assert.deepEqual(await json(await app.request(`${ADMIN}/simulation`, body('PUT', {}))), {})
    assert.equal((await app.request('/api/customers')).status, 200)
    assert.deepEqual(time.slept, [10])
  })

  test('an invalid policy is a 422 with a pointer per problem', async () => {
    const { app } = simulatedCrm()
    const bad = await expectProblem(
      await app.request(`${ADMIN}/simulation`, body('PUT', { latncy: 5, errors: { rate: 2 } })),
      422,
      'validation_failed',
    )
    assert.deepEqual(
      bad.errors?.map((error) => error.pointer),
      ['/latncy', '/errors/rate'],
    )
    assert.match(bad.errors?.[0]?.detail ?? '', /did you mean "latency"/)
  })

  test('resource level: GET/PUT /simulation/resources/:name; unknown resource 404', async () => {
    const { app } = simulatedCrm()
    const path = `${ADMIN}/simulation/resources/invoices`
    assert.deepEqual(await json(await app.request(path)), {})
    await app.request(path, body('PUT', { errors: { rate: 1, status: 502 } }))
    assert.deepEqual(await json(await app.request(path)), { errors: { rate: 1, status: 502, retryAfter: 1 } })
    assert.equal((await app.request('/api/invoices/1')).status, 502)
    assert.equal((await app.request('/api/customers/1')).status, 200)
    const unknown = await expectProblem(
      await app.request(`${ADMIN}/simulation/resources/invoice`),
      404,
      'not_found',
    )
    assert.match(unknown.detail, /did you mean "invoices"/)
  })

  test('route level: GET/PUT /simulation/routes; DELETE /simulation clears every level', async () => {
    const { app } = simulatedCrm({ manifest: { simulate: { errors: { rate: 1, status: 500 } } } })
    const routes = { 'GET /customers/:id': { errors: false } }
    assert.deepEqual(await json(await app.request(`${ADMIN}/simulation/routes`, body('PUT', routes))), {
      'GET /customers/:id': { errors: { rate: 0, status: 500, retryAfter: 1 } },
    })
    assert.equal((await app.request('/api/customers/1')).status, 200)
    assert.equal((await app.request('/api/customers')).status, 500)
    const badRoute = await expectProblem(
      await app.request(`${ADMIN}/simulation/routes`, body('PUT', { 'GET /custmers': {} })),
      422,
      'validation_failed',
    )
    assert.equal(badRoute.errors?.[0]?.pointer, '/GET ~1custmers')
    assert.deepEqual(await json(await app.request(`${ADMIN}/simulation`, bodyless('DELETE'))), {
      simulate: {},
      resources: {},
      routes: {},
    })
    assert.equal((await app.request('/api/customers')).status, 200)
  })

  test('admin requests are never simulated, rate limited or journaled', async () => {
    const { app, time } = simulatedCrm({
      manifest: { simulate: { latency: 50, errors: { rate: 1, status: 503 }, rateLimit: { limit: 1 } } },
    })
    for (let i = 0; i < 3; i++) {
      const response = await app.request(`${ADMIN}/health`)
      assert.equal(response.status, 200)
      assert.equal(response.headers.get('ratelimit-limit'), null)
    }
    assert.deepEqual(time.slept, [])
    assert.equal((await json<{ count: number }>(await app.request(`${ADMIN}/requests`))).count, 0)
  })
})

describe('admin: scripted faults', () => {
  test('"the 2nd POST /orders fails once with 503"', async () => {
    const { app, engine } = simulatedCrm()
    const created = await app.request(
      `${ADMIN}/faults`,
      body('POST', { method: 'POST', path: '/customers', status: 503, after: 1 }),
    )
    const fault = await json<Record<string, unknown>>(created, 201)
    assert.equal(created.headers.get('location'), `${ADMIN}/faults/${fault.id}`)
    assert.deepEqual(fault, {
      id: fault.id,
      method: 'POST',
      path: '/customers',
      status: 503,
      times: 1,
      after: 1,
      matched: 0,
      applied: 0,
      remaining: 1,
    })
    const post = (email: string) => app.request('/api/customers', body('POST', { name: 'N', email }))
    assert.equal((await post('a@example.com')).status, 201)
    const second = await post('b@example.com')
    await expectProblem(second, 503, 'simulated_failure')
    assert.equal(second.headers.get('retry-after'), '1')
    assert.equal((await post('c@example.com')).status, 201)
    assert.equal(engine.list('customers').length, 4)
    const [listed] = await json<Array<Record<string, unknown>>>(await app.request(`${ADMIN}/faults`))
    assert.equal(listed?.matched, 3)
    assert.equal(listed?.applied, 1)
    assert.equal(listed?.remaining, 0)
  })

  test('faults, delays and paths with the basePath or :params; GET and DELETE one, DELETE all', async () => {
    const { app, time } = simulatedCrm()
    const reset = await json<{ id: number }>(
      await app.request(
        `${ADMIN}/faults`,
        body('POST', { path: '/api/customers/:id', fault: 'reset', times: 2 }),
      ),
      201,
    )
    const slow = await json<{ id: number; delay: number }>(
      await app.request(`${ADMIN}/faults`, body('POST', { method: 'GET', path: '/invoices', delay: '2s' })),
      201,
    )
    assert.equal(slow.delay, 2000)
    assert.equal((await app.request('/api/customers/1')).status, 502, 'in-process a reset is answered 502')
    assert.equal((await app.request('/api/invoices')).status, 200)
    assert.deepEqual(time.slept, [2000])
    assert.equal(
      (await json<{ path: string }>(await app.request(`${ADMIN}/faults/${reset.id}`))).path,
      '/customers/:id',
    )
    assert.equal((await app.request(`${ADMIN}/faults/${reset.id}`, bodyless('DELETE'))).status, 204)
    await expectProblem(
      await app.request(`${ADMIN}/faults/${reset.id}`, bodyless('DELETE')),
      404,
      'not_found',
    )
    assert.equal((await app.request('/api/customers/1')).status, 200)
    assert.equal((await app.request(`${ADMIN}/faults`, bodyless('DELETE'))).status, 204)
    assert.deepEqual(await json(await app.request(`${ADMIN}/faults`)), [])
  })

  test('an invalid fault is a 422 naming each field', async () => {
    const { app } = simulatedCrm()
    const bad = await expectProblem(
      await app.request(`${ADMIN}/faults`, body('POST', { method: 'GRAB', status: 200 })),
      422,
      'validation_failed',
    )
    assert.deepEqual(
      bad.errors?.map((error) => error.pointer),
      ['/method', '/path', '/status'],
    )
  })
})

describe('admin: request journal', () => {
  test('a query parameter named __proto__ is recorded as a parameter', async () => {
    const { app } = simulatedCrm()
    await app.request('/api/customers?__proto__=x&a=1')
    const { requests } = await json<{ requests: Array<{ query: unknown }> }>(
      await app.request(`${ADMIN}/requests`),
    )
    assert.deepEqual(requests[0]?.query, JSON.parse('{ "__proto__": "x", "a": "1" }'))
  })

  test('records method, path, query, headers, body, status, simulation; filters and count', async () => {
    const { app } = simulatedCrm()
    await app.request('/api/customers?plan=pro&plan=free', { headers: { 'x-trace': 'abc' } })
    await app.request('/api/customers', body('POST', { name: 'Alan', email: 'alan@example.com' }))
    await app.request('/api/customers', body('POST', { name: 'Bad' }))
    await app.request('/api/invoices/1', { headers: { prefer: 'status=503, delay=20' } })
    const all = await json<{ count: number; requests: Array<Record<string, unknown>> }>(
      await app.request(`${ADMIN}/requests`),
    )
    assert.equal(all.count, 4)
    const [list, created, invalid, failed] = all.requests
    assert.ok(list !== undefined)
    assert.deepEqual(list.query, { plan: ['pro', 'free'] })
    assert.equal((list.headers as Record<string, string>)['x-trace'], 'abc')
    assert.equal(list?.status, 200)
    assert.match(String(list?.time), /^\d{4}-\d\d-\d\dT/)
    assert.deepEqual(created?.requestBody, { name: 'Alan', email: 'alan@example.com' })
    assert.equal(created?.status, 201)
    assert.equal(invalid?.status, 422)
    assert.equal(failed?.status, 503)
    assert.equal(failed?.simulated, 'latency 20ms, failure 503 (request)')
    const posts = await json<{ count: number }>(
      await app.request(`${ADMIN}/requests?method=post&path=/customers`),
    )
    assert.equal(posts.count, 2)
    assert.equal((await json<{ count: number }>(await app.request(`${ADMIN}/requests?status=4xx`))).count, 1)
    assert.equal(
      (await json<{ count: number }>(await app.request(`${ADMIN}/requests?path=/api/invoices/:id`))).count,
      1,
    )
    assert.equal((await app.request(`${ADMIN}/requests`, bodyless('DELETE'))).status, 204)
    assert.equal((await json<{ count: number }>(await app.request(`${ADMIN}/requests`))).count, 0)
  })

  test('bad filters are 400 invalid_query', async () => {
    const { app } = simulatedCrm()
    const unknown = await expectProblem(
      await app.request(`${ADMIN}/requests?stauts=500`),
      400,
      'invalid_query',
    )
    assert.match(unknown.detail, /did you mean "status"/)
    await expectProblem(await app.request(`${ADMIN}/requests?status=5x`), 400, 'invalid_query')
  })

  test('the journal is bounded', async () => {
    const { app } = simulatedCrm({ app: {} })
    for (let i = 0; i < 1005; i++) await app.request('/api/settings')
    const all = await json<{ count: number; requests: Array<{ id: number }> }>(
      await app.request(`${ADMIN}/requests`),
    )
    assert.equal(all.count, 1000)
    assert.equal(all.requests[0]?.id, 6)
  })
})
