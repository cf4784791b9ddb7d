import assert from 'node:assert/strict'
import { test } from 'node:test'
import { compilePattern, UnsupportedPatternError } from '../../src/core/generate/regex-generator.ts'
import { createRandom } from '../../src/core/random.ts'

const patterns = [
  '^[A-Z]{3}-\\d{4}$',
  '^INV-[0-9]{4}-[0-9]{4}$',
  '^\\+[1-9][0-9]{7,14}$',
  '^([01][0-9]|2[0-3]):[0-5][0-9]$',
  '^(foo|bar|baz)+$',
  '^(?:ab|cd)?x*$',
  '^(?<area>\\d{3})-\\d{4}$',
  '^[^0-9\\s]{2,5}$',
  '^\\w+@\\w+\\.(com|org)$',
  '^\\p{Lu}\\p{Ll}+$',
  '^[\\d\\-]{5}$',
  '^a.c\\.$',
  '^\\x41\\u0042\\u{43}$',
  '\\bword\\b',
  '^[a-f]{2,}?$',
  '^\\S+\\s\\S+$',
  '^\\D\\W$',
  'unanchored[0-9]',
]

test('generated strings match their pattern, as Ajv compiles it (u flag)', () => {
  for (const pattern of patterns) {
    const generate = compilePattern(pattern)
    const regex = new RegExp(pattern, 'u')
    const random = createRandom(1)
    for (let i = 0; i < 200; i++) {
      const value = generate(random)
      assert.ok(regex.test(value), `${JSON.stringify(value)} does not match ${pattern}`)
    }
  }
})

test('the same random stream gives the same strings', () => {
  const generate = compilePattern('^[A-Z]{2}\\d{6}$')
  const a = createRandom(9)
  const b = createRandom(9)
  for (let i = 0; i < 20; i++) assert.equal(generate(a), generate(b))
})

test('open repetitions stay short', () => {
  const generate = compilePattern('^a+b*$')
  const random = createRandom(3)
  for (let i = 0; i < 100; i++) assert.ok(generate(random).length <= 12)
})

test('lookarounds, back references and invalid patterns are reported as unsupported', () => {
  for (const pattern of ['^(?=a)a$', '(?<!x)y', '^(a)\\1$', '^(?<n>a)\\k<n>$', '[', '^\\p{Script=Greek}$']) {
    assert.throws(() => compilePattern(pattern), UnsupportedPatternError, pattern)
  }
})
