import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { ConfigError } from '../../src/core/errors.ts'
import type { Mutation, StateData } from '../../src/core/store.ts'
import { applyMutations } from '../../src/core/store.ts'
import { createFilePersistence } from '../../src/server/persistence/file.ts'
import { createNodeFs, type PersistenceFs } from '../../src/server/persistence/fs-layer.ts'
import { encodeBatch, encodeMutation } from '../../src/server/persistence/journal-format.ts'

const dirs: string[] = []
after(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })))
})

async function tempFile(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'restmock-torn-'))
  dirs.push(dir)
  return join(dir, 'state.json')
}

/** Node's fs/promises writes a buffer in chunks of this size: a larger batch takes several write() calls. */
const NODE_WRITE_CHUNK = 512 * 1024

const seed: StateData = {
  posts: [
    { id: 1, title: 'doomed' },
    { id: 2, title: 'kept' },
  ],
  comments: [
    { id: 1, postId: 1, body: 'a' },
    { id: 2, postId: 1, body: 'b' },
    { id: 3, postId: 2, body: 'c' },
  ],
}

const small: Mutation[] = [{ op: 'upsert', resource: 'posts', id: 3, record: { id: 3, title: 'small' } }]

/** A cascading delete of post 1 plus enough large records to make the batch span several writes. */
function largeBatch(): Mutation[] {
  const padding = 'x'.repeat(2_000)
  const imports: Mutation[] = Array.from({ length: 330 }, (_, i) => ({
    op: 'upsert',
    resource: 'posts',
    id: 100 + i,
    record: { id: 100 + i, title: `import ${i} ü`, padding },
  }))
  return [
    { op: 'delete', resource: 'comments', id: 1 },
    { op: 'delete', resource: 'comments', id: 2 },
    { op: 'delete', resource: 'posts', id: 1 },
    ...imports,
  ]
}

interface Written {
  file: string
  snapshot: Buffer
  journal: Buffer
  /** where the large batch starts in the journal */
  batchStart: number
  beforeBatch: StateData
  afterBatch: StateData
}

/** Writes seed + a small batch + one large batch through the real file layer, and stops there (no compaction). */
async function writeJournal(): Promise<Written> {
  const file = await tempFile()
  let state = seed
  const persistence = createFilePersistence({ file, snapshot: () => state })
  await persistence.load()
  await persistence.reset(seed)
  state = applyMutations(state, small)
  await persistence.commit(small)
  const beforeBatch = state
  const batchStart = (await readFile(`${file}.journal`)).byteLength
  const appends = persistence.stats.appends
  const batch = largeBatch()
  state = applyMutations(state, batch)
  await persistence.commit(batch)
  assert.equal(persistence.stats.appends, appends + 1, 'the large batch is one append')
  const journal = await readFile(`${file}.journal`)
  assert.ok(journal.byteLength - batchStart > NODE_WRITE_CHUNK, 'the batch needs several write() calls')
  const snapshot = await readFile(file)
  await persistence.close()
  return { file, snapshot, journal, batchStart, beforeBatch, afterBatch: state }
}

/** Reads the files of one directory from memory; any write fails the test (loading must write nothing). */
function memoryFs(files: Map<string, Uint8Array>): PersistenceFs {
  const refuse = (): never => {
    throw new Error('load wrote to the disk')
  }
  return {
    list: async () => [...files.keys()].map((path) => basename(path)),
    size: async (path) => files.get(path)?.byteLength,
    readFile: async (path) => files.get(path),
    openJournal: refuse,
    truncate: refuse,
    rename: refuse,
    unlink: refuse,
    writeJson: refuse,
    syncPath: refuse,
  }
}

/** Every offset near the start, the end and each write boundary of the batch, and a dense stride between. */
function cutOffsets(start: number, end: number): number[] {
  const offsets = new Set<number>()
  const around = (at: number, radius: number): void => {
    for (let offset = at - radius; offset <= at + radius; offset++)
      if (offset >= start && offset <= end) offsets.add(offset)
  }
  around(start, 1_024)
  around(end, 1_024)
  for (let boundary = start + NODE_WRITE_CHUNK; boundary < end; boundary += NODE_WRITE_CHUNK)
    around(boundary, 1_024)
  for (let offset = start; offset <= end; offset += 97) offsets.add(offset)
  return [...offsets].sort((a, b) => a - b)
}

