import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { type Committer, IN_MEMORY } from '../../src/core/durable-commit.ts'
import { Engine } from '../../src/core/engine.ts'
import { RestmockError } from '../../src/core/errors.ts'
import { validateManifest } from '../../src/core/manifest/validate-manifest.ts'
import { createRandom, type Random, randomInt } from '../../src/core/random.ts'
import { prepareState } from '../../src/core/seed.ts'
import type { Rec } from '../../src/core/store.ts'

const BLOG = {
  resources: {
    users: { fields: { name: { type: 'string' } } },
    posts: {
      fields: {
        authorId: { type: 'integer', ref: 'users', required: true, onDelete: 'cascade' },
        editorId: { type: 'integer', ref: 'users', nullable: true, onDelete: 'set-null' },
      },
    },
    comments: {
      fields: {
        postId: { type: 'integer', ref: 'posts', required: true, onDelete: 'cascade' },
        authorId: { type: 'integer', ref: 'users', nullable: true, onDelete: 'set-null' },
        replyTo: { type: 'integer', ref: 'comments', nullable: true, onDelete: 'cascade' },
      },
    },
    pins: { fields: { postId: { type: 'integer', ref: 'posts', required: true, onDelete: 'restrict' } } },
    settings: {
      singleton: true,
      fields: {
        featuredUserId: { type: 'integer', ref: 'users', nullable: true, onDelete: 'set-null' },
        backupUserId: { type: 'integer', ref: 'users', nullable: true, onDelete: 'set-null' },
      },
    },
  },
}

const REF_FIELDS: Record<string, string[]> = {
  posts: ['authorId', 'editorId'],
  comments: ['postId', 'authorId', 'replyTo'],
  pins: ['postId'],
}

function blogEngine(persistence: Committer): Engine {
  const manifest = validateManifest(BLOG)
  const users = Array.from({ length: 8 }, (_, i) => ({ id: i + 1, name: `u${i + 1}` }))
  const posts = Array.from({ length: 20 }, (_, i) => ({ id: i + 1, authorId: (i % 8) + 1, editorId: null }))
  const comments = Array.from({ length: 60 }, (_, i) => ({
    id: i + 1,
    postId: (i % 20) + 1,
    authorId: (i % 7) + 1,
    replyTo: i >= 20 ? i - 19 : null,
  }))
  const data = { users, posts, comments, pins: [], settings: { featuredUserId: 1, backupUserId: 1 } }
  const seed = prepareState(manifest, data, { source: 'seed', random: createRandom(1), strict: true })
  return new Engine({ manifest, seed, persistence, random: createRandom(3), now: () => new Date(0) })
}

/** Every ref index answers exactly what a full scan of the collection finds, in collection order. */
function assertIndexesMatchScan(engine: Engine): void {
  for (const [resource, fields] of Object.entries(REF_FIELDS)) {
    const collection = engine.store.collection(resource)!
    for (const field of fields) assert.ok(collection.indexedFields().includes(field), `${resource}.${field}`)
    const records = collection.all()
    for (const field of fields) {
      const values = new Set<unknown>([0, 1, 2, 3, 99, ...records.map((r) => r[field])])
      for (const value of values) {
        if (value === null || value === undefined) continue
        const scanned = records.filter((r) => r[field] !== null && String(r[field]) === String(value))
        assert.deepEqual(collection.findBy(field, value), scanned, `${resource}.${field} = ${String(value)}`)
      }
    }
  }
}

/** No record refers to a parent that is gone: every cascade and set-null was complete. */
function assertNoDanglingRefs(engine: Engine): void {
  for (const relation of engine.manifest.relations) {
    const parent = engine.store.collection(relation.parent)!
    const children = engine.manifest.resources[relation.child]!.singleton
      ? [engine.getSingleton(relation.child)]
      : engine.list(relation.child)
    for (const child of children) {
      const value = child[relation.field]
      if (value === null || value === undefined) continue
      assert.ok(parent.has(value), `${relation.child}.${relation.field} -> missing ${String(value)}`)
    }
  }
}

/** A committer whose commits the test settles later, each succeeding or failing at random. */
function pendingCommitter(): Committer & { settleAll(random: Random): void } {
  const calls: Array<{ resolve: () => void; reject: (error: Error) => void }> = []
  return {
    commit: () => new Promise<void>((resolve, reject) => calls.push({ resolve, reject })),
    reset: async () => {},
    settleAll(random) {
      for (const call of calls.splice(0)) {
        if (random() < 0.3) call.reject(new Error('disk full'))
        else call.resolve()
      }
    },
  }
}

function pick(random: Random, records: readonly Rec[]): Rec | undefined {
  return records.length === 0 ? undefined : records[randomInt(random, 0, records.length - 1)]
}

