import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { Collection } from '../../src/core/collection.ts'
import { IN_MEMORY } from '../../src/core/durable-commit.ts'
import { Engine } from '../../src/core/engine.ts'
import { validateManifest } from '../../src/core/manifest/validate-manifest.ts'
import { createRandom } from '../../src/core/random.ts'
import { prepareState } from '../../src/core/seed.ts'
import { OverlayCollection } from '../../src/core/sessions/overlay-collection.ts'
import { OverlayStore, seedStore } from '../../src/core/sessions/overlay-store.ts'
import { SeedCollection } from '../../src/core/sessions/seed-collection.ts'
import type { Rec } from '../../src/core/store.ts'

const resource = validateManifest({ resources: { posts: { fields: { userId: { type: 'integer' } } } } })
  .resources.posts!

function baseOf(records: Rec[]): Collection {
  const base = new Collection(resource, ['userId'])
  for (const record of records) base.put(Object.freeze(record))
  return base
}

const seedPosts = (): Rec[] => [
  { id: 1, userId: 1, title: 'a' },
  { id: 2, userId: 2, title: 'b' },
  { id: 3, userId: 1, title: 'c' },
]

describe('OverlayCollection', () => {
  test('reads fall through to the base until a record is changed; the base never changes', () => {
    const base = baseOf(seedPosts())
    const view = new OverlayCollection(base)
    assert.equal(view.all(), base.all(), 'an unchanged view lists the base array itself')
    view.put({ id: 2, userId: 2, title: 'B' })
    view.put({ id: 4, userId: 1, title: 'd' })
    view.remove(1)
    assert.deepEqual(
      view.all().map((post) => post.title),
      ['B', 'c', 'd'],
    )
    assert.equal(view.size, 3)
    assert.equal(view.get(1), undefined)
    assert.equal(view.has(4), true)
    assert.equal(view.changedRecords, 3)
    assert.deepEqual(
      base.all().map((post) => post.title),
      ['a', 'b', 'c'],
    )
    assert.equal(base.size, 3)
  })

  test('a base record deleted and created again moves to the end, as on a collection', () => {
    const view = new OverlayCollection(baseOf(seedPosts()))
    const plain = baseOf(seedPosts())
    for (const target of [view, plain]) {
      target.remove(1)
      target.put({ id: 1, userId: 3, title: 'again' })
    }
    assert.deepEqual(view.all(), plain.all())
    assert.deepEqual(view.findBy('userId', 3), plain.findBy('userId', 3))
    assert.deepEqual(view.findBy('userId', 1), plain.findBy('userId', 1))
  })

  test('findBy merges base and changed records in collection order, "1" meeting 1', () => {
    const view = new OverlayCollection(baseOf(seedPosts()))
    view.put({ id: 5, userId: 1, title: 'e' })
    view.put({ id: 2, userId: 1, title: 'moved' })
    view.put({ id: 3, userId: 2, title: 'left' })
    assert.deepEqual(
      view.findBy('userId', '1').map((post) => post.id),
      [1, 2, 5],
    )
    assert.deepEqual(
      view.findBy('userId', 2).map((post) => post.id),
      [3],
    )
    view.remove(5)
    assert.deepEqual(
      view.findBy('userId', 1).map((post) => post.id),
      [1, 2],
    )
    // a field indexed only once asked for (not a ref field)
    assert.deepEqual(
      view.findBy('title', 'left').map((post) => post.id),
      [3],
    )
  })

  test('ids continue from the highest of the base and of the view', () => {
    const view = new OverlayCollection(baseOf(seedPosts()))
    assert.equal(view.nextIntegerId(), 4)
    view.put({ id: 10, userId: 1 })
    assert.equal(view.nextIntegerId(), 11)
    view.remove(10)
    assert.equal(view.nextIntegerId(), 11)
  })

  test('remove and restore (a rollback) put a record back where it was', () => {
    const view = new OverlayCollection(baseOf(seedPosts()))
    view.put({ id: 4, userId: 1 })
    const removedBase = view.remove(2)!
    const removedOwn = view.remove(4)!
    view.restore(removedOwn.record, removedOwn.position)
    view.restore(removedBase.record, removedBase.position)
    assert.deepEqual(
      view.all().map((post) => post.id),
      [1, 2, 3, 4],
    )
    assert.equal(view.changedRecords, 1, 'the restored base record is the base one again')
  })

  test('bytes count what the view holds and go back down when records are dropped', () => {
    const view = new OverlayCollection(baseOf(seedPosts()))
    view.put({ id: 4, userId: 1, text: 'x'.repeat(1000) })
    assert.ok(view.bytes > 2000)
    view.remove(4)
    assert.equal(view.bytes, 0)
  })

  test('overrides every public method of Collection (new ones must be made copy-on-write too)', () => {
    for (const subclass of [OverlayCollection, SeedCollection]) assertOverridesAll(subclass)
  })
})

