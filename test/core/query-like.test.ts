import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { compileLike } from '../../src/core/query/like.ts'
import { compileMatcher } from '../../src/core/query/like-matcher.ts'
import { parseLike } from '../../src/core/query/like-syntax.ts'
import { createRandom, randomInt } from '../../src/core/random.ts'

/** Always the linear-time matcher (compileLike hands the simplest patterns to the native engine). */
function linear(pattern: string): (input: string) => boolean {
  const parsed = parseLike(pattern)
  assert.ok(parsed.ok, `${pattern}: ${parsed.ok ? '' : parsed.reason}`)
  const matcher = compileMatcher(parsed.node)
  assert.ok(matcher.ok)
  return matcher.test
}

const inputs = [
  '',
  'a',
  'A',
  'ab',
  'abc',
  'ABC abc',
  'aaaa',
  'xaaay',
  'hello world',
  'Hello, World!',
  'foo-bar_baz 42',
  'colour color COLOR',
  'line1\nline2',
  'tab\there',
  'ÉCOLE école',
  'straße STRASSE',
  'σίσυφος ΣΊΣΥΦΟΣ',
  '2024-01-31',
  'a.b*c+d?',
  '[x]{y}(z)',
  '\u{1F600} smile',
]

const patterns = [
  'a',
  'abc',
  '^a',
  'c$',
  '^$',
  'a|b',
  'ab|cd|^x',
  'a*',
  'a+',
  'a?b',
  'a{2}',
  'a{2,}',
  'a{1,3}y',
  'a{,3}',
  '(ab)+',
  '(?:a|b)+c',
  '(?<word>o)r',
  '.',
  'l.*o',
  '^.*$',
  '\\d+',
  '\\D+',
  '\\w+\\s\\w+',
  '\\W',
  '\\S+$',
  '[abc]+',
  '[^abc]+',
  '[a-z]+',
  '[A-Z]{3}',
  '[\\d-]+',
  '[\\w.]+@',
  '[.*+?]',
  '\\bworld\\b',
  '\\Bor',
  'colou?r',
  'é+cole',
  'ÉCOLE',
  'Σ+',
  'ς',
  'ß',
  '\\x41',
  '\\u00e9',
  '\\t',
  '\\n',
  '\\.',
  '\\[x\\]',
  '\\{y\\}',
  'a{',
  'x}',
  ']',
  '\\cJ',
  '\\0',
  '(a|ab)(c|bcd)',
  '(a*)*b',
  '(a|a)*y',
  '^(\\w+\\s?)*$',
  '\\d{4}-\\d{2}-\\d{2}',
  '(?:hello|world)\\W+(?:hello|world)',
  '[^\\n]+2',
  '[\\s\\S]+',
  '[]',
  '[^]',
]

describe('the linear-time matcher agrees with RegExp(pattern, "i")', () => {
  for (const pattern of patterns) {
    test(pattern, () => {
      const native = new RegExp(pattern, 'i')
      const matcher = linear(pattern)
      for (const input of inputs) {
        assert.equal(matcher(input), native.test(input), `${pattern} on ${JSON.stringify(input)}`)
      }
    })
  }

  test('on random patterns and inputs', () => {
    const random = createRandom(7)
    const tokens = [
      'a',
      'b',
      'A',
      '.',
      '\\d',
      '[ab]',
      '[^a]',
      '^',
      '$',
      '\\b',
      '(',
      ')',
      '|',
      '*',
      '+',
      '?',
      '{1,2}',
    ]
    const pick = (list: readonly string[]) => list[randomInt(random, 0, list.length - 1)]!
    let compared = 0
    for (let round = 0; round < 2000; round++) {
      const pattern = Array.from({ length: randomInt(random, 1, 8) }, () => pick(tokens)).join('')
      try {
        new RegExp(pattern, 'i')
      } catch {
        continue
      }
      const native = new RegExp(pattern, 'i')
      const matcher = linear(pattern)
      for (let i = 0; i < 5; i++) {
        const input = Array.from({ length: randomInt(random, 0, 6) }, () =>
          pick(['a', 'b', 'A', '1', ' ']),
        ).join('')
        assert.equal(matcher(input), native.test(input), `${pattern} on ${JSON.stringify(input)}`)
        compared++
      }
    }
    assert.ok(compared > 1000)
  })
})

describe('compileLike', () => {
  test('accepts ordinary patterns', () => {
    for (const pattern of ['foo', '^foo$', 'a|b', '(x+)+', 'a{100}'])
      assert.equal(compileLike(pattern).ok, true, pattern)
  })

  const refused: Array<[string, RegExp]> = [
    ['(', /invalid regular expression \(Unterminated group\)/],
    ['a{2,1}', /invalid regular expression/],
    ['*', /invalid regular expression \(Nothing to repeat\)/],
    ['(a)\\1', /backreferences are not supported/],
    ['(?<n>a)\\k<n>', /backreferences are not supported/],
    ['a(?=b)', /lookahead is not supported/],
    ['a(?!b)', /lookahead is not supported/],
    ['(?<=a)b', /lookbehind is not supported/],
    ['\\u{61}', /not supported/],
    ['a{101}', /repetition counts above 100/],
    ['(a{100}){100}', /too complex/],
    ['x'.repeat(257), /longer than 256/],
  ]
  for (const [pattern, reason] of refused) {
    test(`refuses ${pattern.slice(0, 20)}`, () => {
      const result = compileLike(pattern)
      assert.equal(result.ok, false)
      assert.match(result.ok ? '' : result.reason, reason)
    })
  }

  test('a pathological pattern on a long input finishes quickly', () => {
    const like = compileLike('^(a|aa|a?)*(b|a+)*c$')
    assert.ok(like.ok)
    const started = performance.now()
    assert.equal(like.test('a'.repeat(50_000)), false)
    assert.ok(performance.now() - started < 2000)
  })
})