function randomOperation(engine: Engine, random: Random): Promise<unknown> {
  const userId = randomInt(random, 1, 10)
  const post = pick(random, engine.list('posts'))
  const comment = pick(random, engine.list('comments'))
  switch (randomInt(random, 0, 9)) {
    case 0:
      return engine.create('users', { name: 'new' })
    case 1:
      return engine.create('posts', { authorId: userId, editorId: random() < 0.5 ? null : userId })
    case 2:
      return engine.create('comments', {
        postId: post?.id ?? 1,
        authorId: random() < 0.3 ? null : userId,
        replyTo: random() < 0.5 ? (comment?.id ?? null) : null,
      })
    case 3:
      return engine.patch('comments', (comment?.id ?? 1) as number, { postId: post?.id ?? 1 })
    case 4:
      return engine.patch('posts', (post?.id ?? 1) as number, { editorId: userId, authorId: userId })
    case 5:
      return engine.create('pins', { postId: post?.id ?? 1 })
    case 6:
      return engine.remove('pins', (pick(random, engine.list('pins'))?.id ?? 1) as number)
    case 7:
      return engine.remove('posts', (post?.id ?? 1) as number)
    case 8:
      return engine.remove('comments', (comment?.id ?? 1) as number)
    default:
      return engine.remove('users', userId)
  }
}

describe('ref indexes', () => {
  test('every ref field is indexed from the start and matches a full scan after random changes', async () => {
    for (const seed of [1, 2, 3]) {
      const random = createRandom(seed)
      const committer = pendingCommitter()
      const engine = blogEngine(committer)
      assertIndexesMatchScan(engine)
      for (let round = 0; round < 60; round++) {
        // several changes in flight at once; a failed commit rolls back it and every later one
        const writes = Array.from({ length: randomInt(random, 1, 4) }, () => {
          try {
            return randomOperation(engine, random)
          } catch (error) {
            return Promise.reject(error)
          }
        })
        committer.settleAll(random)
        for (const result of await Promise.allSettled(writes)) {
          if (result.status === 'rejected') assert.ok(result.reason instanceof RestmockError)
        }
        assertIndexesMatchScan(engine)
        assertNoDanglingRefs(engine)
        if (round % 25 === 24) {
          const resetting = engine.reset()
          await resetting
          assertIndexesMatchScan(engine)
        }
      }
    }
  })

  test('a rolled-back cascade puts every record back at its position, indexes included', async () => {
    const failing: Committer = { commit: () => Promise.reject(new Error('disk full')), reset: async () => {} }
    const engine = blogEngine(failing)
    const before = JSON.stringify(engine.snapshot())
    await assert.rejects(engine.remove('users', 1), { code: 'persistence_failed' })
    assert.equal(JSON.stringify(engine.snapshot()), before)
    assertIndexesMatchScan(engine)
  })

  test('restrict counts only the records that survive the cascade', async () => {
    const engine = blogEngine(IN_MEMORY)
    await engine.create('pins', { postId: 1 })
    // user 1 -> post 1 (cascade) -> pin (restrict): blocked
    await assert.rejects(engine.remove('users', 1), {
      code: 'conflict',
      message: /1 pins record refer to it \(pins\.postId, onDelete: restrict\)/,
    })
    assertIndexesMatchScan(engine)
  })

  test('a singleton referring twice to a deleted record has both fields cleared', async () => {
    const engine = blogEngine(IN_MEMORY)
    await engine.remove('users', 1)
    assert.deepEqual(engine.getSingleton('settings'), { featuredUserId: null, backupUserId: null })
    assertNoDanglingRefs(engine)
  })

  test('a long chain of cascades is walked without recursion, and rolls back whole', async () => {
    const manifest = validateManifest({
      resources: {
        nodes: {
          fields: { parentId: { type: 'integer', ref: 'nodes', nullable: true, onDelete: 'cascade' } },
        },
      },
    })
    const nodes = Array.from({ length: 50_000 }, (_, i) => ({ id: i + 1, parentId: i === 0 ? null : i }))
    const seed = prepareState(manifest, { nodes }, { source: 'seed', random: createRandom(1), strict: true })
    let fail = true
    const persistence: Committer = {
      commit: () => (fail ? Promise.reject(new Error('disk full')) : Promise.resolve()),
      reset: async () => {},
    }
    const engine = new Engine({
      manifest,
      seed,
      persistence,
      random: createRandom(1),
      now: () => new Date(0),
    })
    await assert.rejects(engine.remove('nodes', 2), { code: 'persistence_failed' })
    assert.equal(engine.list('nodes').length, 50_000)
    assert.deepEqual(
      engine
        .list('nodes')
        .slice(0, 3)
        .map((n) => n.id),
      [1, 2, 3],
    )
    fail = false
    await engine.remove('nodes', 2)
    assert.deepEqual(
      engine.list('nodes').map((n) => n.id),
      [1],
    )
  })
})
