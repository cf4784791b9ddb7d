import assert from 'node:assert/strict'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import { ConfigError, RestmockError } from '../../src/core/errors.ts'
import { createRandom, type Random, randomInt } from '../../src/core/random.ts'
import { idKey, type Mutation, type Rec, type StateData } from '../../src/core/store.ts'
import { createFilePersistence, type FilePersistenceOptions } from '../../src/server/persistence/file.ts'
import {
  createNodeFs,
  type JournalHandle,
  type PersistenceFs,
} from '../../src/server/persistence/fs-layer.ts'
import { encodeBatch, encodeMutation } from '../../src/server/persistence/journal-format.ts'

const dirs: string[] = []
after(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })))
})

async function tempFile(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'restmock-persistence-'))
  dirs.push(dir)
  return join(dir, 'state.json')
}

/**
 * The reference store, written independently of core/apply-mutation: arrays searched linearly,
 * copy on write so that a snapshot never changes afterwards.
 */
function createModel(initial: StateData) {
  let state: StateData = { ...initial }
  return {
    get state(): StateData {
      return state
    },
    snapshot: (): StateData => ({ ...state }),
    apply(mutation: Mutation): void {
      if (mutation.op === 'replace') {
        state = { ...mutation.state }
        return
      }
      if (mutation.op === 'singleton') {
        state = { ...state, [mutation.resource]: mutation.value }
        return
      }
      const current = state[mutation.resource]
      const records = Array.isArray(current) ? current : []
      const key = idKey(mutation.id)
      const at = records.findIndex((record) => idKey(record.id) === key)
      let next: Rec[]
      if (mutation.op === 'delete') {
        if (!Array.isArray(current)) return
        next = records.filter((_, i) => i !== at)
      } else if (at === -1) next = [...records, mutation.record]
      else next = records.map((record, i) => (i === at ? mutation.record : record))
      state = { ...state, [mutation.resource]: next }
    },
  }
}

type Model = ReturnType<typeof createModel>

const initialState = (): StateData => ({
  posts: [
    { id: 1, title: 'first', tags: ['a'] },
    { id: 2, title: 'second', author: { name: 'Zoë' } },
  ],
  tags: [{ id: 'news', label: 'News' }],
  settings: { theme: 'light' },
})

/**
 * A random mutation the way the engine produces them. `recreate: false` never reuses a deleted id: a journal
 * replayed over a snapshot that already holds it (crash mid-compaction) gives the same records, but a
 * record deleted and created again may then sit at another position.
 */
function randomMutation(random: Random, model: Model, nextId: () => number, recreate = true): Mutation {
  const posts = (model.state.posts as Rec[] | undefined) ?? []
  const pick = random()
  const title = `t${randomInt(random, 0, 9999)} "quoted"\nline ü 😀`
  if (pick < 0.35 || posts.length === 0) {
    const id = nextId()
    return { op: 'upsert', resource: 'posts', id, record: { id, title, views: randomInt(random, 0, 999) } }
  }
  const existing = posts[randomInt(random, 0, posts.length - 1)]!
  const id = existing.id as number
  if (pick < 0.6) return { op: 'upsert', resource: 'posts', id, record: { ...existing, title } }
  if (pick < 0.8) return { op: 'delete', resource: 'posts', id }
  if (pick < 0.88 && recreate)
    return { op: 'upsert', resource: 'posts', id: String(id), record: { id, title } }
  if (pick < 0.95) {
    const tag = recreate ? `tag${randomInt(random, 0, 20)}` : `tag${nextId()}`
    return random() < 0.5
      ? { op: 'upsert', resource: 'tags', id: tag, record: { id: tag, label: title } }
      : { op: 'delete', resource: 'tags', id: tag }
  }
  if (pick < 0.99) return { op: 'singleton', resource: 'settings', value: { theme: title } }
  return { op: 'replace', state: { ...initialState(), posts: posts.slice(0, 3) } }
}

