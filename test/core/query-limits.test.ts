import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { RestmockError } from '../../src/core/errors.ts'
import { executeListQuery } from '../../src/core/query/execute.ts'
import { MAX_QUERY_PARAMS, parseItemQuery, parseListQuery } from '../../src/core/query/parse-query.ts'
import type { Rec } from '../../src/core/store.ts'
import { deepFreeze, manifest, relationReader, resource } from '../support/query-fixtures.ts'

const things = resource('things')
const zeroConfig = manifest([things])

/** Stored values of every JSON type, nested arrays included. */
const RECORDS: Rec[] = deepFreeze(
  [
    1,
    2,
    -0,
    2.5,
    '1',
    '01',
    'a',
    '',
    true,
    false,
    null,
    [1, 'x'],
    [[2]],
    ['true'],
    { n: 1 },
    [],
    undefined,
  ].map((value, i) => (value === undefined ? { id: i + 1 } : { id: i + 1, v: value })),
)

function ids(query: ReadonlyArray<readonly [string, string]>): unknown[] {
  const parsed = parseListQuery(query, things, zeroConfig)
  return executeListQuery(RECORDS, parsed, relationReader({ things: RECORDS })).items.map((r) => r.id)
}

const OPERANDS = ['1', '2', '0', '-0', '2.5', '01', 'a', '', 'true', 'false', 'null', 'x', '1e0']

describe('query limits', () => {
  test(`more than ${MAX_QUERY_PARAMS} parameters are refused before anything is compiled`, () => {
    const params = (count: number) => Array.from({ length: count }, (_, i) => [`f${i}`, '1'] as const)
    assert.equal(
      parseListQuery(params(MAX_QUERY_PARAMS), things, zeroConfig).filters.length,
      MAX_QUERY_PARAMS,
    )
    for (const parse of [parseListQuery, parseItemQuery]) {
      assert.throws(
        () => parse(params(MAX_QUERY_PARAMS + 1), things, zeroConfig),
        (error: unknown) =>
          error instanceof RestmockError &&
          error.code === 'invalid_query' &&
          /1,001 parameters; at most 1,000/.test(error.message),
      )
    }
  })

  test('repeated values of one key select what the union of each value alone selects', () => {
    // every pair and triple of operands: one Set lookup per value must agree with value-by-value equality
    for (const op of ['', '_ne', ':in']) {
      for (const a of OPERANDS) {
        for (const b of OPERANDS) {
          for (const c of [undefined, 'true', '2']) {
            const values = c === undefined ? [a, b] : [a, b, c]
            const key = `v${op}`
            const together =
              op === ':in' ? ids([[key, values.join(',')]]) : ids(values.map((v) => [key, v] as const))
            const alone = values.map((v) => new Set(ids([[key, v]])))
            const expected = RECORDS.map((r) => r.id).filter((id) =>
              op === '_ne' ? alone.every((set) => set.has(id)) : alone.some((set) => set.has(id)),
            )
            assert.deepEqual(together, expected, `${key} = ${values.join(' | ')}`)
          }
        }
      }
    }
  })

  test('a repeated value or q term is compiled once', () => {
    const repeated = Array.from({ length: 1000 }, () => ['q', 'a'] as const)
    const query = parseListQuery(repeated, things, zeroConfig)
    assert.equal(query.search.length, 1)
    assert.deepEqual(ids(repeated), ids([['q', 'a']]))
    const values = Array.from({ length: 1000 }, (_, i) => ['v', String(i % 3)] as const)
    assert.deepEqual(ids(values), ids([['v:in', '0,1,2']]))
    assert.deepEqual(ids(values), [1, 2, 3, 5, 12, 13])
  })

  test('repeated text operators and _like patterns select the union of each value alone', () => {
    const words = deepFreeze(
      [
        'Alpha',
        'beta',
        'GAMMA ray',
        'delta-x',
        'a.b',
        'x'.repeat(3000),
        'Ünïcode',
        '',
        'alphabet',
        'ab|cd',
      ].map((v, i) => ({ id: i + 1, v })),
    )
    const run = (query: ReadonlyArray<readonly [string, string]>) =>
      executeListQuery(
        words,
        parseListQuery(query, things, zeroConfig),
        relationReader({ things: words }),
      ).items.map((r) => r.id)
    const values = [
      'alpha',
      'ET',
      '^g',
      'a$',
      '(?<n>x)',
      '(?<n>a)',
      'a.b',
      'a\\.b',
      '(al|be)',
      'x+',
      'x'.repeat(2500),
      'ü',
      '|',
      '[',
      'ab\\|cd',
      'zzz',
    ]
    for (const key of ['v_like', 'v:contains', 'v:startsWith', 'v:endsWith']) {
      const usable = values.filter((v) => {
        try {
          run([[key, v]])
          return true
        } catch {
          return false
        }
      })
      const together = run(usable.map((v) => [key, v] as const))
      const expected = new Set(usable.flatMap((v) => run([[key, v]])))
      assert.deepEqual(
        together,
        words.map((r) => r.id).filter((id) => expected.has(id)),
        key,
      )
    }
  })
})
