import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { type Committer, IN_MEMORY } from '../../src/core/durable-commit.ts'
import { Engine } from '../../src/core/engine.ts'
import { ConfigError, type FieldError, RestmockError } from '../../src/core/errors.ts'
import { validateManifest } from '../../src/core/manifest/validate-manifest.ts'
import { createRandom } from '../../src/core/random.ts'
import { prepareState } from '../../src/core/seed.ts'
import { idKey, type Mutation, type Rec, type StateData } from '../../src/core/store.ts'

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

/** A clock that moves one second forward on every call. */
function steppingClock(start = Date.UTC(2026, 0, 1)): () => Date {
  let tick = 0
  return () => new Date(start + 1000 * tick++)
}

interface EngineSetup {
  persistence?: Committer
  now?: () => Date
  randomSeed?: number
}

function engineFor(rawManifest: unknown, data: unknown, setup: EngineSetup = {}): Engine {
  const manifest = validateManifest(rawManifest)
  const seed = prepareState(manifest, data, { source: 'seed', random: createRandom(1), strict: true })
  return new Engine({
    manifest,
    seed,
    persistence: setup.persistence ?? IN_MEMORY,
    random: createRandom(setup.randomSeed ?? 7),
    now: setup.now ?? steppingClock(),
  })
}

/** The RestmockError an operation fails with, whether it throws at once or rejects. */
async function failure(operation: () => Promise<unknown>): Promise<RestmockError> {
  try {
    await operation()
  } catch (error) {
    assert.ok(error instanceof RestmockError, `expected a RestmockError, got ${String(error)}`)
    return error
  }
  assert.fail('expected the operation to fail')
}

function pointers(error: RestmockError): string[] {
  return (error.errors ?? []).map((e: FieldError) => e.pointer)
}

const SHOP = {
  resources: {
    customers: {
      timestamps: true,
      fields: {
        name: { type: 'string', required: true, minLength: 1 },
        email: { type: 'string', format: 'email', required: true, unique: true },
        plan: { type: 'string', enum: ['free', 'pro'], default: 'free' },
        points: { type: 'integer', readOnly: true, default: 0 },
        address: {
          type: 'object',
          properties: {
            city: { type: 'string', required: true },
            country: { type: 'string', default: 'NL' },
            geo: { type: 'object', properties: { lat: { type: 'number' }, lng: { type: 'number' } } },
          },
        },
        tags: { type: 'array', items: { type: 'string' }, default: [] },
      },
    },
    orders: {
      id: 'uuid',
      fields: {
        customerId: { type: 'integer', ref: 'customers', required: true, onDelete: 'cascade' },
        total: { type: 'number', minimum: 0, required: true },
      },
    },
    coupons: { id: 'string', fields: { code: { type: 'string', required: true } } },
    notes: { additionalFields: true, fields: { title: { type: 'string' } } },
    things: {},
    settings: {
      singleton: true,
      fields: {
        theme: { type: 'string', enum: ['light', 'dark'], default: 'light' },
        version: { type: 'integer', readOnly: true, default: 1 },
        ownerId: { type: 'integer', ref: 'customers', nullable: true, onDelete: 'set-null' },
      },
    },
  },
}

const SHOP_DATA = {
  customers: [
    { id: 1, name: 'Ada', email: 'ada@example.com', points: 10 },
    { id: 5, name: 'Bo', email: 'bo@example.com' },
  ],
  orders: [{ id: '8c5f2c1e-2d43-4c4b-9a53-6a0e0d1d2b11', customerId: 1, total: 12.5 }],
  coupons: [{ id: 'WELCOME', code: 'WELCOME10' }],
}

const shop = (setup: EngineSetup = {}): Engine => engineFor(SHOP, SHOP_DATA, setup)