function idCounter(start = 100): () => number {
  let id = start
  return () => ++id
}

function open(file: string, model: Model, extra: Partial<FilePersistenceOptions> = {}) {
  return createFilePersistence({ file, snapshot: model.snapshot, ...extra })
}

/** Like the engine: apply in memory, then commit in the same turn. */
function commit(persistence: ReturnType<typeof open>, model: Model, mutations: Mutation[]): Promise<void> {
  for (const mutation of mutations) model.apply(mutation)
  return persistence.commit(mutations)
}

async function reload(file: string): Promise<StateData | undefined> {
  return createFilePersistence({ file, snapshot: () => ({}) }).load()
}

const journalFiles = async (file: string): Promise<string[]> =>
  (await readdir(join(file, '..'))).filter((name) => name.includes('.journal')).sort()

describe('file persistence', () => {
  test('first start: nothing to load; reset writes the snapshot as plain pretty JSON', async () => {
    const file = await tempFile()
    const model = createModel(initialState())
    const persistence = open(file, model)
    assert.equal(await persistence.load(), undefined)
    await persistence.reset(model.state)
    assert.equal(await readFile(file, 'utf8'), JSON.stringify(initialState(), null, 2))
    assert.deepEqual(await journalFiles(file), [])
    await persistence.close()
  })

  test('100 concurrent commits all resolve with far fewer appends, and survive a restart', async () => {
    const file = await tempFile()
    const model = createModel(initialState())
    const persistence = open(file, model)
    await persistence.reset(model.state)
    const nextId = idCounter()
    const commits = Array.from({ length: 100 }, () => {
      const id = nextId()
      return commit(persistence, model, [{ op: 'upsert', resource: 'posts', id, record: { id } }])
    })
    await Promise.all(commits)
    assert.ok(persistence.stats.appends <= 5, `${persistence.stats.appends} appends for 100 commits`)
    const journal = (await readFile(`${file}.journal`, 'utf8')).split('\n').slice(0, -1)
    const headers = journal.filter((line) => line.startsWith('{"batch":'))
    assert.equal(headers.length, persistence.stats.appends, 'one framed batch per append')
    assert.equal(journal.length - headers.length, 100, 'one line per commit')
    assert.deepEqual(await reload(file), model.state)
    await persistence.close()
    assert.deepEqual(await journalFiles(file), [], 'close compacts the journal into the snapshot')
    assert.deepEqual(JSON.parse(await readFile(file, 'utf8')), model.state)
  })

  test('replay equals the in-memory state after random operations, with compactions racing the commits', async () => {
    for (let seed = 1; seed <= 25; seed++) {
      const random = createRandom(seed)
      const file = await tempFile()
      const model = createModel(initialState())
      const persistence = open(file, model, { compactAfterBytes: Number.MAX_SAFE_INTEGER })
      await persistence.reset(model.state)
      const nextId = idCounter()
      const inFlight: Promise<void>[] = []
      for (let burst = 0; burst < 30; burst++) {
        const size = randomInt(random, 1, 6)
        for (let i = 0; i < size; i++) {
          const mutations = [randomMutation(random, model, nextId)]
          if (random() < 0.2) mutations.push(randomMutation(random, model, nextId))
          inFlight.push(commit(persistence, model, mutations))
        }
        const action = random()
        if (action < 0.1) inFlight.push(persistence.flush())
        else if (action < 0.15) await persistence.flush()
        else if (action < 0.5) await Promise.all(inFlight)
      }
      await Promise.all(inFlight)
      assert.deepEqual(await reload(file), model.state, `seed ${seed}: replay after a crash`)
      await persistence.close()
      assert.deepEqual(await reload(file), model.state, `seed ${seed}: after a clean close`)
    }
  })

  test('background compaction starts past the threshold and loses nothing', async () => {
    const file = await tempFile()
    const model = createModel(initialState())
    // observe each compaction: it renames the journal first and deletes the renamed file last
    const real = createNodeFs()
    let started = 0
    let finished = 0
    const fs: PersistenceFs = {
      ...real,
      rename: async (from, to) => {
        started++
        await real.rename(from, to)
      },
      unlink: async (path) => {
        await real.unlink(path)
        finished++
      },
    }
    const persistence = open(file, model, { fs, compactAfterBytes: 2_000 })
    await persistence.reset(model.state)
    const random = createRandom(7)
    const nextId = idCounter()
    let compactionsSeen = 0
    for (let round = 0; round < 40; round++) {
      await Promise.all(
        Array.from({ length: 5 }, () => commit(persistence, model, [randomMutation(random, model, nextId)])),
      )
      // past the threshold a compaction is under way: wait until it has deleted the journal it renamed
      if (persistence.stats.journalBytes >= 2_000) {
        compactionsSeen++
        while (persistence.stats.journalBytes >= 2_000 || started > finished) {
          await new Promise((resolve) => setImmediate(resolve))
        }
      }
      assert.deepEqual(await reload(file), model.state, `round ${round}`)
    }
    assert.ok(compactionsSeen >= 5, `${compactionsSeen} compactions`)
    assert.equal(persistence.stats.compactions, compactionsSeen)
    await persistence.close()
    assert.deepEqual(await reload(file), model.state)
  })

  test('a torn last line is ignored, and cut off only at the first write; appends continue on a line of their own', async () => {
    const file = await tempFile()
    const m1: Mutation = { op: 'upsert', resource: 'posts', id: 3, record: { id: 3, title: 'kept' } }
    const good = `${encodeMutation(m1)}\n`
    await writeFile(file, JSON.stringify(initialState()))
    await writeFile(`${file}.journal`, `${good}{"op":"upsert","resource":"posts","id":4,"rec`)
    const model = createModel(initialState())
    model.apply(m1)
    const logs: string[] = []
    const persistence = open(file, model, { log: (message) => logs.push(message) })
    assert.deepEqual(await persistence.load(), model.state)
    assert.match(logs.join('\n'), /torn last batch/)
    const torn = `${good}{"op":"upsert","resource":"posts","id":4,"rec`
    assert.equal(await readFile(`${file}.journal`, 'utf8'), torn, 'loading writes nothing')
    await commit(persistence, model, [{ op: 'delete', resource: 'posts', id: 1 }])
    const after = await readFile(`${file}.journal`, 'utf8')
    assert.ok(after.startsWith(`${good}{"batch":1,`), 'the torn line was cut before the first append')
    assert.deepEqual(await reload(file), model.state)
    await persistence.close()
  })

  test('constructing and loading write nothing: torn tails and set-aside journals wait for the first write', async () => {
    const file = await tempFile()
    const m1: Mutation = { op: 'upsert', resource: 'posts', id: 3, record: { id: 3 } }
    const m2: Mutation = { op: 'delete', resource: 'posts', id: 1 }
    const torn = encodeBatch([encodeMutation(m2)]).subarray(0, 20)
    await writeFile(file, JSON.stringify(initialState()))
    await writeFile(`${file}.journal.4`, Buffer.concat([encodeBatch([encodeMutation(m1)]), torn]))
    await writeFile(`${file}.journal`, Buffer.concat([encodeBatch([encodeMutation(m2)]), torn]))
    const dir = join(file, '..')
    const contents = async () =>
      Promise.all((await readdir(dir)).sort().map(async (name) => [name, await readFile(join(dir, name))]))
    const before = await contents()
    const real = createNodeFs()
    const writes: string[] = []
    const recorded = (name: string) => async (): Promise<never> => {
      writes.push(name)
      throw new Error(`${name} during load`)
    }
    const fs: PersistenceFs = {
      ...real,
      openJournal: recorded('openJournal'),
      truncate: recorded('truncate'),
      rename: recorded('rename'),
      unlink: recorded('unlink'),
      writeJson: recorded('writeJson'),
      syncPath: recorded('syncPath'),
    }
    const model = createModel(initialState())
    model.apply(m1)
    model.apply(m2)
    const persistence = open(file, model, { fs, sync: true, compactAfterBytes: 1 })
    assert.deepEqual(await persistence.load(), model.state)
    assert.deepEqual(writes, [])
    assert.deepEqual(await contents(), before)
  })

  test('a damaged line in the middle of the journal refuses to load, naming the line', async () => {
    const file = await tempFile()
    const line = encodeMutation({ op: 'delete', resource: 'posts', id: 1 })
    await writeFile(file, JSON.stringify(initialState()))
    await writeFile(`${file}.journal`, `${line}\n${line}\nnot json\n${line}\n`)
    const before = await readFile(`${file}.journal`, 'utf8')
    await assert.rejects(reload(file), (error: unknown) => {
      assert.ok(error instanceof ConfigError)
      assert.match(error.format(), /state\.json\.journal.*\(line 3\)/)
      return true
    })
    assert.equal(await readFile(`${file}.journal`, 'utf8'), before)
  })

  test('a state file that does not parse is refused and never overwritten', async () => {
    const file = await tempFile()
    const broken = '{\n  "posts": [\n    { "id": 1 },\n  ]\n}\n'
    await writeFile(file, broken)
    await writeFile(`${file}.journal`, `${encodeMutation({ op: 'delete', resource: 'posts', id: 1 })}\n`)
    const persistence = open(file, createModel({}))
    await assert.rejects(persistence.load(), (error: unknown) => {
      assert.ok(error instanceof ConfigError)
      assert.match(error.message, /state\.json is not valid JSON/)
      assert.equal(error.issues[0]?.line, 4)
      return true
    })
    await persistence.close()
    assert.equal(await readFile(file, 'utf8'), broken)
  })

  test('without a snapshot, the journal alone is replayed', async () => {
    const file = await tempFile()
    await writeFile(
      `${file}.journal`,
      `${encodeMutation({ op: 'upsert', resource: 'posts', id: 1, record: { id: 1 } })}\n`,
    )
    assert.deepEqual(await reload(file), { posts: [{ id: 1 }] })
  })

  test('--reset before any load: the old journal is discarded without asking for the live state', async () => {
    const file = await tempFile()
    await writeFile(file, JSON.stringify(initialState()))
    await writeFile(`${file}.journal`, `${encodeMutation({ op: 'delete', resource: 'posts', id: 1 })}\n`)
    const persistence = createFilePersistence({
      file,
      snapshot: () => {
        throw new Error('the engine does not exist yet')
      },
    })
    const seed: StateData = { posts: [{ id: 7 }] }
    await persistence.reset(seed)
    assert.deepEqual(await journalFiles(file), [])
    assert.deepEqual(await reload(file), seed)
  })

  test('sync mode fsyncs and acknowledges the same way', async () => {
    const file = await tempFile()
    const model = createModel(initialState())
    const persistence = open(file, model, { sync: true })
    await persistence.reset(model.state)
    const nextId = idCounter()
    await Promise.all(
      Array.from({ length: 10 }, () => {
        const id = nextId()
        return commit(persistence, model, [{ op: 'upsert', resource: 'posts', id, record: { id } }])
      }),
    )
    assert.deepEqual(await reload(file), model.state)
    await persistence.close()
    assert.deepEqual(await reload(file), model.state)
  })

  test('reset replaces everything saved, atomically, and later commits build on it', async () => {
    const file = await tempFile()
    const model = createModel(initialState())
    const persistence = open(file, model)
    await persistence.reset(model.state)
    await commit(persistence, model, [{ op: 'delete', resource: 'posts', id: 1 }])
    const fresh: StateData = { posts: [{ id: 9 }], settings: { theme: 'dark' } }
    model.apply({ op: 'replace', state: fresh })
    await persistence.reset(fresh)
    assert.deepEqual(await journalFiles(file), [], 'reset compacts')
    assert.deepEqual(JSON.parse(await readFile(file, 'utf8')), fresh)
    await commit(persistence, model, [{ op: 'upsert', resource: 'posts', id: 10, record: { id: 10 } }])
    assert.deepEqual(await reload(file), model.state)
    await persistence.close()
  })

  test('adopt: a hand-edited state file is taken as it is, never written back; journals go', async () => {
    const file = await tempFile()
    const model = createModel(initialState())
    const persistence = open(file, model)
    await persistence.reset(model.state)
    await commit(persistence, model, [{ op: 'delete', resource: 'posts', id: 1 }])
    assert.notDeepEqual(await journalFiles(file), [])
    const edited = '{"posts":[{"id":42,"title":"by hand"}]}'
    await writeFile(file, edited)
    model.apply({ op: 'replace', state: JSON.parse(edited) as StateData })
    await persistence.adopt(JSON.parse(edited) as StateData)
    assert.deepEqual(await journalFiles(file), [])
    assert.equal(await readFile(file, 'utf8'), edited, 'the file is not rewritten')
    await commit(persistence, model, [{ op: 'upsert', resource: 'posts', id: 43, record: { id: 43 } }])
    assert.deepEqual(await reload(file), model.state)
    await persistence.close()
  })
})