describe('a batch spanning several writes is atomic on replay', () => {
  let written: Written
  before(async () => {
    written = await writeJournal()
  })

  test('cut at any offset inside the batch, replay gives the state before it; whole, the state after', async () => {
    const { file, snapshot, journal, batchStart, beforeBatch, afterBatch } = written
    const offsets = cutOffsets(batchStart, journal.byteLength)
    assert.ok(offsets.length > 8_000, `${offsets.length} cuts`)
    for (const offset of offsets) {
      const files = new Map<string, Uint8Array>([
        [file, snapshot],
        [`${file}.journal`, journal.subarray(0, offset)],
      ])
      const loaded = await createFilePersistence({ file, snapshot: () => ({}), fs: memoryFs(files) }).load()
      if (offset === journal.byteLength) assert.deepEqual(loaded, afterBatch, 'the whole batch')
      else assert.deepEqual(loaded, beforeBatch, `cut at byte ${offset - batchStart} of the batch`)
    }
  })

  test('after a cut, the first write drops the torn batch and later restarts see only whole batches', async () => {
    const { snapshot, journal, batchStart, beforeBatch } = written
    for (const offset of [batchStart + 1, batchStart + NODE_WRITE_CHUNK, journal.byteLength - 1]) {
      const copy = await tempFile()
      await writeFile(copy, snapshot)
      await writeFile(`${copy}.journal`, journal.subarray(0, offset))
      let state: StateData = {}
      const logs: string[] = []
      const restarted = createFilePersistence({ file: copy, snapshot: () => state, log: (m) => logs.push(m) })
      state = (await restarted.load()) ?? {}
      assert.deepEqual(state, beforeBatch)
      assert.match(logs.join('\n'), /torn last batch/)
      assert.equal((await readFile(`${copy}.journal`)).byteLength, offset, 'loading wrote nothing')
      const next: Mutation[] = [{ op: 'delete', resource: 'comments', id: 3 }]
      state = applyMutations(state, next)
      await restarted.commit(next)
      const reloaded = await createFilePersistence({ file: copy, snapshot: () => ({}) }).load()
      assert.deepEqual(reloaded, state)
      await restarted.close()
    }
  })

  test('a process killed between the write() calls of a batch never applies it', async () => {
    const { snapshot } = written
    const chunk = 128 * 1024
    for (const writesBeforeKill of [1, 2, 3, 4]) {
      const file = await tempFile()
      await writeFile(file, snapshot)
      let state: StateData = {}
      const real = createNodeFs()
      let dead = false
      const opened: Array<{ close(): Promise<void> }> = []
      // the journal handle writes a batch in chunks, and the "process" dies after some of them
      const fs: PersistenceFs = {
        ...real,
        openJournal: async (path) => {
          const handle = await real.openJournal(path)
          opened.push(handle)
          return {
            ...handle,
            append: async (bytes) => {
              if (bytes.byteLength <= chunk) return handle.append(bytes)
              for (let at = 0, writes = 0; at < bytes.byteLength; at += chunk, writes++) {
                if (writes === writesBeforeKill) {
                  dead = true
                  return new Promise<void>(() => {})
                }
                await handle.append(bytes.subarray(at, at + chunk))
              }
            },
          }
        },
      }
      const first = createFilePersistence({ file, snapshot: () => state, fs })
      state = (await first.load()) ?? {}
      state = applyMutations(state, small)
      await first.commit(small)
      const afterSmall = state
      const batch = largeBatch()
      state = applyMutations(state, batch)
      let acknowledged = false
      void first.commit(batch).then(() => {
        acknowledged = true
      })
      while (!dead) await new Promise((resolve) => setImmediate(resolve))
      assert.equal(acknowledged, false)
      const restarted = await createFilePersistence({ file, snapshot: () => ({}) }).load()
      assert.deepEqual(restarted, afterSmall, `killed after ${writesBeforeKill} writes`)
      for (const handle of opened) await handle.close()
    }
  })
})

