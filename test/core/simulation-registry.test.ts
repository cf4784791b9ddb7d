import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { checkJournalFilter, type JournalEntry, RequestJournal } from '../../src/core/request-journal.ts'
import type { RateLimitPolicy } from '../../src/core/simulation/policy.ts'
import { RateLimiter } from '../../src/core/simulation/rate-limiter.ts'
import { compilePathPattern, RouteTable } from '../../src/core/simulation/routes.ts'
import { ScriptedFaults, validateScriptedFault } from '../../src/core/simulation/scripted-faults.ts'

describe('path patterns and route tables', () => {
  test('literals, :params and a trailing *', () => {
    const item = compilePathPattern('/orders/:id')
    assert.equal(item.matches('/orders/7'), true)
    assert.equal(item.matches('/orders/7/'), true)
    assert.equal(item.matches('/orders'), false)
    assert.equal(item.matches('/orders/7/lines'), false)
    const rest = compilePathPattern('/orders/*')
    assert.equal(rest.matches('/orders'), true)
    assert.equal(rest.matches('/orders/7/lines'), true)
    assert.equal(rest.matches('/customers'), false)
    assert.equal(compilePathPattern('/caf%C3%A9').matches('/café'), true)
  })

  test('the most specific route wins', () => {
    const route = (key: string, method: string, pattern: string) => ({ key, method, pattern, policy: {} })
    const table = new RouteTable([
      route('* /orders/*', '*', '/orders/*'),
      route('GET /orders/:id', 'GET', '/orders/:id'),
      route('GET /orders/special', 'GET', '/orders/special'),
    ])
    assert.equal(table.find('GET', '/orders/special')?.key, 'GET /orders/special')
    assert.equal(table.find('GET', '/orders/3')?.key, 'GET /orders/:id')
    assert.equal(table.find('DELETE', '/orders/3')?.key, '* /orders/*')
    assert.equal(table.find('GET', '/customers'), undefined)
  })
})

describe('scripted faults', () => {
  test('validation normalizes and defaults', () => {
    assert.deepEqual(validateScriptedFault({ method: 'post', path: '/orders', status: 503, after: 1 }), {
      spec: { status: 503, method: 'POST', path: '/orders', times: 1, after: 1 },
      issues: [],
    })
    assert.deepEqual(
      validateScriptedFault({ path: '/orders/:id', fault: 'reset', delay: '1s', times: 3 }).spec,
      {
        fault: 'reset',
        delayMs: 1000,
        method: '*',
        path: '/orders/:id',
        times: 3,
        after: 0,
      },
    )
  })

  test('validation lists every problem by body key', () => {
    const { spec, issues } = validateScriptedFault({
      method: 'GRAB',
      path: 'orders',
      status: 200,
      fault: 'boom',
      times: 0,
      after: -1,
      tims: 2,
    })
    assert.equal(spec, undefined)
    assert.deepEqual(
      issues.map((issue) => `${issue.path}: ${issue.message}`),
      [
        'tims: unknown fault key "tims" (did you mean "times"?)',
        'method: unknown method "GRAB"; use one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS, *',
        'path: must start with "/", got "orders"',
        'status: must be an HTTP error status between 400 and 599, got number 200',
        'fault: must be one of reset, timeout, empty, malformed, dribble, got the string "boom"',
        'times: must be at least 1',
        'after: must be a whole number >= 0, got number -1',
      ],
    )
    assert.deepEqual(
      validateScriptedFault({ method: 'GET' }).issues.map((issue) => `${issue.path}: ${issue.message}`),
      [
        'path: is required, such as "/orders" or "/orders/:id"',
        ': needs at least one of status, fault or delay',
      ],
    )
    assert.deepEqual(
      validateScriptedFault('x').issues.map((issue) => issue.message),
      ['must be an object, got the string "x"'],
    )
  })

  test('"the 2nd POST /orders fails once": after, times, method, path', () => {
    const faults = new ScriptedFaults()
    const fault = faults.add({ method: 'POST', path: '/orders', status: 503, times: 1, after: 1 })
    assert.equal(fault.id, 1)
    assert.equal(faults.take('GET', '/orders'), undefined)
    assert.equal(faults.take('POST', '/orders/1'), undefined)
    assert.equal(faults.take('POST', '/orders'), undefined)
    assert.equal(faults.take('POST', '/orders')?.status, 503)
    assert.equal(faults.take('POST', '/orders'), undefined)
    assert.deepEqual(faults.list(), [
      { method: 'POST', path: '/orders', status: 503, times: 1, after: 1, id: 1, matched: 3, applied: 1 },
    ])
  })

  test('the oldest due fault applies; another due one waits for the next request', () => {
    const faults = new ScriptedFaults()
    faults.add({ method: '*', path: '/x', status: 500, times: 1, after: 0 })
    faults.add({ method: '*', path: '/x', fault: 'reset', times: 2, after: 0 })
    assert.equal(faults.take('GET', '/x')?.id, 1)
    assert.equal(faults.take('GET', '/x')?.id, 2)
    assert.equal(faults.take('GET', '/x')?.id, 2)
    assert.equal(faults.take('GET', '/x'), undefined)
    assert.equal(faults.remove(1), true)
    assert.equal(faults.size, 1)
    faults.clear()
    assert.equal(faults.size, 0)
    assert.equal(
      faults.add({ method: '*', path: '/x', status: 500, times: 1, after: 0 }).id,
      3,
      'ids are never reused',
    )
  })
})

