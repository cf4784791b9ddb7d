import assert from 'node:assert/strict'
import { before, test } from 'node:test'
import type { Faker } from '@faker-js/faker'
import { loadFaker } from '../../src/core/generate/faker.ts'
import { generateData } from '../../src/core/generate/generate-data.ts'
import { refCycleIssues } from '../../src/core/generate/generation-plan.ts'
import type { StateData } from '../../src/core/store.ts'
import { demoManifest, manifestOf, NOW } from '../support/generate-fixtures.ts'

let faker: Faker

before(async () => {
  faker = await loadFaker('en')
})

type Row = Record<string, unknown>
const rows = (state: StateData, name: string): Row[] => state[name] as Row[]
const idsOf = (state: StateData, name: string): Set<unknown> => new Set(rows(state, name).map((r) => r.id))

test('every ref of the demo manifest points at an existing record of its resource', async () => {
  const manifest = await demoManifest()
  const counts = { customers: 20, stylists: 4, services: 6, appointments: 50, invoices: 40, reviews: 30 }
  for (let seed = 1; seed <= 10; seed++) {
    const state = generateData(manifest, faker, { seed, now: NOW, counts })
    for (const resource of Object.values(manifest.resources)) {
      for (const [name, field] of Object.entries(resource.fields ?? {})) {
        if (field.ref === undefined) continue
        const targets = idsOf(state, field.ref)
        for (const record of rows(state, resource.name)) {
          const value = record[name]
          if (value === null || value === undefined) continue
          assert.ok(
            targets.has(value),
            `${resource.name}.${name} = ${JSON.stringify(value)} is not a ${field.ref} id`,
          )
        }
      }
    }
  }
})

test('resources are generated in ref order whatever their order in the manifest', () => {
  const manifest = manifestOf({
    comments: { count: 30, fields: { postId: { type: 'integer', ref: 'posts', required: true } } },
    posts: { count: 5, fields: { authorId: { type: 'string', ref: 'authors', required: true } } },
    authors: { count: 3, id: 'string', fields: { name: { type: 'string' } } },
  })
  const state = generateData(manifest, faker, { seed: 1, now: NOW })
  const posts = idsOf(state, 'posts')
  const authors = idsOf(state, 'authors')
  assert.ok(rows(state, 'comments').every((c) => posts.has(c.postId)))
  assert.ok(rows(state, 'posts').every((p) => authors.has(p.authorId)))
  assert.equal(posts.size, 5)
})

test('refs use existing records, and integer ids continue after the existing ones', () => {
  const manifest = manifestOf({
    users: { fields: { name: { type: 'string' } } },
    orders: { count: 20, fields: { userId: { type: 'integer', ref: 'users', required: true } } },
  })
  const existing = {
    users: [
      { id: 7, name: 'Ada' },
      { id: 9, name: 'Lin' },
    ],
    orders: [{ id: 41, userId: 7 }],
  }
  const state = generateData(manifest, faker, { seed: 1, now: NOW, existing })
  assert.deepEqual(state.users, existing.users)
  const orders = rows(state, 'orders')
  assert.equal(orders.length, 21)
  assert.deepEqual(orders[0], { id: 41, userId: 7 })
  assert.deepEqual(
    orders.slice(1).map((o) => o.id),
    Array.from({ length: 20 }, (_, i) => 42 + i),
  )
  assert.ok(orders.every((o) => o.userId === 7 || o.userId === 9))
})

test('generated string and uuid ids look like the ones a POST gets and avoid existing ids', () => {
  const manifest = manifestOf({
    tags: { count: 200, id: 'string', fields: { label: { type: 'string' } } },
    files: { count: 50, id: 'uuid', fields: { name: { type: 'string' } } },
  })
  const existing = { tags: [{ id: 'seed', label: 'kept' }] }
  const state = generateData(manifest, faker, { seed: 3, now: NOW, existing })
  const tags = rows(state, 'tags')
  assert.deepEqual(tags[0], existing.tags[0])
  assert.ok(tags.slice(1).every((tag) => /^[0-9a-z]{8}$/.test(String(tag.id))))
  assert.equal(idsOf(state, 'tags').size, 201)
  const uuidV4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
  assert.ok(rows(state, 'files').every((file) => uuidV4.test(String(file.id))))
})

