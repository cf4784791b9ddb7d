import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { ConfigError, RestmockError } from '../../src/core/errors.ts'
import type { Mutation, StateData } from '../../src/core/store.ts'
import { applyMutations, createStateBuilder } from '../../src/core/store.ts'
import { createGroupCommit } from '../../src/server/persistence/group-commit.ts'
import { encodeBatch, encodeMutation, parseJournal } from '../../src/server/persistence/journal-format.ts'
import { createMemoryPersistence } from '../../src/server/persistence/persistence.ts'
import { parseStateFile } from '../../src/server/persistence/state-file.ts'

const bytes = (text: string): Uint8Array => Buffer.from(text)
const lines = (...mutations: Mutation[]): string => mutations.map((m) => `${encodeMutation(m)}\n`).join('')

describe('applyMutations', () => {
  const initial: StateData = {
    posts: [
      { id: 1, title: 'a' },
      { id: 2, title: 'b' },
    ],
    profile: { name: 'x' },
  }

  test('upsert replaces in place, appends new ids, delete removes; the input is not modified', () => {
    const result = applyMutations(initial, [
      { op: 'upsert', resource: 'posts', id: 1, record: { id: 1, title: 'A' } },
      { op: 'upsert', resource: 'posts', id: 3, record: { id: 3, title: 'c' } },
      { op: 'delete', resource: 'posts', id: 2 },
      { op: 'singleton', resource: 'profile', value: { name: 'y' } },
      { op: 'upsert', resource: 'comments', id: 'k', record: { id: 'k' } },
    ])
    assert.deepEqual(result, {
      posts: [
        { id: 1, title: 'A' },
        { id: 3, title: 'c' },
      ],
      profile: { name: 'y' },
      comments: [{ id: 'k' }],
    })
    assert.deepEqual(initial.posts, [
      { id: 1, title: 'a' },
      { id: 2, title: 'b' },
    ])
  })

  test('ids match by their text: a string "1" finds the stored number 1', () => {
    const result = applyMutations(initial, [{ op: 'delete', resource: 'posts', id: '1' }])
    assert.deepEqual(result.posts, [{ id: 2, title: 'b' }])
  })

  test('replace starts from the given state; deletes of unknown resources or ids change nothing', () => {
    const result = applyMutations(initial, [
      { op: 'replace', state: { tags: [{ id: 'x' }] } },
      { op: 'delete', resource: 'posts', id: 1 },
      { op: 'delete', resource: 'tags', id: 'nope' },
    ])
    assert.deepEqual(result, { tags: [{ id: 'x' }] })
  })

  test('replaying mutations over a state that already holds them gives the same records', () => {
    const mutations: Mutation[] = [
      { op: 'upsert', resource: 'posts', id: 3, record: { id: 3, title: 'c' } },
      { op: 'delete', resource: 'posts', id: 1 },
      { op: 'upsert', resource: 'posts', id: 2, record: { id: 2, title: 'B' } },
    ]
    const once = applyMutations(initial, mutations)
    assert.deepEqual(applyMutations(once, mutations), once)
  })

  test('untouched collections are returned as they came, without indexing', () => {
    const builder = createStateBuilder(initial)
    builder.apply({ op: 'singleton', resource: 'profile', value: { name: 'z' } })
    assert.equal(builder.result().posts, initial.posts)
  })
})