type FsOp = keyof PersistenceFs

/** Wraps the real file layer: at the chosen call of one operation the "process dies", and nothing after it happens. */
function dyingFs(op: FsOp, call: number, when: 'before' | 'after'): PersistenceFs & { dead: () => boolean } {
  const real = createNodeFs()
  const counts = new Map<FsOp, number>()
  let dead = false
  const died = (): Error => new Error('the process died here')
  const wrapped = {} as Record<FsOp, (...args: never[]) => Promise<unknown>>
  for (const name of Object.keys(real) as FsOp[]) {
    const original = real[name] as (...args: unknown[]) => Promise<unknown>
    wrapped[name] = async (...args: unknown[]) => {
      if (dead) throw died()
      const count = (counts.get(name) ?? 0) + 1
      counts.set(name, count)
      const fatal = name === op && count === call
      if (fatal && when === 'before') {
        dead = true
        throw died()
      }
      const result = await original(...args)
      if (fatal) {
        dead = true
        throw died()
      }
      if (name === 'openJournal') return guardHandle(result as JournalHandle, () => dead, died)
      return result
    }
  }
  return { ...(wrapped as unknown as PersistenceFs), dead: () => dead }
}

function guardHandle(handle: JournalHandle, isDead: () => boolean, died: () => Error): JournalHandle {
  const guard =
    <A extends unknown[]>(fn: (...args: A) => Promise<void>) =>
    async (...args: A) => {
      if (isDead()) throw died()
      return fn(...args)
    }
  return {
    append: guard(handle.append),
    sync: guard(handle.sync),
    truncate: guard(handle.truncate),
    close: handle.close,
  }
}