test('a ref whose field is a string holds the id as a string', () => {
  const manifest = manifestOf({
    users: { count: 3, fields: {} },
    notes: { count: 5, fields: { userId: { type: 'string', ref: 'users', required: true } } },
  })
  const state = generateData(manifest, faker, { seed: 1, now: NOW })
  assert.ok(rows(state, 'notes').every((n) => ['1', '2', '3'].includes(n.userId as string)))
})

test('a self ref points at earlier records; the first one has none and gets null', () => {
  const manifest = manifestOf({
    employees: { count: 15, fields: { managerId: { type: 'integer', ref: 'employees', nullable: true } } },
  })
  const employees = rows(generateData(manifest, faker, { seed: 2, now: NOW }), 'employees')
  assert.equal(employees[0]!.managerId, null)
  for (const employee of employees) {
    if (employee.managerId !== null) assert.ok((employee.managerId as number) < (employee.id as number))
  }
})

test('a ref cycle is broken at its nullable side and that ref is filled once both exist', () => {
  const manifest = manifestOf({
    teams: { count: 4, fields: { captainId: { type: 'integer', ref: 'players', nullable: true } } },
    players: { count: 20, fields: { teamId: { type: 'integer', ref: 'teams', required: true } } },
  })
  assert.deepEqual(refCycleIssues(manifest), [])
  const state = generateData(manifest, faker, { seed: 3, now: NOW })
  const teams = rows(state, 'teams')
  const players = idsOf(state, 'players')
  assert.ok(rows(state, 'players').every((p) => idsOf(state, 'teams').has(p.teamId)))
  assert.ok(teams.some((t) => t.captainId !== null))
  assert.ok(teams.every((t) => t.captainId === null || players.has(t.captainId)))
  assert.deepEqual(Object.keys(teams[0]!), ['id', 'captainId'])
})

test('a cycle of required, non-nullable refs is reported at each ref', () => {
  const manifest = manifestOf({
    a: { count: 2, fields: { bId: { type: 'integer', ref: 'b', required: true } } },
    b: { count: 2, fields: { aId: { type: 'integer', ref: 'a', required: true } } },
  })
  const issues = refCycleIssues(manifest)
  assert.deepEqual(
    issues.map((issue) => issue.path),
    ['resources.a.fields.bId.ref', 'resources.b.fields.aId.ref'],
  )
  assert.match(issues[0]!.message, /ref cycle \(a -> b -> a\)/)
  assert.throws(() => generateData(manifest, faker, { seed: 1, now: NOW }), /Cannot generate data/)
})

test('a required ref with nothing to point at is a clear error; an optional one is left out', () => {
  const required = manifestOf({
    users: {},
    orders: { count: 2, fields: { userId: { type: 'integer', ref: 'users', required: true } } },
  })
  assert.throws(
    () => generateData(required, faker, { seed: 1, now: NOW }),
    (error: Error & { issues?: Array<{ path: string; message: string }> }) => {
      assert.equal(error.issues?.[0]?.path, 'resources.orders.fields.userId.ref')
      assert.match(error.issues?.[0]?.message ?? '', /no users records to point at/)
      return true
    },
  )
  const optional = manifestOf({
    users: {},
    orders: { count: 2, fields: { userId: { type: 'integer', ref: 'users' } } },
  })
  assert.deepEqual(rows(generateData(optional, faker, { seed: 1, now: NOW }), 'orders'), [
    { id: 1 },
    { id: 2 },
  ])
})

test('a unique ref gives each target at most one record (one-to-one) up to the number of targets', () => {
  const manifest = manifestOf({
    users: { count: 50, fields: {} },
    profiles: {
      count: 50,
      fields: { userId: { type: 'integer', ref: 'users', required: true, unique: true } },
    },
  })
  const profiles = rows(generateData(manifest, faker, { seed: 1, now: NOW }), 'profiles')
  assert.equal(new Set(profiles.map((p) => p.userId)).size, 50)
  const tooMany = manifestOf({
    users: { count: 5, fields: {} },
    profiles: {
      count: 6,
      fields: { userId: { type: 'integer', ref: 'users', required: true, unique: true } },
    },
  })
  assert.throws(() => generateData(tooMany, faker, { seed: 1, now: NOW }), /Cannot generate data/)
})