describe('SeedCollection', () => {
  test('the seed array by id, a repeated id replacing the first in its place', () => {
    const records: Rec[] = [
      { id: 1, userId: 1 },
      { id: '2', userId: 2 },
      { id: 1, userId: 3 },
    ]
    const seed = new SeedCollection(resource, records)
    assert.deepEqual(seed.all(), [
      { id: 1, userId: 3 },
      { id: '2', userId: 2 },
    ])
    assert.equal(seed.size, 2)
    assert.deepEqual(seed.get('1'), { id: 1, userId: 3 })
    assert.equal(seed.has(2), true)
    assert.equal(seed.positionOf(2), 1)
    assert.equal(seed.nextIntegerId(), 2)
    assert.deepEqual(seed.findBy('userId', '3'), [{ id: 1, userId: 3 }])
    assert.deepEqual(seed.findBy('userId', 4), [])
    assert.ok(Object.isFrozen(seed.get(1)))
    assert.throws(() => seed.put(), /read-only/)
    const unique = [
      { id: 1, userId: 1 },
      { id: 2, userId: 1 },
    ]
    assert.equal(new SeedCollection(resource, unique).all(), unique, 'no copy without repeated ids')
    assert.deepEqual(
      new SeedCollection(resource, unique).findBy('userId', 1).map((each) => each.id),
      [1, 2],
    )
  })
})

function assertOverridesAll(subclass: { name: string; prototype: Collection }): void {
  {
    // Collection's own helpers, which an overlay never reaches (its private state stays empty)
    const privateHelpers = new Set([
      'constructor',
      'index',
      'addToIndex',
      'sortBucket',
      'reindex',
      'unindex',
      'restoreOrder',
      'touch',
      'addKeys',
    ])
    const own = new Set(Object.getOwnPropertyNames(subclass.prototype))
    for (const name of Object.getOwnPropertyNames(Collection.prototype)) {
      if (privateHelpers.has(name)) continue
      assert.ok(own.has(name), `${subclass.name} does not override Collection.${name}`)
    }
  }
}

describe('OverlayStore under an engine', () => {
  const manifest = validateManifest({
    resources: {
      users: { fields: { email: { type: 'string', unique: true } } },
      posts: { fields: { userId: { type: 'integer', ref: 'users', onDelete: 'cascade' } } },
      settings: { singleton: true, fields: { theme: { type: 'string' } } },
    },
  })
  const seed = prepareState(
    manifest,
    {
      users: [
        { id: 1, email: 'a@x.io' },
        { id: 2, email: 'b@x.io' },
      ],
      posts: [
        { id: 1, userId: 1 },
        { id: 2, userId: 2 },
      ],
      settings: { theme: 'dark' },
    },
    { source: 'seed', random: createRandom(1), strict: true },
  )
  const shared = new Engine({
    manifest,
    seed,
    persistence: IN_MEMORY,
    random: createRandom(1),
    now: () => new Date(0),
  })
  const base = seedStore(manifest, seed)

  test('creates, cascades, unique checks and singletons stay in the view', async () => {
    const store = new OverlayStore(manifest, base)
    const engine = shared.derive(store, createRandom(2))
    await engine.create('users', { email: 'c@x.io' })
    await engine.remove('users', 1)
    await engine.patchSingleton('settings', { theme: 'light' })
    await assert.rejects(engine.create('users', { email: 'b@x.io' }), { code: 'conflict' })
    // the email of a deleted user is free again in the view only
    await engine.create('users', { email: 'a@x.io' })
    assert.deepEqual(
      engine.list('users').map((user) => user.email),
      ['b@x.io', 'c@x.io', 'a@x.io'],
    )
    assert.deepEqual(
      engine.list('posts').map((post) => post.id),
      [2],
    )
    assert.equal(engine.getSingleton('settings').theme, 'light')
    assert.equal(store.changed, 5, '3 users, 1 cascaded post, 1 singleton')
    assert.equal(base.collection('users')!.size, 2)
    assert.equal(base.collection('posts')!.size, 2)
    assert.equal(base.singleton('settings')!.theme, 'dark')
    assert.equal(shared.list('users').length, 2)
  })

  test('refs resolve against the view', async () => {
    const engine = shared.derive(new OverlayStore(manifest, base), createRandom(2))
    const user = await engine.create('users', { email: 'n@x.io' })
    await engine.create('posts', { userId: user.id })
    await assert.rejects(shared.create('posts', { userId: user.id }), { code: 'validation_failed' })
    await engine.remove('users', 2)
    await assert.rejects(engine.create('posts', { userId: 2 }), { code: 'validation_failed' })
  })
})
