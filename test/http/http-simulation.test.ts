import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { createMock } from '../../src/index.ts'
import { expectProblem } from '../support/helpers.ts'
import { body, simulatedCrm } from '../support/simulation-helpers.ts'

describe('per-request overrides', () => {
  test('Prefer status, Prism code and the _status query answer a simulated failure with CORS', async () => {
    const { app } = simulatedCrm()
    const failed = await app.request('/api/customers', {
      headers: { prefer: 'status=503', origin: 'http://ui.test' },
    })
    const detail = await expectProblem(failed, 503, 'simulated_failure')
    assert.match(detail.detail, /503/)
    assert.equal(failed.headers.get('retry-after'), '1')
    assert.equal(failed.headers.get('access-control-allow-origin'), 'http://ui.test')
    await expectProblem(
      await app.request('/api/customers/1', { headers: { prefer: 'code=404' } }),
      404,
      'simulated_failure',
    )
    const viaQuery = await app.request('/api/customers?_status=500')
    await expectProblem(viaQuery, 500, 'simulated_failure')
    assert.equal(viaQuery.headers.get('retry-after'), null)
    const ok = await app.request('/api/customers', { headers: { prefer: 'return=minimal' } })
    assert.equal(ok.status, 200)
  })

  test('delays use the injected sleep; combinable with a status in one header', async () => {
    const { app, time } = simulatedCrm()
    assert.equal((await app.request('/api/customers', { headers: { prefer: 'delay=800' } })).status, 200)
    assert.equal((await app.request('/api/customers?_delay=50')).status, 200)
    const both = await app.request('/api/customers', { headers: { prefer: 'status=503, delay=100' } })
    await expectProblem(both, 503, 'simulated_failure')
    assert.deepEqual(time.slept, [800, 50, 100])
  })

  test('a failure is decided before any state change', async () => {
    const { app, engine } = simulatedCrm()
    const created = await app.request(
      '/api/customers?_status=503',
      body('POST', { name: 'Alan', email: 'alan@example.com' }),
    )
    await expectProblem(created, 503, 'simulated_failure')
    assert.equal(engine.list('customers').length, 2)
    const deleted = await app.request('/api/customers/1', {
      method: 'DELETE',
      headers: { prefer: 'status=500' },
    })
    await expectProblem(deleted, 500, 'simulated_failure')
    assert.equal(engine.list('customers').length, 2)
  })

  test('unusable override values are 400 invalid_query', async () => {
    const { app } = simulatedCrm()
    const bad = await expectProblem(
      await app.request('/api/customers', { headers: { prefer: 'status=200' } }),
      400,
      'invalid_query',
    )
    assert.match(bad.detail, /Prefer status must be an HTTP error status/)
    await expectProblem(await app.request('/api/customers?_fault=boom'), 400, 'invalid_query')
    await expectProblem(await app.request('/api/customers?_delay=forever'), 400, 'invalid_query')
  })

  test('--no-prefer ignores them all', async () => {
    const { app, time } = simulatedCrm({ app: { prefer: false } })
    assert.equal(
      (await app.request('/api/customers', { headers: { prefer: 'status=503, delay=5' } })).status,
      200,
    )
    assert.equal((await app.request('/api/customers?_fault=reset')).status, 200)
    assert.deepEqual(time.slept, [])
  })
})

describe('policies', () => {
  test('global latency and error rate; resource and route levels win key by key', async () => {
    const { app, time } = simulatedCrm({
      manifest: {
        simulate: { latency: 30, errors: { rate: 1, status: 502 } },
        routes: { 'GET /invoices/:id': { errors: false, latency: 5 } },
      },
      resources: { notes: { latency: 7 } },
    })
    await expectProblem(await app.request('/api/customers'), 502, 'simulated_failure')
    const invoice = await app.request('/api/invoices/1')
    assert.equal(invoice.status, 200)
    await expectProblem(await app.request('/api/notes'), 502, 'simulated_failure')
    assert.deepEqual(time.slept, [30, 5, 7])
  })

  test('resource level', async () => {
    const { app } = simulatedCrm({ resources: { settings: { errors: { rate: 1, status: 503 } } } })
    await expectProblem(await app.request('/api/settings'), 503, 'simulated_failure')
    assert.equal((await app.request('/api/customers')).status, 200)
  })

  test('rate limit: RateLimit-* on every response, 429 with Retry-After, a new window on the clock', async () => {
    const { app, time } = simulatedCrm({ manifest: { simulate: { rateLimit: { limit: 2, window: '10s' } } } })
    const first = await app.request('/api/customers')
    assert.equal(first.status, 200)
    assert.equal(first.headers.get('ratelimit-limit'), '2')
    assert.equal(first.headers.get('ratelimit-remaining'), '1')
    assert.equal(first.headers.get('ratelimit-reset'), '10')
    assert.equal((await app.request('/api/customers/1')).headers.get('ratelimit-remaining'), '0')
    time.now += 4000
    const limited = await app.request('/api/customers', { headers: { origin: 'http://localhost:5173' } })
    await expectProblem(limited, 429, 'rate_limited')
    assert.equal(limited.headers.get('retry-after'), '6')
    assert.equal(limited.headers.get('ratelimit-remaining'), '0')
    assert.equal(limited.headers.get('access-control-expose-headers')?.includes('RateLimit-Remaining'), true)
    time.now += 6000
    assert.equal((await app.request('/api/customers')).status, 200)
  })

  test('OPTIONS (CORS preflight) is never simulated', async () => {
    const { app, time } = simulatedCrm({ manifest: { simulate: { latency: 40, errors: { rate: 1 } } } })
    const preflight = await app.request('/api/customers', {
      method: 'OPTIONS',
      headers: { origin: 'http://ui.test', 'access-control-request-method': 'POST' },
    })
    assert.equal(preflight.status, 204)
    assert.deepEqual(time.slept, [])
  })

  test('rate limit by api-key counts each key apart', async () => {
    const { app } = simulatedCrm({ manifest: { simulate: { rateLimit: { limit: 1, by: 'api-key' } } } })
    const key = (value: string) => ({ headers: { 'x-api-key': value } })
    assert.equal((await app.request('/api/customers', key('a'))).status, 200)
    assert.equal((await app.request('/api/customers', key('b'))).status, 200)
    assert.equal((await app.request('/api/customers', key('a'))).status, 429)
  })

  test('a random 503 carries Retry-After from the policy', async () => {
    const { app } = simulatedCrm({
      manifest: { simulate: { errors: { rate: 1, status: 503, retryAfter: '30s' } } },
    })
    const failed = await app.request('/api/customers')
    await expectProblem(failed, 503, 'simulated_failure')
    assert.equal(failed.headers.get('retry-after'), '30')
  })
})