describe('parseJournal', () => {
  test('an upsert line is exactly JSON.stringify of the mutation, with the record text shared', () => {
    const record = Object.freeze({ id: 'a"\u2028b', title: 'x\ny', nested: { list: [1, null] } })
    for (const mutation of [
      { op: 'upsert', resource: 'po"sts', id: 'a"\u2028b', record },
      { op: 'upsert', resource: 'posts', id: 7, record: { id: 7, plain: true } },
      { op: 'delete', resource: 'posts', id: 7 },
    ] satisfies Mutation[])
      assert.equal(encodeMutation(mutation), JSON.stringify(mutation))
  })

  const m1: Mutation = { op: 'upsert', resource: 'posts', id: 1, record: { id: 1, text: 'line\nbreak ü 😀' } }
  const m2: Mutation = { op: 'delete', resource: 'posts', id: 1 }

  test('reads one mutation per line, newlines inside values included', () => {
    const parsed = parseJournal(bytes(lines(m1, m2)), 'j')
    assert.deepEqual(parsed.mutations, [m1, m2])
    assert.equal(parsed.tornTail, false)
    assert.equal(parsed.validBytes, Buffer.byteLength(lines(m1, m2)))
  })

  test('a torn last line (no newline) is dropped and cut off', () => {
    const good = lines(m1)
    const parsed = parseJournal(bytes(`${good}{"op":"delete","reso`), 'j')
    assert.deepEqual(parsed.mutations, [m1])
    assert.equal(parsed.tornTail, true)
    assert.equal(parsed.validBytes, Buffer.byteLength(good))
  })

  test('an unparsable last line is dropped too (zeros left by a crash)', () => {
    const good = lines(m1)
    const parsed = parseJournal(bytes(`${good}\0\0\0\n`), 'j')
    assert.deepEqual(parsed.mutations, [m1])
    assert.equal(parsed.validBytes, Buffer.byteLength(good))
  })

  test('a bad line anywhere else is a ConfigError naming the file and the line', () => {
    const text = `${lines(m1)}{"op":"upsert" oops\n${lines(m2)}`
    assert.throws(
      () => parseJournal(bytes(text), '/data/db.json.journal'),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError)
        assert.match(error.message, /db\.json\.journal is damaged at line 2/)
        assert.equal(error.issues[0]?.line, 2)
        assert.equal(error.issues[0]?.path, '/data/db.json.journal')
        return true
      },
    )
  })

  test('valid JSON that is not a mutation is reported as such', () => {
    const text = `{"op":"upsert","resource":"posts"}\n${lines(m2)}`
    assert.throws(() => parseJournal(bytes(text), 'j'), /line 1/)
    try {
      parseJournal(bytes(text), 'j')
    } catch (error) {
      assert.match(
        (error as ConfigError).issues[0]?.message ?? '',
        /upsert needs "resource", "id" and an object/,
      )
    }
  })
})

describe('parseJournal: framed batches', () => {
  const m1: Mutation = { op: 'upsert', resource: 'posts', id: 1, record: { id: 1, text: 'ü\n😀' } }
  const m2: Mutation = { op: 'delete', resource: 'posts', id: 1 }
  const m3: Mutation = { op: 'upsert', resource: 'tags', id: 'x', record: { id: 'x' } }
  const batch = (...mutations: Mutation[]): Buffer => encodeBatch(mutations.map(encodeMutation))

  test('batches and bare lines (older journals) read in order', () => {
    const journal = Buffer.concat([Buffer.from(lines(m1)), batch(m2, m3), Buffer.from(lines(m1))])
    const parsed = parseJournal(journal, 'j')
    assert.deepEqual(parsed.mutations, [m1, m2, m3, m1])
    assert.equal(parsed.tornTail, false)
    assert.equal(parsed.validBytes, journal.byteLength)
  })

  test('every cut inside the last batch drops it whole and cuts back to its start', () => {
    const whole = batch(m1)
    const last = batch(m2, m3)
    for (let cut = 0; cut < last.byteLength; cut++) {
      const parsed = parseJournal(Buffer.concat([whole, last.subarray(0, cut)]), 'j')
      assert.deepEqual(parsed.mutations, [m1], `cut at ${cut}`)
      assert.equal(parsed.validBytes, whole.byteLength)
      assert.equal(parsed.tornTail, cut > 0)
    }
  })

  test('a header whose line count disagrees with its body is damage when more follows', () => {
    const good = batch(m2, m3)
    const header = good
      .subarray(0, good.indexOf(0x0a) + 1)
      .toString()
      .replace('"batch":2', '"batch":3')
    const lying = Buffer.concat([Buffer.from(header), good.subarray(good.indexOf(0x0a) + 1)])
    assert.throws(
      () => parseJournal(Buffer.concat([batch(m1), lying, batch(m1)]), 'j'),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError)
        assert.equal(error.issues[0]?.line, 3)
        assert.match(error.issues[0]?.message ?? '', /announces 3 lines, its body holds 2/)
        return true
      },
    )
    assert.deepEqual(parseJournal(Buffer.concat([batch(m1), lying]), 'j').mutations, [m1])
  })

  test('a line inside a batch that passes its checksum but is no mutation is named by its own line', () => {
    const bad = encodeBatch([encodeMutation(m2), '{"op":"explode"}'])
    assert.throws(
      () => parseJournal(Buffer.concat([batch(m1), bad]), 'j'),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError)
        assert.equal(error.issues[0]?.line, 5)
        assert.match(error.issues[0]?.message ?? '', /unknown operation "explode" \(in the batch at line 3\)/)
        return true
      },
    )
  })
})