describe('crashes during compaction and reset lose no acknowledged write', () => {
  // every step of a compaction: rotate the journal, write the snapshot, delete the rotated journal
  const crashPoints: Array<[FsOp, number, 'before' | 'after']> = [
    ['rename', 1, 'before'],
    ['rename', 1, 'after'],
    ['writeJson', 2, 'before'],
    ['writeJson', 2, 'after'],
    ['unlink', 1, 'before'],
  ]
  for (const [op, call, when] of crashPoints) {
    test(`crash ${when} ${op} #${call}`, async () => {
      const file = await tempFile()
      const model = createModel(initialState())
      const fs = dyingFs(op, call, when)
      const persistence = open(file, model, { fs, compactAfterBytes: Number.MAX_SAFE_INTEGER })
      await persistence.reset(model.state)
      const random = createRandom(call * 31 + op.length)
      const nextId = idCounter()
      for (let round = 0; round < 3; round++) {
        await Promise.all(
          Array.from({ length: 8 }, () =>
            commit(persistence, model, [randomMutation(random, model, nextId, false)]),
          ),
        )
      }
      const acknowledged = model.snapshot()
      const unacknowledged = commit(persistence, model, [{ op: 'delete', resource: 'posts', id: 2 }])
      await persistence.flush().catch(() => {})
      await unacknowledged.catch(() => {})
      assert.ok(fs.dead(), 'the crash point was reached')
      const recovered = await reload(file)
      const { posts: recoveredPosts, ...recoveredRest } = recovered ?? {}
      const { posts: expectedPosts, ...expectedRest } = acknowledged
      assert.deepEqual(recoveredRest, expectedRest)
      // the delete was never acknowledged: it may or may not have landed
      const withoutDelete = (recoveredPosts as Rec[]).filter((post) => post.id !== 2)
      assert.deepEqual(
        withoutDelete,
        (expectedPosts as Rec[]).filter((post) => post.id !== 2),
      )
    })
  }

  test('crash after the replace line of a reset: the reset state stands', async () => {
    const file = await tempFile()
    const model = createModel(initialState())
    const fs = dyingFs('rename', 1, 'before')
    const persistence = open(file, model, { fs })
    await persistence.reset(model.state)
    await commit(persistence, model, [{ op: 'delete', resource: 'posts', id: 1 }])
    const fresh: StateData = { posts: [{ id: 42 }] }
    await assert.rejects(persistence.reset(fresh), /the process died/)
    assert.deepEqual(await reload(file), fresh)
  })
})

