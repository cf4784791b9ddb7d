import assert from 'node:assert/strict'
import { before, test } from 'node:test'
import type { Faker } from '@faker-js/faker'
import { loadFaker } from '../../src/core/generate/faker.ts'
import { generateData } from '../../src/core/generate/generate-data.ts'
import { formatCheck } from '../../src/core/schema.ts'
import { manifestOf, NOW } from '../support/generate-fixtures.ts'

let faker: Faker

before(async () => {
  faker = await loadFaker()
})

const isEmail = formatCheck('email')
const isUri = formatCheck('uri')
const isUuid = formatCheck('uuid')
const isDate = formatCheck('date')
const isDateTime = formatCheck('date-time')
const YEAR = 365 * 86_400_000
const ago = (text: string): number => (NOW.getTime() - Date.parse(text)) / YEAR

type Row = Record<string, unknown>

function generate(
  resource: string,
  fields: Parameters<typeof manifestOf>[0][string]['fields'],
  timestamps = false,
): Row[] {
  const manifest = manifestOf({ [resource]: { count: 60, timestamps, fields: fields ?? {} } })
  return generateData(manifest, faker, { seed: 8, now: NOW })[resource] as Row[]
}

test('string fields get generators from their names', () => {
  const rows = generate('customers', {
    email: { type: 'string' },
    website: { type: 'string' },
    avatarUrl: { type: 'string' },
    first_name: { type: 'string' },
    lastName: { type: 'string' },
    name: { type: 'string' },
    phoneNumber: { type: 'string' },
    city: { type: 'string' },
    postalCode: { type: 'string' },
    country: { type: 'string' },
    companyName: { type: 'string' },
    guid: { type: 'string' },
    description: { type: 'string' },
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' },
    hiredOn: { type: 'string' },
    status: { type: 'string', maxLength: 12 },
  })
  for (const row of rows) {
    assert.ok(isEmail(row.email as string), `email ${row.email}`)
    assert.ok(isUri(row.website as string) && isUri(row.avatarUrl as string))
    assert.match(row.first_name as string, /^\p{L}[\p{L}' -]*$/u)
    assert.match(row.name as string, /\S+ \S+/)
    assert.match(row.phoneNumber as string, /\d{3}/)
    assert.match(row.postalCode as string, /\d{5}/)
    assert.ok(isUuid(row.guid as string))
    assert.ok((row.description as string).split(' ').length >= 3)
    assert.ok(isDateTime(row.createdAt as string) && isDateTime(row.updatedAt as string))
    assert.ok((row.createdAt as string) <= (row.updatedAt as string), 'createdAt <= updatedAt')
    assert.ok(ago(row.createdAt as string) >= 0 && ago(row.createdAt as string) <= 1)
    assert.ok(isDate(row.hiredOn as string) && ago(row.hiredOn as string) <= 5)
    assert.ok((row.status as string).length <= 12)
  }
  assert.ok(new Set(rows.map((r) => r.city)).size > 30, 'cities vary')
})

test('network addresses are not street addresses', () => {
  const rows = generate('devices', {
    ipAddress: { type: 'string' },
    mac_address: { type: 'string' },
    address: { type: 'string' },
  })
  for (const row of rows) {
    assert.match(row.ipAddress as string, /^\d{1,3}(\.\d{1,3}){3}$/)
    assert.match(row.mac_address as string, /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/)
    assert.match(row.address as string, /\p{L}/u)
  }
})

test('the resource decides what a plain "name" is', () => {
  const [product] = generate('products', { name: { type: 'string' }, description: { type: 'string' } })
  const [company] = generate('vendors', { name: { type: 'string' } })
  assert.match(product!.name as string, /^\S+ \S+ \S+$/)
  assert.notEqual(company!.name, product!.name)
})

test('numbers get ranges from their names, within the field bounds', () => {
  const rows = generate('orders', {
    price: { type: 'number' },
    total: { type: 'number', maximum: 20 },
    quantity: { type: 'integer' },
    age: { type: 'integer' },
    rating: { type: 'integer' },
    latitude: { type: 'number' },
    year: { type: 'integer' },
  })
  for (const row of rows) {
    const price = row.price as number
    assert.ok(price >= 1 && price <= 1000 && Number(price.toFixed(2)) === price, `price ${price}`)
    assert.ok((row.total as number) >= 1 && (row.total as number) <= 20)
    assert.ok(
      Number.isInteger(row.quantity) && (row.quantity as number) >= 1 && (row.quantity as number) <= 100,
    )
    assert.ok((row.age as number) >= 18 && (row.age as number) <= 90)
    assert.ok([1, 2, 3, 4, 5].includes(row.rating as number))
    assert.ok(Math.abs(row.latitude as number) <= 90)
    assert.ok((row.year as number) <= 2026 && (row.year as number) >= 1996)
  }
})

test('date names and formats pick realistic ranges relative to now', () => {
  const rows = generate('people', {
    birthday: { type: 'string', format: 'date' },
    dueDate: { type: 'string', format: 'date' },
    lastSeen: { type: 'string', format: 'date-time' },
  })
  for (const row of rows) {
    const age = ago(row.birthday as string)
    assert.ok(age >= 18 && age <= 80.1, `birthday ${row.birthday}`)
    assert.ok(ago(row.dueDate as string) < 0 && ago(row.dueDate as string) > -0.3, `dueDate ${row.dueDate}`)
    assert.ok(ago(row.lastSeen as string) >= 0 && ago(row.lastSeen as string) <= 1)
  }
})

test('timestamps resources get createdAt <= updatedAt in the past year', () => {
  const rows = generate('notes', { text: { type: 'string' } }, true)
  for (const row of rows) {
    assert.ok(isDateTime(row.createdAt as string))
    assert.ok((row.createdAt as string) <= (row.updatedAt as string))
    assert.ok(ago(row.updatedAt as string) >= 0 && ago(row.createdAt as string) <= 1)
  }
  assert.ok(rows.some((row) => row.createdAt !== row.updatedAt))
})

test('booleans lean the way their name suggests, defaults are mostly kept', () => {
  const rows = generate('accounts', {
    active: { type: 'boolean' },
    deleted: { type: 'boolean' },
    plan: { type: 'string', default: 'free' },
    seats: { type: 'integer', minimum: 1, maximum: 50, default: 1 },
  })
  const share = (key: string, value: unknown) => rows.filter((row) => row[key] === value).length / rows.length
  assert.ok(share('active', true) > 0.6)
  assert.ok(share('deleted', true) < 0.3)
  assert.equal(share('plan', 'free'), 1)
  assert.ok(share('seats', 1) > 0.5 && share('seats', 1) < 1)
})
