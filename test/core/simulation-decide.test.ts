import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { SimulationConfig, SimulationPolicy } from '../../src/core/simulation/policy.ts'
import { validateRoutes } from '../../src/core/simulation/routes.ts'
import {
  pickWeighted,
  type SimulationRequest,
  Simulator,
  sampleLatency,
} from '../../src/core/simulation/simulator.ts'
import { validateSimulation } from '../../src/core/simulation/validate-policy.ts'

function policy(raw: unknown): SimulationPolicy {
  const result = validateSimulation(raw, 'simulate')
  assert.deepEqual(result.issues, [])
  return result.policy!
}

function config(raw: {
  simulate?: unknown
  resources?: Record<string, unknown>
  routes?: unknown
}): SimulationConfig {
  const resources: Record<string, SimulationPolicy> = {}
  for (const [name, value] of Object.entries(raw.resources ?? {})) resources[name] = policy(value)
  const routes = validateRoutes(raw.routes, 'routes')
  assert.deepEqual(routes.issues, [])
  return { global: policy(raw.simulate), resources, routes: routes.routes! }
}

const get = (path: string, extra: Partial<SimulationRequest> = {}): SimulationRequest => ({
  method: 'GET',
  path,
  ...extra,
})

describe('sampling', () => {
  test('latency distributions', () => {
    assert.equal(sampleLatency(undefined, 0.5, 0.5), 0)
    assert.equal(sampleLatency({ kind: 'fixed', ms: 120 }, 0.9, 0.1), 120)
    assert.equal(sampleLatency({ kind: 'uniform', min: 50, max: 300 }, 0, 0), 50)
    assert.equal(sampleLatency({ kind: 'uniform', min: 50, max: 300 }, 0.999999, 0), 300)
    // u1 = 1 - e^-0.5 and u2 = 0 give a standard normal of exactly 1
    const oneSigma = 1 - Math.exp(-0.5)
    assert.equal(
      sampleLatency({ kind: 'lognormal', median: 80, sigma: 0.5 }, oneSigma, 0),
      Math.round(80 * Math.exp(0.5)),
    )
    assert.equal(sampleLatency({ kind: 'lognormal', median: 80, sigma: 3, max: 500 }, oneSigma, 0), 500)
  })

  test('lognormal latencies centre on the median', () => {
    const sim = new Simulator({
      seed: 1,
      config: config({ simulate: { latency: { distribution: 'lognormal', median: 100, sigma: 0.5 } } }),
    })
    const samples = Array.from({ length: 2001 }, () => sim.decide(get('/x'), 0).latencyMs).sort(
      (a, b) => a - b,
    )
    const median = samples[1000]!
    assert.ok(median > 90 && median < 110, `median ${median}`)
  })

  test('weighted picks follow the weights', () => {
    const options = [
      { value: 500, weight: 2 },
      { value: 503, weight: 1 },
    ]
    assert.equal(pickWeighted(options, 0), 500)
    assert.equal(pickWeighted(options, 0.66), 500)
    assert.equal(pickWeighted(options, 0.67), 503)
    assert.equal(pickWeighted(options, 0.9999), 503)
  })
})