describe('parseStateFile', () => {
  test('accepts seed-data shape', () => {
    assert.deepEqual(parseStateFile(bytes('{"posts":[{"id":1}],"profile":{}}'), 's.json'), {
      posts: [{ id: 1 }],
      profile: {},
    })
  })

  test('invalid JSON names the file, the line and the column', () => {
    const text = '{\n  "posts": [\n    { "id": 1 }\n    { "id": 2 }\n  ]\n}'
    assert.throws(
      () => parseStateFile(bytes(text), '/data/db.json'),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError)
        assert.match(error.message, /\/data\/db\.json is not valid JSON/)
        assert.equal(error.issues[0]?.line, 4)
        assert.match(error.issues[0]?.message ?? '', /^column 5: /)
        return true
      },
    )
  })

  test('a truncated file points at its end', () => {
    assert.throws(
      () => parseStateFile(bytes('{\n"posts": ['), 's.json'),
      (error: unknown) => (error as ConfigError).issues[0]?.line === 2,
    )
  })

  test('a top-level array or a scalar resource is refused', () => {
    assert.throws(() => parseStateFile(bytes('[]'), 's.json'), /JSON object keyed by resource name/)
    assert.throws(
      () => parseStateFile(bytes('{"posts": 3}'), 's.json'),
      (error: unknown) => (error as ConfigError).issues[0]?.path === 's.json: posts',
    )
  })
})

describe('group commit', () => {
  const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

  function controlledWriter() {
    const writes: string[][] = []
    const pending: Array<{ release: (error?: Error) => void }> = []
    const write = (batch: readonly string[]): Promise<void> => {
      writes.push([...batch])
      return new Promise((resolve, reject) => {
        pending.push({ release: (error) => (error ? reject(error) : resolve()) })
      })
    }
    const release = async (error?: Error): Promise<void> => {
      pending.shift()?.release(error)
      await nextTurn()
    }
    return { writes, write, release }
  }

  test('commits of one event-loop turn share a write; commits during a write share the next', async () => {
    const writer = controlledWriter()
    const group = createGroupCommit(writer.write)
    const first = [group.add(['a']), group.add(['b', 'c'])]
    assert.equal(writer.writes.length, 0, 'the write starts at the end of the turn')
    await nextTurn()
    assert.deepEqual(writer.writes, [['a', 'b', 'c']])
    const rest = Array.from({ length: 99 }, (_, i) => group.add([`d${i}`]))
    await nextTurn()
    assert.equal(writer.writes.length, 1, 'nothing else is written while a write is in flight')
    await writer.release()
    await Promise.all(first)
    assert.equal(writer.writes.length, 2)
    assert.equal(writer.writes[1]?.length, 99)
    await writer.release()
    await Promise.all(rest)
  })

  test('a failed batch rejects, and so does every batch queued behind it; later ones write again', async () => {
    const writer = controlledWriter()
    const group = createGroupCommit(writer.write)
    const failing = group.add(['a'])
    await nextTurn()
    const behind = group.add(['b'])
    const failure = new RestmockError('persistence_failed', 'disk full')
    const checks = Promise.all([
      assert.rejects(failing, (error) => error === failure),
      assert.rejects(behind, (error: unknown) => (error as RestmockError).code === 'persistence_failed'),
    ])
    await writer.release(failure)
    await checks
    assert.equal(writer.writes.length, 1, 'the doomed batch is never written')
    const later = group.add(['c'])
    await nextTurn()
    await writer.release()
    await later
    assert.deepEqual(writer.writes, [['a'], ['c']])
  })

  test('a barrier stops the failure from reaching the batches behind it', async () => {
    const writer = controlledWriter()
    const group = createGroupCommit(writer.write)
    const failing = group.add(['a'])
    const reset = group.exclusive(async () => 'reset done', { barrier: true })
    const after = group.add(['b'])
    const failed = assert.rejects(failing, /boom/)
    await nextTurn()
    await writer.release(new Error('boom'))
    await failed
    assert.equal(await reset, 'reset done')
    await writer.release()
    await after
    assert.deepEqual(writer.writes, [['a'], ['b']])
  })

  test('exclusive tasks run alone in arrival order; settled reports failures behind them', async () => {
    const writer = controlledWriter()
    const group = createGroupCommit(writer.write)
    const order: string[] = []
    const before = group.add(['a']).then(() => order.push('a'))
    let watch: Promise<boolean> | undefined
    const task = group.exclusive(async () => {
      order.push('task')
      watch = group.settled(group.lastSeq)
    })
    const after = group.add(['b']).catch(() => order.push('b failed'))
    await nextTurn()
    await writer.release()
    await before
    await task
    assert.equal(writer.writes.length, 2)
    await writer.release(new Error('boom'))
    await after
    assert.deepEqual(order, ['a', 'task', 'b failed'])
    assert.equal(await watch, false)
  })
})

test('memory persistence acknowledges at once and has nothing to load', async () => {
  const memory = createMemoryPersistence()
  assert.equal(await memory.load(), undefined)
  await memory.commit([{ op: 'delete', resource: 'x', id: 1 }])
  await memory.reset({})
  await memory.flush()
  await memory.close()
})
