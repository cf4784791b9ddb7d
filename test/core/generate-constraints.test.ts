import assert from 'node:assert/strict'
import { before, test } from 'node:test'
import type { Faker } from '@faker-js/faker'
import { loadFaker } from '../../src/core/generate/faker.ts'
import { generateData } from '../../src/core/generate/generate-data.ts'
import type { Manifest } from '../../src/core/manifest/model.ts'
import { compileResourceValidator } from '../../src/core/schema.ts'
import type { StateData } from '../../src/core/store.ts'
import { demoManifest, manifestOf, NOW } from '../support/generate-fixtures.ts'

let faker: Faker

before(async () => {
  faker = await loadFaker('en')
})

/** Every rule of the manifest format, several of them awkward on purpose. */
const rules = manifestOf({
  things: {
    count: 40,
    id: 'uuid',
    timestamps: true,
    fields: {
      code: { type: 'string', required: true, pattern: '^[A-Z]{2}-\\d{3}(-[a-z]+)?$' },
      choice: { type: 'string', pattern: '^(red|green|blue)$' },
      hex: { type: 'string', pattern: '^#[0-9a-fA-F]{6}$' },
      anyText: { type: 'string', pattern: '[^\\s]+\\s\\w+' },
      short: { type: 'string', minLength: 2, maxLength: 3 },
      long: { type: 'string', minLength: 80, maxLength: 100 },
      tinyText: { type: 'string', maxLength: 1 },
      email: { type: 'string' },
      contact: { type: 'string', format: 'email', maxLength: 40 },
      homepage: { type: 'string', format: 'uri' },
      token: { type: 'string', format: 'uuid' },
      day: { type: 'string', format: 'date' },
      at: { type: 'string', format: 'date-time', nullable: true },
      count: { type: 'integer', exclusiveMinimum: 0, exclusiveMaximum: 5 },
      big: { type: 'integer', minimum: 5000 },
      negative: { type: 'integer', maximum: -10 },
      ratio: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 0.005 },
      price: { type: 'number', minimum: 0, maximum: 0.5 },
      total: { type: 'number', exclusiveMinimum: 0, required: true },
      level: { type: 'integer', enum: [1, 2, 3] },
      flag: { type: 'boolean', required: true },
      withDefault: { type: 'integer', minimum: 0, maximum: 9, default: 3, readOnly: true },
      seats: { type: 'integer', faker: { method: 'number.int', args: [{ min: 1, max: 9 }] } },
      amount: { type: 'number', minimum: 0, maximum: 50, faker: 'finance.amount' },
      blurb: { type: 'string', maxLength: 40, faker: 'lorem.paragraph' },
      maybe: { type: 'string', nullable: true, enum: ['a', 'b', null] },
      address: {
        type: 'object',
        required: true,
        properties: {
          street: { type: 'string', required: true, maxLength: 50 },
          zip: { type: 'string', required: true, pattern: '^[0-9]{5}$' },
          geo: {
            type: 'object',
            nullable: true,
            properties: { lat: { type: 'number', required: true }, lng: { type: 'number', required: true } },
          },
        },
      },
      lines: {
        type: 'array',
        minItems: 2,
        maxItems: 3,
        items: {
          type: 'object',
          properties: {
            quantity: { type: 'integer', required: true, minimum: 1, maximum: 99 },
            unitPrice: { type: 'number', required: true, minimum: 0 },
          },
        },
      },
      tags: { type: 'array', items: { type: 'string', enum: ['x', 'y', 'z'] }, maxItems: 2 },
      loose: { type: 'array' },
      bag: { type: 'object' },
    },
  },
})

/** Every record of every generated collection passes the validation stored records get, with no undeclared key. */
function assertValid(manifest: Manifest, state: StateData, label: string): number {
  let checked = 0
  for (const resource of Object.values(manifest.resources)) {
    const validate = compileResourceValidator(resource, 'stored')
    const allowed = new Set([...Object.keys(resource.fields ?? {}), 'id', 'createdAt', 'updatedAt'])
    const value = state[resource.name]
    const records = resource.singleton ? (value === undefined ? [] : [value]) : ((value ?? []) as object[])
    for (const record of records as Array<Record<string, unknown>>) {
      assert.deepEqual(validate(record), [], `${label}: ${resource.name} ${JSON.stringify(record)}`)
      for (const key of Object.keys(record)) assert.ok(allowed.has(key), `${label}: unexpected key ${key}`)
      checked++
    }
  }
  return checked
}