describe('engine: create / replace / patch / remove', () => {
  test('create assigns the next integer id (max + 1) and stores the record', async () => {
    const engine = shop()
    const created = await engine.create('customers', { name: 'Cy', email: 'cy@example.com' })
    assert.equal(created.id, 6)
    assert.equal(engine.get('customers', 6), created)
    const next = await engine.create('customers', { name: 'Di', email: 'di@example.com' })
    assert.equal(next.id, 7)
    assert.deepEqual(
      engine.list('customers').map((r) => r.id),
      [1, 5, 6, 7],
    )
  })

  test('a client id above the max moves the next id past it', async () => {
    const engine = shop()
    await engine.create('customers', { id: 40, name: 'Cy', email: 'cy@example.com' })
    const next = await engine.create('customers', { name: 'Di', email: 'di@example.com' })
    assert.equal(next.id, 41)
  })

  test('uuid and string ids come from the seeded random source, deterministically', async () => {
    const run = async (): Promise<[unknown, unknown]> => {
      const engine = shop({ randomSeed: 99 })
      const order = await engine.create('orders', { customerId: 1, total: 3 })
      const coupon = await engine.create('coupons', { code: 'SPRING' })
      return [order.id, coupon.id]
    }
    const [orderId, couponId] = await run()
    assert.match(String(orderId), UUID_V4)
    assert.match(String(couponId), /^[0-9a-z]{8}$/)
    assert.deepEqual(await run(), [orderId, couponId], 'same seed, same ids')
    const other = shop({ randomSeed: 100 })
    const otherOrder = await other.create('orders', { customerId: 1, total: 3 })
    assert.notEqual(otherOrder.id, orderId)
  })

  test('a client id is accepted, 409 when taken, 422 when of the wrong type', async () => {
    const engine = shop()
    const created = await engine.create('customers', { id: 9, name: 'Cy', email: 'cy@example.com' })
    assert.equal(created.id, 9)
    const taken = await failure(() =>
      engine.create('customers', { id: 5, name: 'X', email: 'x@example.com' }),
    )
    assert.equal(taken.code, 'conflict')
    assert.deepEqual(pointers(taken), ['/id'])
    for (const [resource, id] of [
      ['customers', 'abc'],
      ['customers', 1.5],
      ['orders', 'not-a-uuid'],
      ['coupons', ''],
      ['coupons', 12],
    ] as const) {
      const body =
        resource === 'orders' ? { id, customerId: 1, total: 1 } : { id, name: 'X', email: 'x@e.io' }
      const wrong = await failure(() =>
        engine.create(resource, resource === 'coupons' ? { id, code: 'C' } : body),
      )
      assert.equal(wrong.code, 'validation_failed', `${resource} id ${JSON.stringify(id)}`)
      assert.ok(pointers(wrong).includes('/id'))
    }
    const uuid = '0b9d3a58-5f5e-4f43-8d3b-2f1f3c6f7a10'
    assert.equal((await engine.create('orders', { id: uuid, customerId: 1, total: 1 })).id, uuid)
    assert.equal((await engine.create('coupons', { id: 'SUMMER', code: 'S' })).id, 'SUMMER')
  })

  test('defaults are applied, nested ones too, and never shared between records', async () => {
    const engine = shop()
    const a = await engine.create('customers', {
      name: 'Cy',
      email: 'cy@example.com',
      address: { city: 'Utrecht' },
    })
    assert.equal(a.plan, 'free')
    assert.equal(a.points, 0)
    assert.deepEqual(a.tags, [])
    assert.deepEqual(a.address, { city: 'Utrecht', country: 'NL' })
    const b = await engine.create('customers', { name: 'Di', email: 'di@example.com', plan: 'pro' })
    assert.equal(b.plan, 'pro')
    assert.equal(b.address, undefined, 'a missing object is not created just for its nested defaults')
    assert.notEqual(a.tags, b.tags)
  })

  test('readOnly fields, ids and timestamps in bodies are ignored', async () => {
    const engine = shop()
    const created = await engine.create('customers', {
      name: 'Cy',
      email: 'cy@example.com',
      points: 999,
      createdAt: '1999-01-01T00:00:00.000Z',
    })
    assert.equal(created.points, 0)
    assert.notEqual(created.createdAt, '1999-01-01T00:00:00.000Z')
    const replaced = await engine.replace('customers', 1, {
      id: 77,
      name: 'Ada L.',
      email: 'ada@example.com',
      points: 0,
    })
    assert.equal(replaced.id, 1, 'the id of the URL wins')
    assert.equal(replaced.points, 10, 'a readOnly value survives a PUT')
    const patched = await engine.patch('customers', 1, { points: 5, id: 3 })
    assert.equal(patched.points, 10)
    assert.equal(patched.id, 1)
    assert.equal(engine.find('customers', 3), undefined)
  })

  test('timestamps come from the injected clock; createdAt is kept, updatedAt moves', async () => {
    const engine = shop({ now: steppingClock(Date.UTC(2026, 4, 1, 12)) })
    const created = await engine.create('customers', { name: 'Cy', email: 'cy@example.com' })
    assert.equal(created.createdAt, '2026-05-01T12:00:00.000Z')
    assert.equal(created.updatedAt, '2026-05-01T12:00:00.000Z')
    const replaced = await engine.replace('customers', created.id as number, { name: 'Cy', email: 'c@e.io' })
    assert.equal(replaced.createdAt, '2026-05-01T12:00:00.000Z')
    assert.equal(replaced.updatedAt, '2026-05-01T12:00:01.000Z')
    const patched = await engine.patch('customers', created.id as number, { name: 'Cyd' })
    assert.equal(patched.createdAt, '2026-05-01T12:00:00.000Z')
    assert.equal(patched.updatedAt, '2026-05-01T12:00:02.000Z')
    const untimed = await engine.create('coupons', { code: 'X' })
    assert.equal(untimed.createdAt, undefined)
    assert.equal(untimed.updatedAt, undefined)
  })

  test('validation lists every failing field with its pointer', async () => {
    const engine = shop()
    const error = await failure(() =>
      engine.create('customers', { email: 'nope', plan: 'gold', address: { country: 3 }, tags: [1] }),
    )
    assert.equal(error.code, 'validation_failed')
    assert.deepEqual(pointers(error).sort(), [
      '/address/city',
      '/address/country',
      '/email',
      '/name',
      '/plan',
      '/tags/0',
    ])
    assert.equal(error.message, '6 fields are invalid')
    assert.equal(engine.list('customers').length, 2, 'nothing stored')
  })

  test('unique -> conflict with the pointer; a record keeps its own value', async () => {
    const engine = shop()
    const error = await failure(() => engine.create('customers', { name: 'X', email: 'ada@example.com' }))
    assert.equal(error.code, 'conflict')
    assert.deepEqual(error.errors, [
      { pointer: '/email', detail: '"ada@example.com" is already used by another record' },
    ])
    await engine.replace('customers', 1, { name: 'Ada', email: 'ada@example.com' })
    await engine.patch('customers', 1, { name: 'Ada B.' })
    const viaPatch = await failure(() => engine.patch('customers', 5, { email: 'ada@example.com' }))
    assert.equal(viaPatch.code, 'conflict')
    await engine.patch('customers', 1, { email: 'ada@new.example.com' })
    await engine.patch('customers', 5, { email: 'ada@example.com' }) // freed by the previous change
  })

  test('a ref to a missing record -> validation_failed with the pointer', async () => {
    const engine = shop()
    const error = await failure(() => engine.create('orders', { customerId: 404, total: 1 }))
    assert.equal(error.code, 'validation_failed')
    assert.deepEqual(pointers(error), ['/customerId'])
    assert.match(error.errors?.[0]?.detail ?? '', /customers 404, which does not exist/)
    const viaPatch = await failure(() =>
      engine.patch('orders', '8c5f2c1e-2d43-4c4b-9a53-6a0e0d1d2b11', { customerId: 2 }),
    )
    assert.deepEqual(pointers(viaPatch), ['/customerId'])
  })

  test('unknown fields are rejected unless the resource allows additional fields', async () => {
    const engine = shop()
    const error = await failure(() => engine.create('coupons', { code: 'A', colour: 'red' }))
    assert.equal(error.code, 'validation_failed')
    assert.deepEqual(pointers(error), ['/colour'])
    assert.match(error.errors?.[0]?.detail ?? '', /not a known field/)
    const note = await engine.create('notes', { title: 'T', colour: 'red', extra: { deep: true } })
    assert.equal(note.colour, 'red')
    const free = await engine.create('things', { anything: [1, 2], goes: null })
    assert.deepEqual(free.anything, [1, 2])
  })

  test('PUT replaces the whole record and validates it', async () => {
    const engine = shop()
    const replaced = await engine.replace('customers', 5, { name: 'Bo', email: 'bo@example.com' })
    assert.equal(replaced.plan, 'free')
    const error = await failure(() => engine.replace('customers', 5, { name: 'Bo' }))
    assert.deepEqual(pointers(error), ['/email'])
    const missing = await failure(() => engine.replace('customers', 404, { name: 'X', email: 'x@e.io' }))
    assert.equal(missing.code, 'not_found')
  })

  test('PATCH is a JSON merge patch: null removes, objects merge, arrays replace', async () => {
    const engine = shop()
    await engine.patch('customers', 1, {
      address: { city: 'Utrecht', geo: { lat: 52, lng: 5 } },
      tags: ['a', 'b'],
    })
    const patched = await engine.patch('customers', 1, {
      plan: null,
      address: { geo: { lng: null }, country: 'BE' },
      tags: ['c'],
    })
    assert.equal('plan' in patched, false, 'null removes the field')
    assert.deepEqual(patched.address, { city: 'Utrecht', country: 'BE', geo: { lat: 52 } })
    assert.deepEqual(patched.tags, ['c'])
    assert.equal(patched.name, 'Ada')
  })

  test('PATCH validates the merged result', async () => {
    const engine = shop()
    const removed = await failure(() => engine.patch('customers', 1, { name: null }))
    assert.equal(removed.code, 'validation_failed')
    assert.deepEqual(removed.errors, [{ pointer: '/name', detail: 'is required' }])
    const nested = await failure(() => engine.patch('customers', 1, { address: { country: 'NL' } }))
    assert.deepEqual(pointers(nested), ['/address/city'])
    const unknown = await failure(() => engine.patch('customers', 1, { colour: 'red' }))
    assert.deepEqual(pointers(unknown), ['/colour'])
    assert.equal(engine.get('customers', 1).name, 'Ada', 'nothing changed')
  })

  test('remove deletes and returns the record; unknown ids and resources are not_found', async () => {
    const engine = shop()
    const removed = await engine.remove('coupons', 'WELCOME')
    assert.equal(removed.code, 'WELCOME10')
    assert.equal(engine.find('coupons', 'WELCOME'), undefined)
    assert.equal((await failure(() => engine.remove('coupons', 'WELCOME'))).code, 'not_found')
    assert.equal((await failure(() => engine.create('nothing', {}))).code, 'not_found')
    assert.throws(
      () => engine.get('customers', 404),
      (e: unknown) => (e as RestmockError).code === 'not_found',
    )
  })

  test('ids from URLs: 1 and "1" find the same record', () => {
    const engine = shop()
    assert.equal(engine.find('customers', '1'), engine.get('customers', 1))
  })

  test('id keys: integers and their canonical strings meet; every other spelling stays distinct', () => {
    for (const [a, b] of [
      [1, '1'],
      [0, '0'],
      [-7, '-7'],
      [9007199254740991, '9007199254740991'],
    ] as const)
      assert.equal(idKey(a), idKey(b), `${a} ~ ${b}`)
    for (const text of ['007', '-0', '1e3', '1.0', '+1', ' 1', '', '-', '9007199254740993', 'abc'])
      assert.equal(idKey(text), text, JSON.stringify(text))
    assert.equal(idKey(1.5), '1.5')
    assert.notEqual(idKey('007'), idKey(7))
  })
})

