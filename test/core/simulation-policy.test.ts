import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { ConfigError } from '../../src/core/errors.ts'
import type { Manifest } from '../../src/core/manifest/model.ts'
import { parseDuration } from '../../src/core/simulation/policy.ts'
import {
  describeConfig,
  describePolicy,
  simulationConfigFrom,
} from '../../src/core/simulation/policy-levels.ts'
import { validateRoutes } from '../../src/core/simulation/routes.ts'
import { validateSimulation } from '../../src/core/simulation/validate-policy.ts'

function policyOf(raw: unknown) {
  const { policy, issues } = validateSimulation(raw, 'simulate')
  assert.deepEqual(issues, [])
  return policy!
}

function problemsOf(raw: unknown, path = 'simulate'): string[] {
  const { policy, issues } = validateSimulation(raw, path)
  assert.equal(policy, undefined)
  return issues.map((issue) => `${issue.path}: ${issue.message}`)
}

describe('durations', () => {
  test('numbers are ms, strings take a unit', () => {
    assert.equal(parseDuration(800), 800)
    assert.equal(parseDuration('800'), 800)
    assert.equal(parseDuration('800ms'), 800)
    assert.equal(parseDuration('2s'), 2000)
    assert.equal(parseDuration('1.5s'), 1500)
    assert.equal(parseDuration('1m'), 60_000)
    assert.equal(parseDuration('1h'), 3_600_000)
    assert.equal(parseDuration(-1), undefined)
    assert.equal(parseDuration('2 days'), undefined)
    assert.equal(parseDuration(true), undefined)
  })
})