test('generated values satisfy every field rule, over many seeds', () => {
  for (let seed = 1; seed <= 40; seed++) {
    const state = generateData(rules, faker, { seed, now: NOW })
    assert.equal(assertValid(rules, state, `seed ${seed}`), 40)
  }
})

test('the demo manifest generates valid records for every resource, over many seeds', async () => {
  const manifest = await demoManifest()
  const counts = { customers: 25, stylists: 6, services: 10, appointments: 30, invoices: 30, reviews: 20 }
  for (let seed = 1; seed <= 12; seed++) {
    const state = generateData(manifest, faker, { seed, now: NOW, counts })
    assert.equal(assertValid(manifest, state, `seed ${seed}`), 122)
  }
})

test('enum values are spread across the enum, and booleans take both values', () => {
  const state = generateData(rules, faker, { seed: 11, now: NOW, counts: { things: 6 } })
  const records = state.things as Array<Record<string, unknown>>
  // a shuffled deck: 6 records over 3 values show each value exactly twice
  const levels = records.map((r) => r.level).sort()
  assert.deepEqual(levels, [1, 1, 2, 2, 3, 3])
  const many = generateData(rules, faker, { seed: 11, now: NOW }).things as Array<Record<string, unknown>>
  assert.deepEqual(new Set(many.map((r) => r.flag)), new Set([true, false]))
})

test('nullable fields are sometimes null, non-nullable ones never', () => {
  const records = generateData(rules, faker, { seed: 4, now: NOW, counts: { things: 300 } }).things as Array<
    Record<string, unknown>
  >
  const nulls = records.filter((r) => r.at === null).length
  assert.ok(nulls > 5 && nulls < 80, `nulls: ${nulls}`)
  assert.ok(records.every((r) => r.day !== null && r.code !== null))
})

test('a faker method is used for its field, its result converted to the field type', () => {
  const records = generateData(rules, faker, { seed: 9, now: NOW }).things as Array<Record<string, unknown>>
  assert.ok(records.every((r) => typeof r.amount === 'number'))
  assert.ok(
    records.every((r) => Number.isInteger(r.seats) && (r.seats as number) >= 1 && (r.seats as number) <= 9),
  )
})

test('a pattern that cannot be generated is a clear error at the field', () => {
  const manifest = manifestOf({
    t: { count: 1, fields: { a: { type: 'string', pattern: '^(?=x)[a-z]{3}$' } } },
  })
  assert.throws(
    () => generateData(manifest, faker, { seed: 1, now: NOW }),
    (error: Error & { issues?: Array<{ path: string; message: string }> }) => {
      assert.equal(error.name, 'ConfigError')
      assert.equal(error.issues?.[0]?.path, 'resources.t.fields.a.pattern')
      assert.match(error.issues?.[0]?.message ?? '', /cannot generate values for pattern/)
      return true
    },
  )
})

test('a faker method whose values break the field rules is a clear error at its faker key', () => {
  const manifest = manifestOf({
    t: { count: 1, fields: { a: { type: 'string', format: 'email', faker: 'person.fullName' } } },
  })
  assert.throws(
    () => generateData(manifest, faker, { seed: 1, now: NOW }),
    (error: Error & { issues?: Array<{ path: string; message: string }> }) => {
      assert.equal(error.issues?.[0]?.path, 'resources.t.fields.a.faker')
      assert.match(error.issues?.[0]?.message ?? '', /person\.fullName produced .*must be a valid email/)
      return true
    },
  )
})

test('impossible bounds are a clear error at the field', () => {
  const manifest = manifestOf({
    t: { count: 1, fields: { n: { type: 'integer', exclusiveMinimum: 1, exclusiveMaximum: 2 } } },
  })
  assert.throws(() => generateData(manifest, faker, { seed: 1, now: NOW }), /Cannot generate data/)
})