describe('a failing journal write', () => {
  /** append #failAt writes half its bytes, then waits for `release` and fails */
  function failingFs(failAt: number) {
    const real = createNodeFs()
    let appends = 0
    let release: () => void = () => {}
    const released = new Promise<void>((resolve) => {
      release = resolve
    })
    let reached: () => void = () => {}
    const failing = new Promise<void>((resolve) => {
      reached = resolve
    })
    const fs: PersistenceFs = {
      ...real,
      openJournal: async (path) => {
        const handle = await real.openJournal(path)
        return {
          ...handle,
          append: async (bytes) => {
            appends++
            if (appends !== failAt) return handle.append(bytes)
            await handle.append(bytes.subarray(0, Math.floor(bytes.byteLength / 2)))
            reached()
            await released
            throw new Error('ENOSPC: no space left on device')
          },
        }
      },
    }
    return { fs, release, failing }
  }

  test('rejects its batch and every commit queued behind it, and cuts the journal back', async () => {
    const file = await tempFile()
    const model = createModel(initialState())
    const { fs, release, failing } = failingFs(2)
    const persistence = open(file, model, { fs })
    await persistence.reset(model.state)
    await commit(persistence, model, [{ op: 'upsert', resource: 'posts', id: 3, record: { id: 3 } }])
    const acknowledged = model.snapshot()
    const sizeBefore = (await readFile(`${file}.journal`)).byteLength

    const failingCommit = persistence.commit([{ op: 'delete', resource: 'posts', id: 1 }])
    await failing
    const queuedBehind = persistence.commit([{ op: 'delete', resource: 'posts', id: 2 }])
    const checks = Promise.all(
      [failingCommit, queuedBehind].map((promise) =>
        assert.rejects(promise, (error: unknown) => {
          assert.ok(error instanceof RestmockError)
          assert.equal(error.code, 'persistence_failed')
          // the detail reaches HTTP clients: it never names where the state lives
          assert.ok(!error.message.includes(file), error.message)
          return true
        }),
      ),
    )
    release()
    await checks
    assert.equal((await readFile(`${file}.journal`)).byteLength, sizeBefore)
    assert.deepEqual(await reload(file), acknowledged)

    const later: Mutation = { op: 'upsert', resource: 'posts', id: 4, record: { id: 4 } }
    model.apply(later)
    await persistence.commit([later])
    assert.deepEqual(await reload(file), {
      ...acknowledged,
      posts: [...(acknowledged.posts as Rec[]), { id: 4 }],
    })
    await persistence.close()
  })
})
