import assert from 'node:assert/strict'
import { test } from 'node:test'
import { RestmockError } from '../../src/core/errors.ts'
import { parseOverrides } from '../../src/core/simulation/overrides.ts'

const noQuery = () => undefined
const query = (params: Record<string, string>) => (name: string) => params[name]

test('nothing asked for is undefined', () => {
  assert.equal(parseOverrides(undefined, noQuery), undefined)
  assert.equal(parseOverrides('', noQuery), undefined)
  assert.equal(parseOverrides('return=minimal', noQuery), undefined)
  assert.equal(parseOverrides('respond-async, wait=10', query({ page: '2' })), undefined)
})

test('Prefer preferences, combinable, with Prism spelling and quoting', () => {
  assert.deepEqual(parseOverrides('status=503', noQuery), { status: 503 })
  assert.deepEqual(parseOverrides('code=404', noQuery), { status: 404 })
  assert.deepEqual(parseOverrides('delay=800', noQuery), { delayMs: 800 })
  assert.deepEqual(parseOverrides('delay="2s"', noQuery), { delayMs: 2000 })
  assert.deepEqual(parseOverrides('fault=reset', noQuery), { fault: 'reset' })
  assert.deepEqual(parseOverrides('return=minimal, Status=503; x=y, delay=100', noQuery), {
    status: 503,
    delayMs: 100,
  })
  assert.deepEqual(parseOverrides('fault=DRIBBLE,delay=5', noQuery), { fault: 'dribble', delayMs: 5 })
})

test('query fallbacks; the header wins when both set the same thing', () => {
  assert.deepEqual(parseOverrides(undefined, query({ _status: '500', _delay: '20', _fault: 'empty' })), {
    status: 500,
    delayMs: 20,
    fault: 'empty',
  })
  assert.deepEqual(parseOverrides('status=503', query({ _status: '500', _delay: '20' })), {
    status: 503,
    delayMs: 20,
  })
})

test('unusable values are 400 invalid_query naming the source', () => {
  const cases: Array<[string | undefined, Record<string, string>, string]> = [
    [
      'status=200',
      {},
      'Prefer status must be an HTTP error status between 400 and 599 (such as 503), got "200"',
    ],
    ['code=abc', {}, 'Prefer code must be an HTTP error status between 400 and 599 (such as 503), got "abc"'],
    [
      undefined,
      { _status: '5000' },
      'query parameter _status must be an HTTP error status between 400 and 599 (such as 503), got "5000"',
    ],
    [
      'delay=soon',
      {},
      'Prefer delay must be a delay in ms (such as 800) or a duration (such as "2s"), at most 300s, got "soon"',
    ],
    [
      undefined,
      { _delay: '400000' },
      'query parameter _delay must be a delay in ms (such as 800) or a duration (such as "2s"), at most 300s, got "400000"',
    ],
    [
      'fault=rest',
      {},
      'Prefer fault must be one of reset, timeout, empty, malformed, dribble, got "rest" (did you mean "reset"?)',
    ],
  ]
  for (const [prefer, params, detail] of cases) {
    assert.throws(
      () => parseOverrides(prefer, query(params)),
      (error: unknown) =>
        error instanceof RestmockError && error.code === 'invalid_query' && error.message === detail,
      detail,
    )
  }
})