const LIBRARY = {
  resources: {
    authors: { fields: { name: { type: 'string' } } },
    publishers: { fields: { name: { type: 'string' } } },
    books: {
      fields: {
        authorId: { type: 'integer', ref: 'authors', required: true, onDelete: 'cascade' },
        publisherId: { type: 'integer', ref: 'publishers', nullable: true, onDelete: 'restrict' },
      },
    },
    chapters: { fields: { bookId: { type: 'integer', ref: 'books', required: true, onDelete: 'cascade' } } },
    reviews: { fields: { bookId: { type: 'integer', ref: 'books', nullable: true, onDelete: 'set-null' } } },
    awards: { fields: { bookId: { type: 'integer', ref: 'books', required: true, onDelete: 'restrict' } } },
    settings: {
      singleton: true,
      fields: { featuredAuthorId: { type: 'integer', ref: 'authors', nullable: true, onDelete: 'set-null' } },
    },
  },
}

const LIBRARY_DATA = {
  authors: [
    { id: 1, name: 'Ada' },
    { id: 2, name: 'Bo' },
    { id: 3, name: 'Cy' },
  ],
  publishers: [{ id: 1, name: 'P1' }],
  books: [
    { id: 1, authorId: 1, publisherId: 1 },
    { id: 2, authorId: 1, publisherId: null },
    { id: 3, authorId: 2 },
  ],
  chapters: [
    { id: 1, bookId: 1 },
    { id: 2, bookId: 1 },
    { id: 3, bookId: 2 },
    { id: 4, bookId: 3 },
  ],
  reviews: [
    { id: 1, bookId: 1 },
    { id: 2, bookId: 3 },
  ],
  awards: [{ id: 1, bookId: 3 }],
  settings: { featuredAuthorId: 1 },
}

