import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, type TestContext, test } from 'node:test'
import { ConfigError } from '../../src/core/errors.ts'
import { startMock } from '../../src/index.ts'
import { tempDir } from '../support/cli-helpers.ts'
import { json } from '../support/helpers.ts'

// the user's own formatting: the copy keeps these bytes, not a re-serialization
const ORIGINAL = '{ "posts": [ { "id": 1, "title": "original" } ],\n  "profile": { "name": "me" } }\n'

async function dbFolder(text = ORIGINAL): Promise<{ dir: string; db: string; copy: string }> {
  const dir = await tempDir('restmock-seed-copy-')
  const db = join(dir, 'db.json')
  await writeFile(db, text)
  return { dir, db, copy: join(dir, '.restmock', 'db.seed.json') }
}

/** Silences restmock's stderr lines and returns a reader of them. */
function stderrLines(t: TestContext): () => string[] {
  const error = t.mock.method(console, 'error', () => {})
  return () => error.mock.calls.map((call) => String(call.arguments[0]))
}

async function titles(url: string): Promise<string[]> {
  const posts = (await (await fetch(`${url}/posts`)).json()) as { title: string }[]
  return posts.map((post) => post.title)
}

describe('zero-config seed copy (.restmock/<name>.seed.json)', () => {
  test('the first start keeps the original bytes, says where, and both resets return to them', async (t) => {
    const { db, copy } = await dbFolder()
    const printed = stderrLines(t)
    const mock = await startMock({ source: db, db })
    try {
      assert.equal(await readFile(copy, 'utf8'), ORIGINAL)
      assert.deepEqual(printed(), [
        `restmock: kept the original db.json as the seed in ${copy} (--reset returns to it)`,
      ])

      assert.equal((await fetch(`${mock.url}/posts`, json('POST', { title: 'added' }))).status, 201)
      assert.equal((await fetch(`${mock.url}/__restmock/reset`, json('POST', {}))).status, 204)
      assert.deepEqual(await titles(mock.url), ['original'])

      assert.equal((await fetch(`${mock.url}/posts/1`, { method: 'DELETE' })).status, 200)
      await mock.reset()
      assert.deepEqual(await titles(mock.url), ['original'])
    } finally {
      await mock.close()
    }
    assert.equal(await readFile(copy, 'utf8'), ORIGINAL, 'a reset never rewrites the copy')
  })

  test('later starts: the state is the db.json as left, --reset goes back to the copy', async (t) => {
    const { db, copy } = await dbFolder()
    stderrLines(t)
    const first = await startMock({ source: db, db })
    await fetch(`${first.url}/posts`, json('POST', { title: 'saved' }))
    await first.close()
    assert.deepEqual(JSON.parse(await readFile(db, 'utf8')).posts.length, 2)

    // edited by hand while stopped: the state is what the file says, the copy stays the original
    const edited = JSON.parse(await readFile(db, 'utf8')) as { posts: object[] }
    edited.posts.push({ id: 3, title: 'by hand' })
    await writeFile(db, JSON.stringify(edited))
    const printed = stderrLines(t)
    const second = await startMock({ source: db, db })
    try {
      assert.deepEqual(await titles(second.url), ['original', 'saved', 'by hand'])
      assert.deepEqual(printed(), [], 'nothing to say when the copy exists')
      await second.reset()
      assert.deepEqual(await titles(second.url), ['original'])
    } finally {
      await second.close()
    }
    assert.equal(await readFile(copy, 'utf8'), ORIGINAL)

    await writeFile(db, '{"posts":[{"id":9,"title":"changed"}],"profile":{}}')
    const third = await startMock({ source: db, db, reset: true })
    try {
      assert.deepEqual(await titles(third.url), ['original'], '--reset seeds from the copy, not the db.json')
    } finally {
      await third.close()
    }
    assert.deepEqual(JSON.parse(await readFile(db, 'utf8')), JSON.parse(ORIGINAL))
  })

  test('a resource only the db.json or only the copy has is still served', async (t) => {
    const { db } = await dbFolder()
    stderrLines(t)
    await (await startMock({ source: db, db })).close()
    await writeFile(db, '{"profile":{"name":"me"},"tags":[{"id":1,"label":"new"}]}')
    const mock = await startMock({ source: db, db })
    try {
      assert.deepEqual(await titles(mock.url), [])
      assert.equal(((await (await fetch(`${mock.url}/tags`)).json()) as unknown[]).length, 1)
      await mock.reset()
      assert.deepEqual(await titles(mock.url), ['original'])
      assert.deepEqual(await (await fetch(`${mock.url}/tags`)).json(), [])
    } finally {
      await mock.close()
    }
  })

  test('a deleted copy is made again from the db.json as it is then', async (t) => {
    const { dir, db, copy } = await dbFolder()
    stderrLines(t)
    await (await startMock({ source: db, db })).close()
    await rm(join(dir, '.restmock'), { recursive: true })
    await writeFile(db, '{"posts":[{"id":5,"title":"new start"}]}')
    const mock = await startMock({ source: db, db })
    await mock.close()
    assert.equal(await readFile(copy, 'utf8'), '{"posts":[{"id":5,"title":"new start"}]}')
  })

  test('no copy in memory, for the library without db, or when the seed is not the state file', async (t) => {
    stderrLines(t)
    const { dir, db } = await dbFolder()
    for (const options of [{}, { persist: false }]) {
      const mock = await startMock({ source: db, ...options })
      await fetch(`${mock.url}/posts`, json('POST', { title: 'memory' }))
      await mock.reset()
      assert.deepEqual(await titles(mock.url), ['original'])
      await mock.close()
    }
    const other = await startMock({ source: db, db: join(dir, 'state.json') })
    await other.close()
    assert.equal(existsSync(join(dir, '.restmock')), false)
    assert.equal(await readFile(db, 'utf8'), ORIGINAL)
  })

  test('a folder where the copy cannot be written stops the start with a clear error and writes nothing', async (t) => {
    const { dir, db } = await dbFolder()
    stderrLines(t)
    await writeFile(join(dir, '.restmock'), 'not a folder')
    await assert.rejects(startMock({ source: db, db, reset: true }), (error: unknown) => {
      assert.ok(error instanceof ConfigError)
      assert.equal(
        error.message,
        `cannot keep the original db.json as the seed in ${join(dir, '.restmock', 'db.seed.json')} (${join(dir, '.restmock')} is not a folder); make that folder writable, or use --in-memory`,
      )
      return true
    })
    assert.equal(await readFile(db, 'utf8'), ORIGINAL, '--reset did not rewrite the db.json')
    assert.equal(existsSync(`${db}.lock`), false, 'the lock is released')

    await rm(join(dir, '.restmock'))
    await mkdir(join(dir, '.restmock'))
    const mock = await startMock({ source: db, db })
    await mock.close()
  })
})