describe('rate limiter', () => {
  test('fixed window per bucket with IETF headers', () => {
    const limiter = new RateLimiter()
    const policy = { limit: 2, windowMs: 10_000, by: { kind: 'ip' as const } }
    assert.deepEqual(limiter.hit('a', policy, 1000), {
      limited: false,
      resetSeconds: 10,
      headers: {
        'RateLimit-Limit': '2',
        'RateLimit-Remaining': '1',
        'RateLimit-Reset': '10',
        'RateLimit-Policy': '2;w=10',
      },
    })
    assert.equal(limiter.hit('a', policy, 2000).limited, false)
    const limited = limiter.hit('a', policy, 4500)
    assert.equal(limited.limited, true)
    assert.equal(limited.resetSeconds, 7)
    assert.equal(limited.headers['RateLimit-Remaining'], '0')
    assert.equal(limiter.hit('b', policy, 4500).limited, false)
    assert.equal(limiter.hit('a', policy, 11_000).limited, false)
    limiter.clear()
    assert.equal(limiter.hit('a', policy, 11_001).headers['RateLimit-Remaining'], '1')
  })

  test('many one-off clients do not grow memory without end', () => {
    const limiter = new RateLimiter()
    const policy = { limit: 1, windowMs: 1000, by: { kind: 'ip' as const } }
    for (let i = 0; i < 10_000; i++) limiter.hit(`old-${i}`, policy, 0)
    limiter.hit('new', policy, 5000)
    assert.equal(
      limiter.hit('old-1', policy, 5000).headers['RateLimit-Remaining'],
      '0',
      'a pruned bucket starts fresh',
    )
  })
})

describe('request journal', () => {
  const entry = (method: string, path: string, status: number): Omit<JournalEntry, 'id'> => ({
    time: 0,
    method,
    path,
    queryString: '',
    headers: {},
    status,
    durationMs: 1,
  })

  test('bounded ring buffer keeps the newest, oldest first', () => {
    const journal = new RequestJournal(3)
    for (let i = 1; i <= 5; i++) journal.record(entry('GET', `/x/${i}`, 200))
    assert.equal(journal.size, 3)
    assert.deepEqual(
      journal.list().map((e) => [e.id, e.path]),
      [
        [3, '/x/3'],
        [4, '/x/4'],
        [5, '/x/5'],
      ],
    )
    journal.clear()
    assert.deepEqual(journal.list(), [])
    assert.equal(journal.record(entry('GET', '/y', 200)).id, 6)
  })

  test('filters by method, path pattern and status or status class', () => {
    const journal = new RequestJournal()
    journal.record(entry('GET', '/api/orders', 200))
    journal.record(entry('POST', '/api/orders', 201))
    journal.record(entry('POST', '/api/orders', 503))
    journal.record(entry('GET', '/api/orders/1', 404))
    assert.equal(journal.list({ method: 'post' }).length, 2)
    assert.equal(journal.list({ path: '/api/orders' }).length, 3)
    assert.equal(journal.list({ path: '/api/orders/:id' }).length, 1)
    assert.equal(journal.list({ path: '/api/*' }).length, 4)
    assert.equal(journal.list({ status: '503' }).length, 1)
    assert.equal(journal.list({ status: '2xx' }).length, 2)
    assert.equal(journal.list({ method: 'POST', status: '5XX' }).length, 1)
    assert.equal(
      checkJournalFilter({ status: '5x' }),
      'status must be a status code (such as 503), a class (such as 5xx) or 0 (no response), got "5x"',
    )
    assert.equal(checkJournalFilter({ path: 'orders' }), 'path must start with "/", got "orders"')
    assert.equal(checkJournalFilter({ method: 'GET', path: '/x', status: '404' }), undefined)
    assert.equal(checkJournalFilter({ status: '0' }), undefined)
    assert.throws(() => new RequestJournal(0), RangeError)
  })
})

test('rate limiter: memory stays bounded with a new client per request in a long window', () => {
  const limiter = new RateLimiter({ maxKeys: 5_000 })
  const policy: RateLimitPolicy = { limit: 10, windowMs: 3_600_000, by: { kind: 'ip' } }
  for (let i = 0; i < 25_000; i++) limiter.hit(`client-${i}`, policy, i)
  assert.ok(limiter.size <= 5_000, `${limiter.size} windows tracked`)
  assert.equal(limiter.hit('client-24999', policy, 25_000).headers['RateLimit-Remaining'], '8')
})
