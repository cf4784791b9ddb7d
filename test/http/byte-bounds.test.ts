import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { cachedSelection } from '../../src/core/query/shape.ts'
import { RateLimiter } from '../../src/core/simulation/rate-limiter.ts'
import { DEFAULT_IDEMPOTENCY_BYTES, IdempotencyCache } from '../../src/http/idempotency.ts'
import { createMock } from '../../src/index.ts'
import { json } from '../support/helpers.ts'

const created = (body: string, status = 201): Response =>
  new Response(body, { status, headers: { 'content-type': 'application/json', location: '/x/1' } })

describe('idempotency cache: bounded in bytes', () => {
  test('total bytes never exceed the limit; the least recently used keys go first', async () => {
    const cache = new IdempotencyCache({ maxBytes: 10_000, maxEntries: 1000 })
    const body = 'x'.repeat(1000)
    for (let i = 0; i < 50; i++) {
      assert.equal(cache.begin(`k${i}`, 'f', {}), undefined)
      await cache.complete(`k${i}`, 'f', created(body))
      assert.ok(cache.bytes <= 10_000, `after ${i + 1}: ${cache.bytes} bytes`)
      // k0 is replayed every time, so it stays the most recently used
      if (i > 0) assert.equal(cache.begin('k0', 'f', {})?.headers.get('idempotent-replayed'), 'true')
    }
    assert.ok(cache.size < 10 && cache.size > 3, `${cache.size} entries`)
    assert.equal(cache.begin('k1', 'f', {}), undefined, 'an evicted key is new again')
    assert.equal(await cache.begin('k0', 'f', {})?.text(), body)
  })

  test('a response larger than the whole budget is not stored', async () => {
    const cache = new IdempotencyCache({ maxBytes: 2_000 })
    cache.begin('big', 'f', {})
    await cache.complete('big', 'f', created('y'.repeat(5_000)))
    assert.equal(cache.size, 0)
    assert.equal(cache.bytes, 0)
    assert.equal(cache.begin('big', 'f', {}), undefined)
  })

  test('the request body is kept as a hash: a 1 MB body costs no more than a small one', async () => {
    const cache = new IdempotencyCache()
    const large = JSON.stringify({ text: 'z'.repeat(1_000_000) })
    cache.begin('a', large, {})
    await cache.complete('a', large, created('{}'))
    assert.ok(cache.bytes < 1_000, `${cache.bytes} bytes`)
    assert.equal(cache.begin('a', large, {})?.status, 201)
    assert.throws(() => cache.begin('a', `${large} `, {}), { code: 'validation_failed' })
  })

  test(`end to end: keys past the default ${DEFAULT_IDEMPOTENCY_BYTES / 1024 / 1024} MiB are forgotten`, async () => {
    const app = createMock({ data: { notes: [] } })
    const text = 'n'.repeat(512 * 1024)
    const post = (key: string) =>
      app.request('/notes', json('POST', JSON.stringify({ text }), { 'idempotency-key': key }))
    const count = Math.ceil(DEFAULT_IDEMPOTENCY_BYTES / (512 * 1024)) + 4
    for (let i = 0; i < count; i++) assert.equal((await post(`key-${i}`)).status, 201)
    const first = await post('key-0')
    assert.equal(first.headers.get('idempotent-replayed'), null, 'the oldest key was evicted')
    const last = await post(`key-${count - 1}`)
    assert.equal(last.headers.get('idempotent-replayed'), 'true')
  })
})

describe('rate limiter: bounded in keys and bytes', () => {
  const policy = { limit: 2, windowMs: 60_000, by: { kind: 'header' as const, name: 'x-client' } }

  test('long keys are stored shortened; distinct long keys stay distinct buckets', () => {
    const limiter = new RateLimiter()
    const long = (c: string) => `scope\nheader:${'k'.repeat(8 * 1024)}${c}`
    limiter.hit(long('a'), policy, 0)
    limiter.hit(long('a'), policy, 0)
    assert.equal(limiter.hit(long('a'), policy, 0).limited, true)
    assert.equal(limiter.hit(long('b'), policy, 0).limited, false)
    assert.equal(limiter.size, 2)
    assert.ok(limiter.bytes < 1_000, `${limiter.bytes} bytes for two 8 KiB keys`)
  })

  test('9,000 unique 8 KiB keys stay within the key and byte limits', () => {
    const limiter = new RateLimiter({ maxKeys: 1_000, maxBytes: 100_000 })
    const padding = 'p'.repeat(8 * 1024)
    for (let i = 0; i < 9_000; i++) {
      limiter.hit(`scope\nheader:${i}${padding}`, policy, i)
      if (i % 1_000 === 0) assert.ok(limiter.bytes <= 100_000 && limiter.size <= 1_000)
    }
    assert.ok(limiter.bytes <= 100_000, `${limiter.bytes} bytes`)
    assert.ok(limiter.size <= 1_000)
    // the newest clients are still counted; the oldest were forgotten and start afresh
    assert.equal(
      limiter.hit(`scope\nheader:8999${padding}`, policy, 9_000).headers['RateLimit-Remaining'],
      '0',
    )
    assert.equal(limiter.hit(`scope\nheader:0${padding}`, policy, 9_000).headers['RateLimit-Remaining'], '1')
  })

  test('the key limit evicts the windows that started first', () => {
    const limiter = new RateLimiter({ maxKeys: 3 })
    for (const client of ['a', 'b', 'c', 'd']) limiter.hit(client, policy, 0)
    assert.equal(limiter.size, 3)
    assert.equal(limiter.hit('a', policy, 0).headers['RateLimit-Remaining'], '1', 'a was forgotten')
    assert.equal(limiter.hit('d', policy, 0).headers['RateLimit-Remaining'], '0')
  })
})

describe('list selection cache: bounded in bytes', () => {
  test('selections past the byte budget are evicted oldest first; one larger than it is not kept', () => {
    const records = Array.from({ length: 1000 }, (_, id) => ({ id }))
    let computed = 0
    const select = (n: number) => () => {
      computed++
      return records.slice(0, n)
    }
    // each selection of 100 records costs about 900 bytes: three fit in 3,000
    for (const key of ['a', 'b', 'c', 'd']) cachedSelection(records, key, select(100), 3_000)
    assert.equal(computed, 4)
    cachedSelection(records, 'd', select(100), 3_000)
    cachedSelection(records, 'b', select(100), 3_000)
    assert.equal(computed, 4, 'b and d are still cached')
    cachedSelection(records, 'a', select(100), 3_000)
    assert.equal(computed, 5, 'a was evicted')
    cachedSelection(records, 'big', select(1000), 3_000)
    cachedSelection(records, 'big', select(1000), 3_000)
    assert.equal(computed, 7, 'a selection larger than the budget is computed each time')
  })
})
