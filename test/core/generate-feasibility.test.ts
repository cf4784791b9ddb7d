import assert from 'node:assert/strict'
import { before, test } from 'node:test'
import type { Faker } from '@faker-js/faker'
import { loadFaker } from '../../src/core/generate/faker.ts'
import { generationIssues } from '../../src/core/generate/feasibility.ts'
import { generateData } from '../../src/core/generate/generate-data.ts'
import type { Issue, Manifest } from '../../src/core/manifest/model.ts'
import type { StateData } from '../../src/core/store.ts'
import { type FieldInput, manifestOf, NOW } from '../support/generate-fixtures.ts'

let faker: Faker

before(async () => {
  faker = await loadFaker('en')
})

type Resources = Parameters<typeof manifestOf>[0]

function foreseen(manifest: Manifest, existing: StateData = {}): Issue[] {
  const counts = new Map<string, number>()
  for (const resource of Object.values(manifest.resources)) {
    if (!resource.singleton && (resource.count ?? 0) > 0) counts.set(resource.name, resource.count!)
  }
  return generationIssues(manifest, { counts, existing, now: NOW })
}

/** What generating the records themselves fails on (without listing the foreseeable problems first). */
function generatorVerdict(manifest: Manifest, existing: StateData = {}): Issue[] {
  try {
    generateData(manifest, faker, { seed: 3, now: NOW, existing, foreseen: true })
    return []
  } catch (error) {
    return (error as { issues: Issue[] }).issues
  }
}

const unique = (count: number, field: FieldInput): Resources => ({
  items: { count, fields: { v: { ...field, unique: true } } },
})

// [label, resources, problems expected]: each is at the edge of its space
const cases: Array<[string, Resources, number]> = [
  ['enum of 3, count 3', unique(3, { enum: ['a', 'b', 'c'] }), 0],
  ['enum of 3, count 10', unique(10, { enum: ['a', 'b', 'c'] }), 1],
  ['nullable enum of 3, count 4', unique(4, { enum: ['a', 'b', 'c'], nullable: true }), 1],
  ['boolean, count 2', unique(2, { type: 'boolean' }), 0],
  ['boolean, count 3', unique(3, { type: 'boolean' }), 1],
  ['integer 1..5, count 5', unique(5, { type: 'integer', minimum: 1, maximum: 5 }), 0],
  ['integer 1..5, count 6', unique(6, { type: 'integer', minimum: 1, maximum: 5 }), 1],
  ['integer from 1, count 5000', unique(5000, { type: 'integer', minimum: 1 }), 0],
  ['rating-like number 0..1, count 101', unique(101, { type: 'number', minimum: 0, maximum: 1 }), 0],
  ['faker with unique: left to generation', unique(5, { faker: 'person.fullName' }), 0],
  [
    'no integer within exclusive bounds',
    { items: { count: 2, fields: { v: { type: 'integer', exclusiveMinimum: 1, exclusiveMaximum: 2 } } } },
    1,
  ],
  [
    'required ref to a collection with no records and no count',
    {
      customers: { fields: { name: {} } },
      invoices: { count: 2, fields: { customerId: { type: 'integer', ref: 'customers', required: true } } },
    },
    1,
  ],
  [
    'optional ref to nothing is left out',
    {
      customers: {},
      invoices: { count: 2, fields: { customerId: { type: 'integer', ref: 'customers' } } },
    },
    0,
  ],
  [
    'required ref to a collection with a count',
    {
      customers: { count: 1 },
      invoices: { count: 2, fields: { customerId: { type: 'integer', ref: 'customers', required: true } } },
    },
    0,
  ],
  [
    'required self ref with no records to start from',
    { employees: { count: 3, fields: { managerId: { type: 'integer', ref: 'employees', required: true } } } },
    1,
  ],
  [
    'unique (one-to-one) ref with fewer targets than records',
    {
      users: { count: 2 },
      profiles: {
        count: 3,
        fields: { userId: { type: 'integer', ref: 'users', unique: true, required: true } },
      },
    },
    1,
  ],
  [
    'unique nullable ref: the rest are null',
    {
      users: { count: 2 },
      profiles: {
        count: 3,
        fields: { userId: { type: 'integer', ref: 'users', unique: true, nullable: true } },
      },
    },
    0,
  ],
]

for (const [label, resources, expected] of cases) {
  test(`foreseen exactly when generating fails: ${label}`, () => {
    const manifest = manifestOf(resources)
    const issues = foreseen(manifest)
    assert.equal(issues.length, expected, JSON.stringify(issues))
    // the generator agrees, with the same location and message
    assert.deepEqual(generatorVerdict(manifest), issues)
  })
}

test('every problem of every resource is listed at once', () => {
  const manifest = manifestOf({
    customers: {
      count: 10,
      fields: {
        plan: { enum: ['free', 'pro', 'team'], unique: true },
        vip: { type: 'boolean', unique: true },
        seat: { type: 'integer', minimum: 1, maximum: 4, unique: true },
      },
    },
    tags: {},
    invoices: { count: 2, fields: { tagId: { type: 'integer', ref: 'tags', required: true } } },
  })
  const issues = foreseen(manifest)
  assert.deepEqual(
    issues.map((issue) => issue.path),
    [
      'resources.customers.fields.plan',
      'resources.customers.fields.vip',
      'resources.customers.fields.seat',
      'resources.invoices.fields.tagId.ref',
    ],
  )
  assert.match(
    issues[0]!.message,
    /10 records need distinct values but only 3 are possible \(the 3 values of its enum\); lower the count/,
  )
  assert.match(issues[1]!.message, /only 2 are possible \(true and false\)/)
  assert.match(issues[2]!.message, /only 4 are possible \(integers 1\.\.4\)/)
  assert.match(issues[3]!.message, /there are no tags records to point at; give tags a count or seed records/)
  // generateData lists them all too, before making any record
  assert.throws(
    () => generateData(manifest, faker, { seed: 3, now: NOW }),
    (error: { issues: Issue[] }) => {
      assert.deepEqual(error.issues, issues)
      return true
    },
  )
})

test('existing records count: values they hold are taken, targets they provide are available', () => {
  const manifest = manifestOf({
    seats: { count: 3, fields: { n: { type: 'integer', minimum: 1, maximum: 5, unique: true } } },
    customers: {},
    invoices: { count: 2, fields: { customerId: { type: 'integer', ref: 'customers', required: true } } },
  })
  const existing: StateData = {
    seats: [
      { id: 1, n: 2 },
      { id: 2, n: 4 },
      { id: 3, n: 5 },
    ],
    customers: [{ id: 1 }],
  }
  const issues = foreseen(manifest, existing)
  assert.equal(issues.length, 1)
  assert.match(issues[0]!.message, /^unique: 6 records need distinct values but only 5 are possible/)
  assert.deepEqual(generatorVerdict(manifest, existing), issues)
})

test('timestamps the store maintains and singletons are not generated from counts', () => {
  const manifest = manifestOf({
    posts: { count: 5, timestamps: true, fields: { createdAt: { type: 'boolean', unique: true } } },
    settings: { singleton: true, fields: { flag: { type: 'boolean', unique: false } } },
  })
  assert.deepEqual(foreseen(manifest), [])
})

test('a ref to an unknown resource or a singleton is left to the manifest check', () => {
  const manifest = manifestOf({
    settings: { singleton: true },
    invoices: {
      count: 2,
      fields: {
        customerId: { type: 'integer', ref: 'customer', required: true },
        settingsId: { type: 'integer', ref: 'settings', required: true },
      },
    },
  })
  assert.deepEqual(foreseen(manifest), [])
})