const ids = (engine: Engine, resource: string): unknown[] => engine.list(resource).map((r) => r.id)

/** The state with every collection sorted by id: what it holds, whatever the order. */
function contents(engine: Engine): string {
  const state = engine.snapshot()
  const sorted = Object.entries(state).map(([name, value]) => [
    name,
    Array.isArray(value) ? [...value].sort((a, b) => String(a.id).localeCompare(String(b.id))) : value,
  ])
  return JSON.stringify(sorted)
}

describe('engine: onDelete', () => {
  test('cascade follows every level, set-null clears refs (singletons too), in one commit', async () => {
    const commits: Mutation[][] = []
    const recorder: Committer = {
      commit: async (mutations) => {
        commits.push([...mutations])
      },
      reset: async () => {},
    }
    const engine = engineFor(LIBRARY, LIBRARY_DATA, { persistence: recorder })
    await engine.remove('authors', 1)
    assert.deepEqual(ids(engine, 'authors'), [2, 3])
    assert.deepEqual(ids(engine, 'books'), [3])
    assert.deepEqual(ids(engine, 'chapters'), [4])
    assert.deepEqual(
      engine.list('reviews').map((r) => [r.id, r.bookId]),
      [
        [1, null],
        [2, 3],
      ],
    )
    assert.equal(engine.getSingleton('settings').featuredAuthorId, null)
    assert.equal(commits.length, 1, 'the whole delete is one atomic commit')
    const summary = commits[0]!.map((m) =>
      m.op === 'delete'
        ? `delete ${m.resource} ${m.id}`
        : m.op === 'upsert'
          ? `upsert ${m.resource} ${m.id}`
          : m.op,
    )
    assert.deepEqual(summary.sort(), [
      'delete authors 1',
      'delete books 1',
      'delete books 2',
      'delete chapters 1',
      'delete chapters 2',
      'delete chapters 3',
      'singleton',
      'upsert reviews 1',
    ])
  })

  test('restrict -> conflict and nothing changes, even deep inside a cascade', async () => {
    const engine = engineFor(LIBRARY, LIBRARY_DATA)
    const before = JSON.stringify(engine.snapshot())
    const direct = await failure(() => engine.remove('publishers', 1))
    assert.equal(direct.code, 'conflict')
    assert.match(direct.message, /books\.publisherId, onDelete: restrict/)
    // author 2 -> book 3 (cascade) -> award 1 restricts the book
    const deep = await failure(() => engine.remove('authors', 2))
    assert.equal(deep.code, 'conflict')
    assert.match(deep.message, /awards/)
    assert.equal(JSON.stringify(engine.snapshot()), before)
  })

  test('a record with no dependents is simply removed', async () => {
    const engine = engineFor(LIBRARY, LIBRARY_DATA)
    await engine.remove('authors', 3)
    assert.deepEqual(ids(engine, 'authors'), [1, 2])
    assert.equal(engine.getSingleton('settings').featuredAuthorId, 1)
  })

  test('set-null clears every field of a record that refers to the deleted parent', {}, async () => {
    const engine = engineFor(
      {
        resources: {
          accounts: {},
          transfers: {
            fields: {
              fromId: { type: 'integer', ref: 'accounts', nullable: true, onDelete: 'set-null' },
              toId: { type: 'integer', ref: 'accounts', nullable: true, onDelete: 'set-null' },
            },
          },
        },
      },
      { accounts: [{ id: 1 }], transfers: [{ id: 1, fromId: 1, toId: 1 }] },
    )
    await engine.remove('accounts', 1)
    assert.deepEqual(engine.get('transfers', 1), { id: 1, fromId: null, toId: null })
  })
})

