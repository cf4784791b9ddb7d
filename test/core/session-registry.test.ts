import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { IN_MEMORY } from '../../src/core/durable-commit.ts'
import { Engine } from '../../src/core/engine.ts'
import { validateManifest } from '../../src/core/manifest/validate-manifest.ts'
import { createRandom } from '../../src/core/random.ts'
import { prepareState } from '../../src/core/seed.ts'
import { parseByteSize, sessionLimitsOf } from '../../src/core/sessions/session-limits.ts'
import { type SessionLimits, SessionRegistry } from '../../src/core/sessions/session-registry.ts'
import { Simulator } from '../../src/core/simulation/simulator.ts'

const manifest = validateManifest({ resources: { notes: { fields: { text: { type: 'string' } } } } })

function setup(limits: SessionLimits = {}) {
  const seed = prepareState(
    manifest,
    { notes: [{ id: 1, text: 'seed' }] },
    { source: 'seed', random: createRandom(1), strict: true },
  )
  const engine = new Engine({
    manifest,
    seed,
    persistence: IN_MEMORY,
    random: createRandom(1),
    now: () => new Date(0),
  })
  const clock = { now: 1_000_000 }
  const registry = new SessionRegistry({
    engine,
    simulator: new Simulator({ seed: 1 }),
    clock: () => clock.now,
    ...limits,
  })
  return { engine, registry, clock }
}

describe('SessionRegistry', () => {
  test('a session is made from the seed on first use, not from the shared state', async () => {
    const { engine, registry } = setup()
    await engine.create('notes', { text: 'shared' })
    const session = registry.use('a')
    assert.deepEqual(
      session.engine.list('notes').map((note) => note.text),
      ['seed'],
    )
    assert.equal(registry.use('a'), session)
    assert.equal(registry.size, 1)
  })

  test('sessions idle for the TTL end; using one keeps it alive', () => {
    const { registry, clock } = setup({ ttlMs: 60_000 })
    registry.use('old')
    clock.now += 30_000
    registry.use('kept')
    clock.now += 30_000
    registry.use('kept')
    assert.equal(registry.find('old'), undefined, 'idle for exactly the TTL')
    assert.deepEqual(
      registry.list().map((info) => info.id),
      ['kept'],
    )
    clock.now += 59_999
    assert.ok(registry.find('kept'))
    clock.now += 1
    assert.deepEqual(registry.list(), [])
  })

  test('past maxSessions the least recently used ends first', () => {
    const { registry, clock } = setup({ maxSessions: 3 })
    for (const id of ['a', 'b', 'c']) {
      registry.use(id)
      clock.now += 1
    }
    registry.use('a')
    registry.use('d')
    assert.deepEqual(
      registry.list().map((info) => info.id),
      ['c', 'a', 'd'],
    )
  })

  test('past maxBytes the least recently used others end; the session just written stays', async () => {
    const { registry } = setup({ maxBytes: 7_000 })
    const text = 'x'.repeat(1000)
    for (const id of ['a', 'b', 'c']) {
      const session = registry.use(id)
      await session.engine.create('notes', { text })
      registry.account(session)
    }
    assert.deepEqual(
      registry.list().map((info) => info.id),
      ['a', 'b', 'c'],
    )
    const b = registry.use('b')
    await b.engine.create('notes', { text })
    registry.account(b)
    assert.deepEqual(
      registry.list().map((info) => info.id),
      ['c', 'b'],
    )
    assert.ok(registry.bytes <= 7_000)
    const big = registry.use('big')
    await big.engine.create('notes', { text: 'y'.repeat(10_000) })
    registry.account(big)
    assert.deepEqual(
      registry.list().map((info) => info.id),
      ['big'],
    )
  })

  test('reset returns a session to the seed and its simulation to the configured one', async () => {
    const { registry } = setup()
    const session = registry.use('a')
    await session.engine.create('notes', { text: 'mine' })
    session.ownSimulator().addFault({ method: 'GET', path: '/notes', status: 503, times: 1, after: 0 })
    registry.reset('a')
    assert.equal(session.engine.list('notes').length, 1)
    assert.equal(session.changed, 0)
    assert.deepEqual(session.simulator.listFaults(), [])
  })

  test('a new seed (a reload) ends every session', async () => {
    const { engine, registry } = setup()
    registry.use('a')
    engine.setSeed({ notes: [] })
    assert.deepEqual(registry.list(), [])
    assert.equal(registry.use('b').engine.list('notes').length, 0)
  })

  test('limits: durations and sizes as users write them', () => {
    assert.deepEqual(sessionLimitsOf({ sessionTtl: '90s', maxSessions: 5, maxSessionBytes: '1MB' }), {
      ttlMs: 90_000,
      maxSessions: 5,
      maxBytes: 1024 * 1024,
    })
    assert.equal(parseByteSize('256mb'), 256 * 1024 * 1024)
    assert.equal(parseByteSize('2 GB'), 2 * 1024 ** 3)
    assert.equal(parseByteSize('lots'), undefined)
    assert.throws(
      () => sessionLimitsOf({ sessionTtl: 'soon', maxSessions: 0 }),
      /sessionTtl must be a duration .* got "soon"; maxSessions must be a whole number >= 1, got 0/,
    )
  })
})