describe('validateSimulation', () => {
  test('empty and missing policies are valid and empty', () => {
    assert.deepEqual(policyOf(undefined), {})
    assert.deepEqual(policyOf(null), {})
    assert.deepEqual(policyOf({}), {})
  })

  test('latency forms', () => {
    assert.deepEqual(policyOf({ latency: 120 }).latency, { kind: 'fixed', ms: 120 })
    assert.deepEqual(policyOf({ latency: '2s' }).latency, { kind: 'fixed', ms: 2000 })
    assert.deepEqual(policyOf({ latency: '50-300' }).latency, { kind: 'uniform', min: 50, max: 300 })
    assert.deepEqual(policyOf({ latency: '80-80' }).latency, { kind: 'fixed', ms: 80 })
    assert.deepEqual(policyOf({ latency: false }).latency, { kind: 'fixed', ms: 0 })
    assert.deepEqual(
      policyOf({ latency: { distribution: 'lognormal', median: 80, sigma: 0.4, max: 2000 } }).latency,
      {
        kind: 'lognormal',
        median: 80,
        sigma: 0.4,
        max: 2000,
      },
    )
    assert.deepEqual(policyOf({ latency: { distribution: 'lognormal', median: '1s' } }).latency, {
      kind: 'lognormal',
      median: 1000,
      sigma: 0.5,
    })
  })

  test('errors: weighted map, single status, list, shorthand rate, defaults', () => {
    assert.deepEqual(policyOf({ errors: { rate: 0.05, status: { 500: 2, 503: 1 } } }).errors, {
      rate: 0.05,
      status: [
        { value: 500, weight: 2 },
        { value: 503, weight: 1 },
      ],
      retryAfter: 1,
    })
    assert.deepEqual(policyOf({ errors: { rate: 1, status: 503, retryAfter: '30s' } }).errors, {
      rate: 1,
      status: [{ value: 503, weight: 1 }],
      retryAfter: 30,
    })
    assert.deepEqual(policyOf({ errors: { rate: 0.5, status: [502, 504] } }).errors?.status, [
      { value: 502, weight: 1 },
      { value: 504, weight: 1 },
    ])
    assert.deepEqual(policyOf({ errors: 0.1 }).errors, {
      rate: 0.1,
      status: [{ value: 500, weight: 1 }],
      retryAfter: 1,
    })
    assert.equal(policyOf({ errors: false }).errors?.rate, 0)
  })

  test('faults with dribble options', () => {
    assert.deepEqual(
      policyOf({ faults: { rate: 0.01, kind: ['reset', 'dribble'], chunks: 4, duration: '1s' } }).faults,
      {
        rate: 0.01,
        kind: [
          { value: 'reset', weight: 1 },
          { value: 'dribble', weight: 1 },
        ],
        chunks: 4,
        durationMs: 1000,
      },
    )
    assert.deepEqual(policyOf({ faults: { rate: 1, kind: 'timeout' } }).faults, {
      rate: 1,
      kind: [{ value: 'timeout', weight: 1 }],
      chunks: 5,
      durationMs: 2000,
    })
  })

  test('rate limits: window forms and keys', () => {
    assert.deepEqual(policyOf({ rateLimit: { limit: 100, window: '60s', by: 'ip' } }).rateLimit, {
      limit: 100,
      windowMs: 60_000,
      by: { kind: 'ip' },
    })
    assert.deepEqual(policyOf({ rateLimit: { limit: 5, window: '1m', by: 'api-key' } }).rateLimit, {
      limit: 5,
      windowMs: 60_000,
      by: { kind: 'api-key' },
    })
    assert.deepEqual(
      policyOf({ rateLimit: { limit: 5, window: 1000, by: 'header:X-Client-Id' } }).rateLimit,
      {
        limit: 5,
        windowMs: 1000,
        by: { kind: 'header', name: 'x-client-id' },
      },
    )
    assert.deepEqual(policyOf({ rateLimit: { limit: 5 } }).rateLimit, {
      limit: 5,
      windowMs: 60_000,
      by: { kind: 'ip' },
    })
    assert.equal(policyOf({ rateLimit: false }).rateLimit, false)
    assert.equal(policyOf({ timeout: '5s' }).timeoutMs, 5000)
  })

  test('every problem is listed with its location, unknown keys with a suggestion', () => {
    assert.deepEqual(
      problemsOf({
        latncy: 5,
        latency: '300-50',
        errors: { rate: 1.5, status: { 200: 1, 503: 0 } },
        faults: { rate: 0.1, kind: ['reset', 'rest'], chunks: 0 },
        rateLimit: { window: 'soon', by: 'ipp' },
        timeout: 0,
      }),
      [
        'simulate.latncy: unknown simulate key "latncy" (did you mean "latency"?)',
        'simulate.latency: the range "300-50" must have min <= max',
        'simulate.errors.rate: must be a probability between 0 and 1 (such as 0.05), got number 1.5',
        'simulate.errors.status.200: must be an HTTP error status between 400 and 599, got number 200',
        'simulate.errors.status.503: weight must be a number > 0, got number 0',
        'simulate.faults.kind.1: must be one of reset, timeout, empty, malformed, dribble, got the string "rest" (did you mean "reset"?)',
        'simulate.faults.chunks: must be a whole number >= 1, got number 0',
        'simulate.rateLimit.limit: is required: requests allowed per window',
        'simulate.rateLimit.window: must be a positive duration: a duration such as 800 (ms), "800ms", "2s" or "1m", got the string "soon"',
        'simulate.rateLimit.by: must be ip, api-key or header:<name>, got the string "ipp" (did you mean "ip"?)',
        'simulate.timeout: must be a positive duration: a duration such as 800 (ms), "800ms", "2s" or "1m", got number 0',
      ],
    )
  })

  test('nested problems in a lognormal latency and missing required keys', () => {
    assert.deepEqual(
      problemsOf({ latency: { distribution: 'normal', sigma: -1, medain: 3 } }, 'resources.orders.simulate'),
      [
        'resources.orders.simulate.latency.medain: unknown latency key "medain" (did you mean "median"?)',
        'resources.orders.simulate.latency.distribution: must be one of lognormal, got the string "normal"',
        'resources.orders.simulate.latency.median: is required: a duration such as 800 (ms), "800ms", "2s" or "1m"',
        'resources.orders.simulate.latency.sigma: must be >= 0, got -1',
      ],
    )
    assert.deepEqual(problemsOf({ faults: { rate: 0.1 }, errors: { status: 503 } }), [
      'simulate.errors.rate: is required: a probability between 0 and 1, such as 0.05',
      'simulate.faults.kind: is required: one or more of reset, timeout, empty, malformed, dribble',
    ])
    assert.deepEqual(problemsOf('fast'), ['simulate: must be an object, got the string "fast"'])
  })
})

