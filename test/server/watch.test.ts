import assert from 'node:assert/strict'
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { Engine } from '../../src/core/engine.ts'
import { inferManifest } from '../../src/core/manifest/zero-config.ts'
import { createRandom } from '../../src/core/random.ts'
import { prepareState } from '../../src/core/seed.ts'
import { startMock } from '../../src/index.ts'
import { saveAtomically, until } from '../support/file-edits.ts'
import { json } from '../support/helpers.ts'

const WITH_TAGS = 'resources:\n  posts: {}\n  tags: {}\n'
const WITHOUT_TAGS = 'resources:\n  posts: {}\n'

test('watch: records of a resource removed from the manifest are kept until a reset', async (t) => {
  const errors: string[] = []
  t.mock.method(console, 'error', (line: string) => errors.push(line))
  const dir = await mkdtemp(join(tmpdir(), 'restmock-watch-'))
  const manifest = join(dir, 'restmock.yaml')
  await writeFile(manifest, WITH_TAGS)
  const mock = await startMock({ source: manifest, persist: true, watch: true, watchDebounceMs: 5 })
  try {
    assert.equal((await fetch(`${mock.url}/tags`, json('POST', { label: 'kept' }))).status, 201)
    const reloads = (): number => errors.filter((line) => /manifest reloaded/.test(line)).length

    await saveAtomically(manifest, WITHOUT_TAGS)
    await until('tags to go', async () => (await fetch(`${mock.url}/tags`)).status === 404)
    await until('the reload line', async () => reloads() === 1)
    // not served, but still saved
    await mock.close()
    const saved = JSON.parse(await readFile(join(dir, 'restmock.state.json'), 'utf8')) as {
      tags: { label: string }[]
    }
    assert.deepEqual(
      saved.tags.map((tag) => tag.label),
      ['kept'],
    )
  } finally {
    await mock.close()
  }

  const again = await startMock({ source: manifest, persist: true, watch: true, watchDebounceMs: 5 })
  try {
    await saveAtomically(manifest, WITH_TAGS)
    await until('tags to come back', async () => (await fetch(`${again.url}/tags`)).status === 200)
    assert.deepEqual(
      ((await (await fetch(`${again.url}/tags`)).json()) as { label: string }[]).map((tag) => tag.label),
      ['kept'],
      'the records come back with the resource',
    )
    await saveAtomically(manifest, WITHOUT_TAGS)
    await until('tags to go', async () => (await fetch(`${again.url}/tags`)).status === 404)
    await again.reset()
    await saveAtomically(manifest, WITH_TAGS)
    await until('tags to come back', async () => (await fetch(`${again.url}/tags`)).status === 200)
    assert.deepEqual(await (await fetch(`${again.url}/tags`)).json(), [], 'a reset dropped them')
  } finally {
    await again.close()
  }
})

test('watch: "auto" watches a zero-config db.json (in memory it is the seed: an edit resets to it); a bad value is refused', async (t) => {
  t.mock.method(console, 'error', () => {})
  const dir = await mkdtemp(join(tmpdir(), 'restmock-watch-'))
  const db = join(dir, 'db.json')
  await writeFile(db, JSON.stringify({ posts: [{ id: 1, title: 'a' }] }))
  const mock = await startMock({ source: db, watch: 'auto', watchDebounceMs: 5 })
  try {
    // in memory, the db.json is only the seed: an edit is a new seed and the state resets to it
    assert.equal((await fetch(`${mock.url}/posts`, json('POST', { title: 'mine' }))).status, 201)
    await saveAtomically(db, JSON.stringify({ posts: [{ id: 1, title: 'b' }] }))
    await until('the new seed', async () => {
      const posts = (await (await fetch(`${mock.url}/posts`)).json()) as { title: string }[]
      return posts.map((post) => post.title).join() === 'b'
    })
  } finally {
    await mock.close()
  }
  await assert.rejects(
    startMock({ source: db, watch: 'yes' as unknown as boolean }),
    /watch must be true, false or 'auto'/,
  )
})

test('watch: a file edited in a data folder is a new seed; the state resets to it', async (t) => {
  const errors: string[] = []
  t.mock.method(console, 'error', (line: string) => errors.push(line))
  const dir = await mkdtemp(join(tmpdir(), 'restmock-watch-'))
  await mkdir(join(dir, 'data'))
  await writeFile(join(dir, 'restmock.yaml'), 'resources:\n  posts: {}\ndata: data\n')
  await writeFile(join(dir, 'data', 'posts.json'), JSON.stringify([{ id: 1, title: 'one' }]))
  const mock = await startMock({ source: join(dir, 'restmock.yaml'), watch: true, watchDebounceMs: 5 })
  try {
    assert.equal((await fetch(`${mock.url}/posts`, json('POST', { title: 'mine' }))).status, 201)
    await saveAtomically(join(dir, 'data', 'posts.json'), JSON.stringify([{ id: 5, title: 'two' }]))
    await until('the reload line', async () => errors.some((line) => /state reset to it/.test(line)))
    assert.deepEqual(await (await fetch(`${mock.url}/posts`)).json(), [{ id: 5, title: 'two' }])
  } finally {
    await mock.close()
  }
})

test('Engine.replaceManifest waits for commits in flight, then keeps the state under the new manifest', async () => {
  const data = { posts: [{ id: 1, title: 'a' }] }
  const manifest = inferManifest(data, 'data')
  const random = createRandom(1)
  const seed = prepareState(manifest, data, { source: 'data', random, strict: true })
  let release = (): void => {}
  const engine = new Engine({
    manifest,
    seed,
    persistence: {
      commit: () =>
        new Promise<void>((resolve) => {
          release = resolve
        }),
      reset: () => Promise.resolve(),
    },
    random,
    now: () => new Date(0),
  })
  const created = engine.create('posts', { title: 'in flight' })
  const wider = inferManifest({ ...data, tags: [] }, 'data')
  let replaced = false
  const replacing = engine
    .replaceManifest(wider, seed, (state) =>
      prepareState(wider, state, { source: 'state', random, strict: false }),
    )
    .then(() => {
      replaced = true
    })
  await Promise.resolve()
  assert.equal(replaced, false, 'waits for the commit')
  release()
  await created
  await replacing
  assert.equal(engine.manifest, wider)
  assert.deepEqual(
    engine.list('posts').map((post) => post.title),
    ['a', 'in flight'],
  )
  assert.deepEqual(engine.list('tags'), [])
})