describe('engine: singletons', () => {
  test('start from defaults; PUT validates and keeps readOnly; PATCH merges', async () => {
    const engine = shop()
    assert.deepEqual(engine.getSingleton('settings'), { theme: 'light', version: 1 })
    const replaced = await engine.replaceSingleton('settings', { theme: 'dark', version: 9 })
    assert.deepEqual(replaced, { theme: 'dark', version: 1 })
    const patched = await engine.patchSingleton('settings', { ownerId: 5 })
    assert.deepEqual(patched, { theme: 'dark', version: 1, ownerId: 5 })
    assert.equal(engine.getSingleton('settings'), patched)
    const bad = await failure(() => engine.patchSingleton('settings', { theme: 'neon', ownerId: 404, x: 1 }))
    assert.equal(bad.code, 'validation_failed')
    assert.deepEqual(pointers(bad).sort(), ['/ownerId', '/theme', '/x'])
    assert.equal(engine.getSingleton('settings'), patched)
    const cleared = await engine.patchSingleton('settings', { ownerId: null })
    assert.equal('ownerId' in cleared, false)
  })

  test('singleton operations on a collection and vice versa are not_found', async () => {
    const engine = shop()
    assert.equal((await failure(() => engine.patchSingleton('customers', {}))).code, 'not_found')
    assert.equal((await failure(() => engine.create('settings', {}))).code, 'not_found')
  })
})