describe('damaged batches', () => {
  const line = (mutation: Mutation): string => encodeMutation(mutation)
  const m1: Mutation = { op: 'upsert', resource: 'posts', id: 5, record: { id: 5, title: 'five' } }
  const m2: Mutation = { op: 'delete', resource: 'posts', id: 2 }
  const m3: Mutation = { op: 'upsert', resource: 'posts', id: 6, record: { id: 6, title: 'six' } }

  async function withJournal(journal: Uint8Array): Promise<string> {
    const file = await tempFile()
    await writeFile(file, JSON.stringify(seed))
    await writeFile(`${file}.journal`, journal)
    return file
  }

  /** Zeros in place of part of a batch, as a power loss can leave: same length, wrong checksum. */
  function zeroed(batch: Buffer): Buffer {
    const copy = Buffer.from(batch)
    const bodyStart = copy.indexOf(0x0a) + 1
    copy.fill(0, bodyStart + 5, bodyStart + 20)
    return copy
  }

  test('the last batch failing its checksum is dropped as torn', async () => {
    const file = await withJournal(
      Buffer.concat([encodeBatch([line(m1)]), zeroed(encodeBatch([line(m2), line(m3)]))]),
    )
    const loaded = await createFilePersistence({ file, snapshot: () => ({}) }).load()
    assert.deepEqual(loaded, applyMutations(seed, [m1]))
  })

  test('a batch failing its checksum with batches after it is damage, reported with its line', async () => {
    const file = await withJournal(
      Buffer.concat([
        encodeBatch([line(m1)]),
        zeroed(encodeBatch([line(m2), line(m3)])),
        encodeBatch([line(m1)]),
      ]),
    )
    await assert.rejects(createFilePersistence({ file, snapshot: () => ({}) }).load(), (error: unknown) => {
      assert.ok(error instanceof ConfigError)
      assert.match(error.message, /state\.json\.journal is damaged at line 3/)
      assert.equal(error.issues[0]?.line, 3)
      assert.match(error.issues[0]?.message ?? '', /does not match its checksum/)
      return true
    })
  })

  test('journals from before batches were framed still load, and new batches follow them', async () => {
    const file = await withJournal(Buffer.from(`${line(m1)}\n${line(m2)}\n`))
    let state: StateData = {}
    const persistence = createFilePersistence({ file, snapshot: () => state })
    state = (await persistence.load()) ?? {}
    assert.deepEqual(state, applyMutations(seed, [m1, m2]))
    state = applyMutations(state, [m3])
    await persistence.commit([m3])
    const text = await readFile(`${file}.journal`, 'utf8')
    assert.ok(text.startsWith(`${line(m1)}\n${line(m2)}\n{"batch":1,`))
    assert.deepEqual(await createFilePersistence({ file, snapshot: () => ({}) }).load(), state)
    await persistence.close()
  })

  test('a reset before any load sets aside a journal ending in a torn batch', async () => {
    const whole = encodeBatch([line(m1)])
    const torn = encodeBatch([line(m2), line(m3)])
    const file = await withJournal(Buffer.concat([whole, torn.subarray(0, torn.byteLength - 3)]))
    const persistence = createFilePersistence({ file, snapshot: () => ({}) })
    const fresh: StateData = { posts: [{ id: 9 }] }
    await persistence.reset(fresh)
    assert.deepEqual(await createFilePersistence({ file, snapshot: () => ({}) }).load(), fresh)
    await persistence.close()
  })

  test('framing costs one header line per batch', () => {
    const lines = [line(m1), line(m2)]
    const framed = encodeBatch(lines)
    const body = `${lines.join('\n')}\n`
    const header = framed.subarray(0, framed.indexOf(0x0a) + 1).toString()
    assert.match(header, /^\{"batch":2,"bytes":\d+,"crc32":"[0-9a-f]{8}"\}\n$/)
    assert.equal(framed.subarray(header.length).toString(), body)
    assert.equal(JSON.parse(header).bytes, Buffer.byteLength(body))
  })
})