describe('connection faults in-process (no socket)', () => {
  test('reset and empty answer 502 naming the fault', async () => {
    const { app, engine } = simulatedCrm()
    for (const kind of ['reset', 'empty']) {
      const response = await app.request(
        '/api/customers',
        body('POST', { name: 'X', email: 'x@example.com' }, { prefer: `fault=${kind}` }),
      )
      const detail = await expectProblem(response, 502, 'simulated_failure')
      assert.match(detail.detail, new RegExp(kind))
      assert.equal(response.headers.get('x-restmock-fault'), kind)
    }
    assert.equal(engine.list('customers').length, 2, 'nothing was written')
  })

  test('malformed: the real status, then a body that breaks half way', async () => {
    const { app } = simulatedCrm()
    const response = await app.request('/api/customers/1?_fault=malformed')
    assert.equal(response.status, 200)
    assert.equal(response.headers.get('x-restmock-fault'), 'malformed')
    await assert.rejects(response.text(), /malformed/)
  })

  test('dribble: the whole body, in chunks, paced by the injected sleep', async () => {
    const { app, time } = simulatedCrm({
      manifest: { simulate: { faults: { rate: 0, kind: 'dribble', chunks: 4, duration: '3s' } } },
    })
    const expected = await (await app.request('/api/customers')).text()
    const response = await app.request('/api/customers', { headers: { prefer: 'fault=dribble' } })
    assert.equal(response.status, 200)
    assert.equal(response.headers.get('content-length'), String(Buffer.byteLength(expected)))
    assert.equal(await response.text(), expected)
    assert.deepEqual(time.slept, [1000, 1000, 1000])
  })

  test('timeout: held for simulate.timeout, then 504', async () => {
    const { app, time, engine } = simulatedCrm({ manifest: { simulate: { timeout: '5s' } } })
    const response = await app.request(
      '/api/customers',
      body('POST', { name: 'Late', email: 'late@example.com' }, { prefer: 'fault=timeout' }),
    )
    await expectProblem(response, 504, 'simulated_failure')
    assert.deepEqual(time.slept, [5000])
    assert.equal(engine.list('customers').length, 2)
  })

  test('timeout without simulate.timeout waits for the client to give up', async () => {
    const { app } = simulatedCrm()
    const controller = new AbortController()
    const pending = Promise.resolve(
      app.request('/api/customers?_fault=timeout', { signal: controller.signal }),
    )
    let settled = false
    void pending.then(() => {
      settled = true
    })
    await new Promise((resolve) => setImmediate(resolve))
    assert.equal(settled, false)
    controller.abort()
    await pending
    assert.equal(settled, true)
  })
})

describe('determinism', () => {
  const manifest = {
    name: 'flaky',
    resources: { posts: {} },
    simulate: { errors: { rate: 0.5, status: { 500: 1, 502: 1, 503: 1 } } },
  }
  const statuses = async (seed: number): Promise<number[]> => {
    const app = createMock({ manifest, data: { posts: [{ id: 1 }] }, seed })
    const result: number[] = []
    for (let i = 0; i < 40; i++) result.push((await app.request('/posts/1')).status)
    return result
  }

  test('same seed, same statuses; another seed, others', async () => {
    const first = await statuses(42)
    assert.deepEqual(await statuses(42), first)
    assert.ok(first.includes(200) && first.some((status) => status >= 500))
    assert.notDeepEqual(await statuses(43), first)
  })
})
