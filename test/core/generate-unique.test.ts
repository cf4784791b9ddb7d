import assert from 'node:assert/strict'
import { before, test } from 'node:test'
import type { Faker } from '@faker-js/faker'
import { loadFaker } from '../../src/core/generate/faker.ts'
import { generateData } from '../../src/core/generate/generate-data.ts'
import type { FieldInput } from '../support/generate-fixtures.ts'
import { manifestOf, NOW } from '../support/generate-fixtures.ts'

let faker: Faker

before(async () => {
  faker = await loadFaker('en')
})

type Issueful = Error & { issues?: Array<{ path: string; message: string }> }

function values(fieldDef: FieldInput, count: number, existing?: unknown[]): unknown[] {
  const manifest = manifestOf({ items: { count, fields: { v: { ...fieldDef, unique: true } } } })
  const options =
    existing === undefined ? {} : { existing: { items: existing.map((v, i) => ({ id: i + 1, v })) } }
  const records = generateData(manifest, faker, { seed: 1, now: NOW, ...options }).items as Array<{
    v: unknown
  }>
  return records.slice(existing?.length ?? 0).map((r) => r.v)
}

function assertTooFew(fieldDef: FieldInput, count: number, possible: number): void {
  assert.throws(
    () => values(fieldDef, count),
    (error: Issueful) => {
      assert.equal(error.issues?.[0]?.path, 'resources.items.fields.v')
      assert.match(
        error.issues?.[0]?.message ?? '',
        new RegExp(`${count} records need distinct values but only ${possible} are possible`),
      )
      return true
    },
  )
}

const spaces: Array<[string, FieldInput, number]> = [
  ['an integer range', { type: 'integer', minimum: 1, maximum: 10 }, 10],
  ['an exclusive integer range', { type: 'integer', exclusiveMinimum: 0, exclusiveMaximum: 8 }, 7],
  ['an enum', { type: 'string', enum: ['a', 'b', 'c'] }, 3],
  ['a boolean', { type: 'boolean' }, 2],
  ['a decimal range', { type: 'number', minimum: 0, maximum: 0.1 }, 11],
]

for (const [label, fieldDef, size] of spaces) {
  test(`unique ${label}: exactly as many records as values works, one more is a clear error`, () => {
    const generated = values(fieldDef, size)
    assert.equal(new Set(generated).size, size)
    assertTooFew(fieldDef, size + 1, size)
  })
}

test('unique values also avoid the values of existing records', () => {
  const generated = values({ type: 'integer', minimum: 1, maximum: 10 }, 7, [2, 5, 9])
  assert.deepEqual(
    [...generated].sort((a, b) => (a as number) - (b as number)),
    [1, 3, 4, 6, 7, 8, 10],
  )
  assert.throws(
    () => values({ type: 'integer', minimum: 1, maximum: 10 }, 8, [2, 5, 9]),
    /Cannot generate data/,
  )
})

test('unique pattern values fill a small space completely', () => {
  const generated = values({ type: 'string', pattern: '^[A-Z]$' }, 26)
  assert.equal(new Set(generated).size, 26)
})

test('a unique pattern that runs out of values is a clear error, not a hang', () => {
  assert.throws(
    () => values({ type: 'string', pattern: '^[A-Z]$' }, 27),
    (error: Issueful) => {
      assert.equal(error.issues?.[0]?.path, 'resources.items.fields.v')
      assert.match(
        error.issues?.[0]?.message ?? '',
        /unique: no unused value found after \d+ attempts \(26 values taken\)/,
      )
      return true
    },
  )
})

test('unique emails never repeat, case-insensitively, at large counts', () => {
  const generated = values({ type: 'string', format: 'email' }, 20_000) as string[]
  assert.equal(new Set(generated.map((email) => email.toLowerCase())).size, 20_000)
})

test('unique names get a number when the name space runs dry', () => {
  const generated = values({ type: 'string', faker: 'person.firstName', maxLength: 20 }, 5_000) as string[]
  assert.equal(new Set(generated).size, 5_000)
  assert.ok(generated.every((name) => name.length <= 20))
})

test('unique uuids and integer ids with wide ranges', () => {
  assert.equal(new Set(values({ type: 'string', format: 'uuid' }, 1000)).size, 1000)
  assert.equal(new Set(values({ type: 'integer', minimum: 0 }, 5000)).size, 5000)
})