describe('engine: copy on write', () => {
  test('returned records are frozen, nested values included', async () => {
    const engine = shop()
    const created = await engine.create('customers', {
      name: 'Cy',
      email: 'cy@example.com',
      address: { city: 'A' },
    })
    const stored = engine.get('customers', 1) as Record<string, unknown>
    for (const value of [created, stored, created.address, created.tags]) assert.ok(Object.isFrozen(value))
    assert.throws(() => {
      stored.name = 'Mallory'
    }, TypeError)
    assert.equal(engine.get('customers', 1).name, 'Ada')
  })

  test('a later write does not change a record or list obtained earlier', async () => {
    const engine = shop()
    const before = engine.get('customers', 1)
    const list = engine.list('customers')
    const single = engine.getSingleton('settings')
    await engine.patch('customers', 1, { name: 'Changed', address: { city: 'X' } })
    await engine.create('customers', { name: 'New', email: 'new@example.com' })
    await engine.remove('customers', 5)
    await engine.patchSingleton('settings', { theme: 'dark' })
    assert.equal(before.name, 'Ada')
    assert.equal(before.address, undefined)
    assert.deepEqual(
      list.map((r) => r.id),
      [1, 5],
    )
    assert.equal(single.theme, 'light')
    assert.equal(engine.get('customers', 1).name, 'Changed')
  })

  test('a body passed in is not kept by reference', async () => {
    const engine = shop()
    const body: Record<string, unknown> = { name: 'Cy', email: 'cy@example.com' }
    const created = await engine.create('customers', body)
    body.name = 'Mutated'
    assert.equal(engine.get('customers', created.id as number).name, 'Cy')
  })
})

/** A committer whose commits are settled by the test, in any order. */
function manualCommitter(): Committer & {
  calls: Array<{ resolve: () => void; reject: (error: Error) => void }>
} {
  const calls: Array<{ resolve: () => void; reject: (error: Error) => void }> = []
  return {
    calls,
    commit: () =>
      new Promise<void>((resolve, reject) => {
        calls.push({ resolve, reject })
      }),
    reset: async () => {},
  }
}