describe('validateRoutes', () => {
  test('keys are METHOD /path relative to basePath', () => {
    const { routes, issues } = validateRoutes(
      {
        'POST /orders': { errors: { rate: 1, status: 503 } },
        'get /orders/:id': { latency: 10 },
        '* /orders/*': {},
      },
      'routes',
      ['orders'],
    )
    assert.deepEqual(issues, [])
    assert.deepEqual(
      routes?.map(({ key, method, pattern }) => [key, method, pattern]),
      [
        ['POST /orders', 'POST', '/orders'],
        ['get /orders/:id', 'GET', '/orders/:id'],
        ['* /orders/*', '*', '/orders/*'],
      ],
    )
  })

  test('bad keys and bad policies are reported together', () => {
    const { routes, issues } = validateRoutes(
      {
        'POST orders': {},
        'FETCH /orders': {},
        '/orders': {},
        'POST /api/orders': {},
        'GET /order': {},
        'GET /orders/*/x': {},
        'GET /orders': { latency: 'slow' },
      },
      'routes',
      ['orders'],
    )
    assert.equal(routes, undefined)
    assert.deepEqual(
      issues.map((issue) => `${issue.path}: ${issue.message}`),
      [
        'routes.POST orders: path must start with "/", got "orders"',
        'routes.FETCH /orders: unknown method "FETCH" (did you mean "PATCH"?); use one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS, *',
        'routes./orders: route keys are "METHOD /path" (such as "POST /orders"), got "/orders"',
        'routes.POST /api/orders: unknown resource "api" in the path (route paths are relative to basePath)',
        'routes.GET /order: unknown resource "order" in the path (did you mean "orders"?) (route paths are relative to basePath)',
        'routes.GET /orders/*/x: path "*" may only be the last segment',
        'routes.GET /orders.latency: must be a number of ms, "min-max" (such as "50-300"), a duration such as "2s", or { distribution: lognormal, median, sigma, max }, got the string "slow"',
      ],
    )
  })
})

describe('describePolicy', () => {
  test('GET shape can be PUT back unchanged', () => {
    const raw = {
      latency: '50-300',
      errors: { rate: 0.05, status: { 500: 2, 503: 1 }, retryAfter: 5 },
      faults: { rate: 0.01, kind: ['reset', 'dribble'], chunks: 3, duration: 900 },
      rateLimit: { limit: 10, window: 1000, by: 'header:x-client' },
      timeout: 3000,
    }
    assert.deepEqual(describePolicy(policyOf(raw)), raw)
    assert.deepEqual(describePolicy(policyOf({ latency: { distribution: 'lognormal', median: 80 } })), {
      latency: { distribution: 'lognormal', median: 80, sigma: 0.5 },
    })
    assert.deepEqual(describePolicy(policyOf({ latency: 5, rateLimit: false })), {
      latency: 5,
      rateLimit: false,
    })
  })
})

describe('simulationConfigFrom', () => {
  const manifest = (extra: Partial<Manifest>): Manifest => ({
    name: 'test',
    basePath: '',
    resources: {
      orders: {
        name: 'orders',
        singleton: false,
        id: 'integer',
        idField: 'id',
        timestamps: false,
        additionalFields: true,
      },
      customers: {
        name: 'customers',
        singleton: false,
        id: 'integer',
        idField: 'id',
        timestamps: false,
        additionalFields: true,
        simulate: { latency: 10 },
      },
    },
    relations: [],
    zeroConfig: false,
    ...extra,
  })

  test('collects global, resource and route levels; flags set the global level', () => {
    const config = simulationConfigFrom(
      manifest({
        simulate: { latency: 20, errors: { rate: 0.1, status: 503 } },
        routes: { 'POST /orders': { errors: { rate: 1, status: 500 } } },
      }),
      { latency: '50-300', errorRate: 0.5 },
    )
    assert.deepEqual(describeConfig(config), {
      simulate: { latency: '50-300', errors: { rate: 0.5, status: 503, retryAfter: 1 } },
      resources: { customers: { latency: 10 } },
      routes: { 'POST /orders': { errors: { rate: 1, status: 500, retryAfter: 1 } } },
    })
  })

  test('bad flags are reported at the flag', () => {
    assert.throws(
      () => simulationConfigFrom(manifest({}), { latency: 'fast', errorRate: 2 }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError)
        assert.deepEqual(
          error.issues.map((issue) => issue.path),
          ['--latency', '--error-rate'],
        )
        return true
      },
    )
  })
})
