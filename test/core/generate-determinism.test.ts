import assert from 'node:assert/strict'
import { before, test } from 'node:test'
import type { Faker } from '@faker-js/faker'
import { loadFaker } from '../../src/core/generate/faker.ts'
import { generateData } from '../../src/core/generate/generate-data.ts'
import { demoManifest, NOW } from '../support/generate-fixtures.ts'

const counts = { customers: 30, stylists: 5, services: 8, appointments: 40, invoices: 25, reviews: 20 }
let faker: Faker

before(async () => {
  faker = await loadFaker('en')
})

test('the same seed gives byte-identical output', async () => {
  const manifest = await demoManifest()
  const first = JSON.stringify(generateData(manifest, faker, { seed: 7, now: NOW, counts }))
  // something else uses the shared faker instance in between: the output must not depend on it
  faker.seed(123)
  faker.person.fullName()
  const second = JSON.stringify(generateData(manifest, faker, { seed: 7, now: NOW, counts }))
  assert.equal(second, first)
})

test('different seeds give different data', async () => {
  const manifest = await demoManifest()
  const a = generateData(manifest, faker, { seed: 1, now: NOW, counts })
  const b = generateData(manifest, faker, { seed: 2, now: NOW, counts })
  assert.notDeepEqual(a.customers, b.customers)
  assert.notDeepEqual(a.invoices, b.invoices)
})

test('a resource does not change when other resources are added, dropped or resized', async () => {
  const manifest = await demoManifest()
  const all = generateData(manifest, faker, { seed: 5, now: NOW, counts })
  const fewerReviews = generateData(manifest, faker, { seed: 5, now: NOW, counts: { ...counts, reviews: 3 } })
  const onlyCustomers = generateData(manifest, faker, { seed: 5, now: NOW, counts, only: ['customers'] })
  assert.deepEqual(fewerReviews.customers, all.customers)
  assert.deepEqual(onlyCustomers.customers, all.customers)
  assert.equal(onlyCustomers.reviews, undefined)
})

test('dates are relative to the injected clock, never the real one', async () => {
  const manifest = await demoManifest()
  const later = new Date(NOW.getTime() + 10 * 365 * 86_400_000)
  const now = generateData(manifest, faker, {
    seed: 3,
    now: NOW,
    counts: { customers: 5 },
    only: ['customers'],
  })
  const again = generateData(manifest, faker, {
    seed: 3,
    now: NOW,
    counts: { customers: 5 },
    only: ['customers'],
  })
  const shifted = generateData(manifest, faker, {
    seed: 3,
    now: later,
    counts: { customers: 5 },
    only: ['customers'],
  })
  assert.deepEqual(again, now)
  const year = (state: typeof now) =>
    Number(String((state.customers as Array<{ createdAt: string }>)[0]!.createdAt).slice(0, 4))
  assert.equal(year(shifted) - year(now) >= 9, true)
})

test('progress is reported with the running count and the total', async () => {
  const manifest = await demoManifest()
  const calls: Array<[number, number]> = []
  generateData(manifest, faker, {
    seed: 1,
    now: NOW,
    counts: { customers: 2500 },
    only: ['customers'],
    onProgress: (done, total) => calls.push([done, total]),
  })
  assert.deepEqual(calls, [
    [1000, 2500],
    [2000, 2500],
    [2500, 2500],
  ])
})