describe('engine: durable commit and rollback', () => {
  test('a write resolves only once the commit has landed', async () => {
    const committer = manualCommitter()
    const engine = shop({ persistence: committer })
    let settled = false
    const pending = engine.create('coupons', { id: 'A', code: 'A' }).then(() => {
      settled = true
    })
    await Promise.resolve()
    assert.equal(settled, false)
    assert.ok(engine.find('coupons', 'A'), 'applied in memory at once')
    committer.calls[0]!.resolve()
    await pending
    assert.equal(settled, true)
  })

  test('a failed commit -> persistence_failed and the store is back to before', async () => {
    const failing: Committer = {
      commit: () => Promise.reject(new Error('disk full')),
      reset: async () => {},
    }
    const engine = engineFor(LIBRARY, LIBRARY_DATA, { persistence: failing })
    const before = contents(engine)
    for (const operation of [
      () => engine.create('authors', { name: 'New' }),
      () => engine.replace('authors', 1, { name: 'Renamed' }),
      () => engine.patch('authors', 1, { name: 'Renamed' }),
      () => engine.remove('authors', 1),
      () => engine.patchSingleton('settings', { featuredAuthorId: 2 }),
    ]) {
      const error = await failure(operation)
      assert.equal(error.code, 'persistence_failed')
      assert.equal((error.cause as Error).message, 'disk full')
      assert.equal(contents(engine), before)
    }
  })

  test('a commit that throws synchronously is a persistence failure too', async () => {
    const throwing: Committer = {
      commit: () => {
        throw new Error('boom')
      },
      reset: async () => {},
    }
    const engine = shop({ persistence: throwing })
    assert.equal((await failure(() => engine.create('coupons', { code: 'A' }))).code, 'persistence_failed')
    assert.deepEqual(ids(engine, 'coupons'), ['WELCOME'])
  })

  test('when the first of several pending commits fails, all later changes are rolled back too', async () => {
    const committer = manualCommitter()
    const engine = engineFor(LIBRARY, LIBRARY_DATA, { persistence: committer })
    const before = contents(engine)
    const writes = [
      engine.create('authors', { name: 'New' }),
      engine.patch('authors', 2, { name: 'Bob' }),
      engine.remove('authors', 1),
    ]
    assert.deepEqual(ids(engine, 'authors'), [2, 3, 4])
    assert.equal(committer.calls.length, 3)
    for (const call of committer.calls) call.reject(new Error('disk full'))
    const results = await Promise.allSettled(writes)
    for (const result of results) {
      assert.equal(result.status, 'rejected')
      assert.equal((result.reason as RestmockError).code, 'persistence_failed')
    }
    assert.equal(contents(engine), before)
  })

  test('a rolled-back delete puts the records back in their list positions', {}, async () => {
    const failing: Committer = { commit: () => Promise.reject(new Error('disk full')), reset: async () => {} }
    const engine = engineFor(LIBRARY, LIBRARY_DATA, { persistence: failing })
    const before = JSON.stringify(engine.snapshot())
    assert.equal((await failure(() => engine.remove('authors', 1))).code, 'persistence_failed')
    assert.equal(JSON.stringify(engine.snapshot()), before)
  })

  test('earlier confirmed changes stay when a later one fails', async () => {
    const committer = manualCommitter()
    const engine = shop({ persistence: committer })
    const first = engine.create('coupons', { id: 'A', code: 'A' })
    const second = engine.create('coupons', { id: 'B', code: 'B' })
    committer.calls[0]!.resolve()
    committer.calls[1]!.reject(new Error('disk full'))
    await first
    assert.equal((await failure(() => second)).code, 'persistence_failed')
    assert.deepEqual(ids(engine, 'coupons'), ['WELCOME', 'A'])
  })

  test('a change rolled back because an earlier commit failed is never acknowledged', {}, async () => {
    const committer = manualCommitter()
    const engine = shop({ persistence: committer })
    const first = engine.create('coupons', { id: 'A', code: 'A' })
    const second = engine.create('coupons', { id: 'B', code: 'B' })
    committer.calls[0]!.reject(new Error('disk full'))
    assert.equal((await failure(() => first)).code, 'persistence_failed')
    committer.calls[1]!.resolve()
    assert.deepEqual(ids(engine, 'coupons'), ['WELCOME'])
    assert.equal((await failure(() => second)).code, 'persistence_failed')
  })
})

describe('engine: reset and replaceAll', () => {
  test('reset returns to the seed and tells persistence', async () => {
    const resets: StateData[] = []
    const recorder: Committer = {
      commit: async () => {},
      reset: async (state) => {
        resets.push(state)
      },
    }
    const engine = shop({ persistence: recorder })
    const seed = JSON.stringify(engine.snapshot())
    await engine.create('customers', { name: 'Cy', email: 'cy@example.com' })
    await engine.remove('coupons', 'WELCOME')
    await engine.patchSingleton('settings', { theme: 'dark' })
    await engine.reset()
    assert.equal(JSON.stringify(engine.snapshot()), seed)
    assert.equal(resets.length, 1)
    assert.equal(JSON.stringify(resets[0]), seed)
    const next = await engine.create('customers', { name: 'Di', email: 'di@example.com' })
    assert.equal(next.id, 6, 'ids continue from the seed')
  })

  test('reset waits for pending commits; a failed reset restores the state', async () => {
    let failReset = false
    const committer = manualCommitter()
    committer.reset = async () => {
      if (failReset) throw new Error('read-only file system')
    }
    const engine = shop({ persistence: committer })
    const write = engine.create('coupons', { id: 'A', code: 'A' })
    let resetDone = false
    const resetting = engine.reset().then(() => {
      resetDone = true
    })
    await new Promise((resolve) => setImmediate(resolve))
    assert.equal(resetDone, false, 'reset is ordered after the pending commit')
    committer.calls[0]!.resolve()
    await write
    await resetting
    assert.deepEqual(ids(engine, 'coupons'), ['WELCOME'])

    const second = engine.create('coupons', { id: 'B', code: 'B' })
    committer.calls[1]!.resolve()
    await second
    failReset = true
    const before = JSON.stringify(engine.snapshot())
    assert.equal((await failure(() => engine.reset())).code, 'persistence_failed')
    assert.equal(JSON.stringify(engine.snapshot()), before)
  })
})