describe('Simulator.decide', () => {
  test('no policy: nothing happens', () => {
    const sim = new Simulator({ seed: 1 })
    assert.equal(sim.active, false)
    assert.deepEqual(sim.decide(get('/orders'), 0), { latencyMs: 0 })
  })

  test('most specific level wins, key by key', () => {
    const sim = new Simulator({
      seed: 1,
      config: config({
        simulate: { latency: 100, errors: { rate: 1, status: 500 } },
        resources: { orders: { latency: 200 } },
        routes: {
          'POST /orders': { errors: { rate: 1, status: 503 } },
          'GET /orders/:id': { errors: false },
        },
      }),
    })
    assert.equal(sim.active, true)
    const global = sim.decide(get('/customers'), 0)
    assert.equal(global.latencyMs, 100)
    assert.equal(global.failure?.status, 500)
    const resource = sim.decide(get('/orders'), 0)
    assert.equal(resource.latencyMs, 200)
    assert.equal(resource.failure?.status, 500)
    const route = sim.decide({ method: 'POST', path: '/orders' }, 0)
    assert.equal(route.latencyMs, 200)
    assert.equal(route.failure?.status, 503)
    assert.deepEqual(route.failure?.headers, { 'Retry-After': '1' })
    const off = sim.decide(get('/orders/7'), 0)
    assert.deepEqual(off, { latencyMs: 200 })
  })

  test('the resource of a nested path is the last collection named', () => {
    const sim = new Simulator({
      seed: 1,
      resources: ['customers', 'invoices'],
      config: config({ resources: { invoices: { latency: 5 }, customers: { latency: 9 } } }),
    })
    assert.equal(sim.decide(get('/customers/1/invoices'), 0).latencyMs, 5)
    assert.equal(sim.decide(get('/customers/1'), 0).latencyMs, 9)
    assert.equal(sim.decide(get('/invoices/3'), 0).latencyMs, 5)
    assert.equal(sim.decide(get('/unknown'), 0).latencyMs, 0)
    assert.equal(sim.decide(get('/whatever', { resource: 'customers' }), 0).latencyMs, 9)
  })

  test('error rate follows the configured probability', () => {
    const sim = new Simulator({
      seed: 7,
      config: config({ simulate: { errors: { rate: 0.2, status: { 500: 3, 503: 1 } } } }),
    })
    const statuses = Array.from({ length: 4000 }, () => sim.decide(get('/x'), 0).failure?.status)
    const failed = statuses.filter((status) => status !== undefined)
    assert.ok(failed.length > 700 && failed.length < 900, `failed ${failed.length}`)
    const share500 = failed.filter((status) => status === 500).length / failed.length
    assert.ok(share500 > 0.68 && share500 < 0.82, `500 share ${share500}`)
    assert.equal(failed.length, statuses.filter((s) => s === 500 || s === 503).length)
  })

  test('random faults carry their options', () => {
    const sim = new Simulator({
      seed: 3,
      config: config({
        simulate: { faults: { rate: 1, kind: 'dribble', chunks: 3, duration: '900ms' }, timeout: '2s' },
      }),
    })
    assert.deepEqual(sim.decide(get('/x'), 0).fault, {
      kind: 'dribble',
      chunks: 3,
      durationMs: 900,
      source: 'policy',
    })
    sim.setGlobal(policy({ faults: { rate: 1, kind: 'timeout' }, timeout: '2s' }))
    assert.deepEqual(sim.decide(get('/x'), 0).fault, { kind: 'timeout', timeoutMs: 2000, source: 'policy' })
    sim.setGlobal(policy({ faults: { rate: 1, kind: 'timeout' } }))
    assert.deepEqual(sim.decide(get('/x'), 0).fault, { kind: 'timeout', source: 'policy' })
  })

  test('per-request overrides beat the policy, key by key', () => {
    const sim = new Simulator({
      seed: 1,
      config: config({ simulate: { latency: 100, errors: { rate: 1, status: 500 } } }),
    })
    const delayed = sim.decide(get('/x', { overrides: { delayMs: 5 } }), 0)
    assert.equal(delayed.latencyMs, 5)
    assert.equal(delayed.failure?.status, 500, 'a delay alone leaves the error policy in force')
    const failed = sim.decide(get('/x', { overrides: { status: 404 } }), 0)
    assert.equal(failed.latencyMs, 100)
    assert.deepEqual(failed.failure, {
      status: 404,
      code: 'simulated_failure',
      detail: 'simulated 404 failure requested by the request',
      headers: {},
      source: 'request',
    })
    const faulted = sim.decide(get('/x', { overrides: { fault: 'reset', status: 503 } }), 0)
    assert.deepEqual(faulted.fault, { kind: 'reset', source: 'request' })
    assert.equal(faulted.failure, undefined)
  })

  test('order: rate limit, then scripted faults, then per-request overrides', () => {
    const sim = new Simulator({
      seed: 1,
      config: config({ simulate: { rateLimit: { limit: 1, window: '10s' } } }),
    })
    sim.addFault({ method: 'GET', path: '/x', status: 502, times: 2, after: 0 })
    const first = sim.decide(get('/x', { ip: 'a', overrides: { status: 504 } }), 0)
    assert.equal(first.failure?.status, 502)
    assert.equal(first.failure?.source, 'scripted')
    assert.equal(first.scriptedFaultId, 1)
    const second = sim.decide(get('/x', { ip: 'a', overrides: { status: 504 } }), 1000)
    assert.equal(second.failure?.status, 429)
    assert.equal(second.failure?.code, 'rate_limited')
    assert.deepEqual(second.failure?.headers, { 'Retry-After': '9' })
    assert.equal(sim.listFaults()[0]!.applied, 1, 'a rate-limited request never reaches scripted faults')
    const otherClient = sim.decide(get('/x', { ip: 'b', overrides: { status: 504 } }), 1000)
    assert.equal(otherClient.failure?.status, 502)
    const third = sim.decide(get('/x', { ip: 'c', overrides: { status: 504 } }), 1000)
    assert.equal(third.failure?.status, 504)
    assert.equal(third.failure?.source, 'request')
  })

  test('rate limit headers on every response under the policy, counted per scope', () => {
    const sim = new Simulator({
      seed: 1,
      config: config({
        simulate: { rateLimit: { limit: 2, window: '1m' } },
        resources: {
          orders: { rateLimit: { limit: 1, window: '1m', by: 'api-key' } },
          health: { rateLimit: false },
        },
      }),
    })
    const a = sim.decide(get('/customers', { ip: 'a' }), 0)
    assert.deepEqual(a.headers, {
      'RateLimit-Limit': '2',
      'RateLimit-Remaining': '1',
      'RateLimit-Reset': '60',
      'RateLimit-Policy': '2;w=60',
    })
    assert.equal(a.failure, undefined)
    const key = (value: string) => (name: string) => (name === 'x-api-key' ? value : undefined)
    assert.equal(sim.decide(get('/orders', { ip: 'a', header: key('k1') }), 0).failure, undefined)
    assert.equal(sim.decide(get('/orders', { ip: 'a', header: key('k1') }), 0).failure?.status, 429)
    assert.equal(sim.decide(get('/orders', { ip: 'a', header: key('k2') }), 0).failure, undefined)
    assert.equal(sim.decide(get('/customers', { ip: 'a' }), 0).headers?.['RateLimit-Remaining'], '0')
    assert.equal(sim.decide(get('/customers', { ip: 'a' }), 0).failure?.status, 429)
    assert.deepEqual(sim.decide(get('/health', { ip: 'a' }), 0), { latencyMs: 0 })
    assert.equal(sim.decide(get('/customers', { ip: 'a' }), 60_000).failure, undefined, 'a new window starts')
  })

  test('rate limit by header falls back to the client address', () => {
    const sim = new Simulator({
      seed: 1,
      config: config({ simulate: { rateLimit: { limit: 1, by: 'header:x-tenant' } } }),
    })
    const tenant = (value: string | undefined) => (name: string) => (name === 'x-tenant' ? value : undefined)
    assert.equal(sim.decide(get('/x', { ip: '1', header: tenant('t1') }), 0).failure, undefined)
    assert.equal(sim.decide(get('/x', { ip: '2', header: tenant('t1') }), 0).failure?.status, 429)
    assert.equal(sim.decide(get('/x', { ip: '2', header: tenant(undefined) }), 0).failure, undefined)
    assert.equal(sim.decide(get('/x', { ip: '2', header: tenant(undefined) }), 0).failure?.status, 429)
  })

  test('scripted delay only sets the latency', () => {
    const sim = new Simulator({ seed: 1 })
    sim.addFault({ method: 'POST', path: '/orders', delayMs: 3000, times: 1, after: 0 })
    assert.deepEqual(sim.decide({ method: 'POST', path: '/orders' }, 0), {
      latencyMs: 3000,
      scriptedFaultId: 1,
    })
    assert.deepEqual(sim.decide({ method: 'POST', path: '/orders' }, 0), { latencyMs: 0 })
  })

  test('same seed and same requests give the same decisions; another seed differs', () => {
    const raw = {
      simulate: {
        latency: '10-500',
        errors: { rate: 0.3, status: { 500: 1, 502: 1, 503: 1 } },
        faults: { rate: 0.1, kind: ['reset', 'empty', 'malformed'] },
      },
    }
    const run = (seed: number) => {
      const sim = new Simulator({ seed, config: config(raw) })
      return Array.from({ length: 200 }, (_, i) => sim.decide(get(`/x/${i % 7}`), i))
    }
    assert.deepEqual(run(42), run(42))
    assert.notDeepEqual(
      run(42).map((d) => d.failure?.status),
      run(43).map((d) => d.failure?.status),
    )
  })

  test('an override on one request does not shift the random picks of later ones', () => {
    const raw = { simulate: { latency: '0-1000', errors: { rate: 0.5 } } }
    const plain = new Simulator({ seed: 9, config: config(raw) })
    const overridden = new Simulator({ seed: 9, config: config(raw) })
    plain.decide(get('/x'), 0)
    overridden.decide(get('/x', { overrides: { fault: 'reset' } }), 0)
    for (let i = 0; i < 20; i++) assert.deepEqual(plain.decide(get('/x'), 0), overridden.decide(get('/x'), 0))
  })

  test('runtime changes notify listeners; reset restores the start', () => {
    const sim = new Simulator({ seed: 5, config: config({ simulate: { latency: 10 } }) })
    const first = Array.from({ length: 5 }, () => sim.decide(get('/x'), 0))
    let changes = 0
    const unsubscribe = sim.onChange(() => changes++)
    sim.setGlobal({})
    assert.equal(sim.active, false)
    sim.setResource('orders', policy({ latency: 1 }))
    assert.equal(sim.active, true)
    sim.setResource('orders', {})
    assert.deepEqual(sim.config.resources, {})
    sim.setRoutes(validateRoutes({ 'GET /x': { latency: 3 } }, 'routes').routes!)
    assert.equal(sim.decide(get('/x'), 0).latencyMs, 3)
    sim.clearPolicies()
    assert.equal(sim.active, false)
    const fault = sim.addFault({ method: '*', path: '/x', status: 500, times: 1, after: 0 })
    assert.equal(sim.active, true)
    assert.equal(sim.removeFault(fault.id), true)
    assert.equal(sim.removeFault(fault.id), false)
    sim.addFault({ method: '*', path: '/x', status: 500, times: 1, after: 0 })
    sim.reset()
    assert.deepEqual(sim.listFaults(), [])
    assert.deepEqual(
      Array.from({ length: 5 }, () => sim.decide(get('/x'), 0)),
      first,
    )
    assert.equal(changes, 9)
    unsubscribe()
    sim.clearFaults()
    assert.equal(changes, 9)
  })
})