describe('prepareState', () => {
  const manifest = validateManifest(SHOP)
  const prepare = (data: unknown, strict = true, seed = 3): StateData =>
    prepareState(manifest, data, { source: 'shop.data.json', random: createRandom(seed), strict })

  function problems(data: unknown): ConfigError {
    try {
      prepare(data)
    } catch (error) {
      assert.ok(error instanceof ConfigError)
      return error
    }
    assert.fail('expected a ConfigError')
  }

  test('every problem of the seed data is listed with its path', () => {
    const error = problems({
      custmers: [],
      customers: [
        { id: 1, name: 'Ada', email: 'ada@example.com' },
        { id: 1, name: 'Dup', email: 'dup@example.com' },
        { id: 2, name: '', email: 'ada@example.com' },
        { id: 3, name: 'Cy', email: 'not-an-email', address: {} },
        { id: 'x', name: 'Di', email: 'di@example.com' },
        'not a record',
      ],
      orders: [{ customerId: 99, total: -1 }],
      settings: [],
    })
    const byPath = new Map<string, string[]>()
    for (const issue of error.issues)
      byPath.set(issue.path, [...(byPath.get(issue.path) ?? []), issue.message])
    const expect = (path: string, pattern: RegExp): void => {
      assert.ok(
        (byPath.get(path) ?? []).some((message) => pattern.test(message)),
        `${path} ${pattern}\n${error.format()}`,
      )
    }
    expect('custmers', /not a resource of the manifest \(did you mean "customers"\?\)/)
    expect('customers[1].id', /duplicate id 1/)
    expect('customers[2].name', /at least 1 character/)
    expect('customers[2].email', /"ada@example.com" is already used by customers\[0\]/)
    expect('customers[3].email', /valid email/)
    expect('customers[3].address.city', /is required/)
    expect('customers[4].id', /must be an integer, got "x"/)
    expect('customers[5]', /must be an object/)
    expect('orders[0].customerId', /refers to customers 99, which does not exist/)
    expect('orders[0].total', /must be >= 0/)
    expect('settings', /singleton: it must be an object/)
    assert.match(error.message, /^shop\.data\.json has \d+ problems:$/)
    assert.equal(error.source, 'shop.data.json')
  })

  test('ids are assigned when missing, defaults applied, every resource present', () => {
    const state = prepare({
      customers: [
        { name: 'A', email: 'a@example.com' },
        { id: 5, name: 'B', email: 'b@example.com' },
        { name: 'C', email: 'c@example.com', address: { city: 'X' } },
      ],
      orders: [{ customerId: 5, total: 1 }],
      coupons: [{ code: 'X' }],
    })
    const customers = state.customers as Rec[]
    assert.deepEqual(
      customers.map((r) => r.id),
      [6, 5, 7],
    )
    assert.equal(customers[0]?.plan, 'free')
    assert.deepEqual(customers[2]?.address, { city: 'X', country: 'NL' })
    assert.match(String((state.orders as Rec[])[0]?.id), UUID_V4)
    assert.match(String((state.coupons as Rec[])[0]?.id), /^[0-9a-z]{8}$/)
    assert.deepEqual(state.notes, [])
    assert.deepEqual(state.settings, { theme: 'light', version: 1 })
    assert.deepEqual(
      prepare({ coupons: [{ code: 'X' }] }).coupons,
      prepare({ coupons: [{ code: 'X' }] }).coupons,
    )
  })

  test('not strict (a saved state): unknown keys are kept, rules are not checked', () => {
    const state = prepare({ customers: [{ id: 1, name: '' }], legacy: [{ id: 1 }] }, false)
    assert.deepEqual(state.legacy, [{ id: 1 }])
    assert.equal((state.customers as Rec[])[0]?.name, '')
  })

  test('data that is not an object is rejected', () => {
    assert.throws(() => prepare([]), ConfigError)
    assert.throws(() => prepare('x'), ConfigError)
  })
})
