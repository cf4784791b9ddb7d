import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { test } from 'node:test'
import { startMock } from '../../src/index.ts'
import { tempDir } from '../support/cli-helpers.ts'
import { saveAtomically, until } from '../support/file-edits.ts'
import { json } from '../support/helpers.ts'

const ORIGINAL = { posts: [{ id: 1, title: 'original' }], tags: [{ id: 1, label: 'kept' }] }

test('a resource only the seed copy has stays served after a hand edit, as after a restart', async (t) => {
  const lines: string[] = []
  t.mock.method(console, 'error', (line: string) => lines.push(line))
  const dir = await tempDir('restmock-seed-copy-watch-')
  const db = join(dir, 'db.json')
  await writeFile(db, JSON.stringify(ORIGINAL))
  // the first start keeps the seed copy (with tags)
  const first = await startMock({ source: db, db, watch: 'auto', watchDebounceMs: 5 })
  await first.close()

  const mock = await startMock({ source: db, db, watch: 'auto', watchDebounceMs: 5 })
  try {
    const loads = (): number => lines.filter((line) => /changed on disk/.test(line)).length
    // the user deletes tags from the db.json by hand: the seed copy still has them
    await saveAtomically(db, { posts: [{ id: 1, title: 'edited' }] })
    await until('the edit to load', () => loads() === 1)
    const tags = await fetch(`${mock.url}/tags`)
    assert.equal(tags.status, 200, 'still a resource (the seed has it)')
    assert.deepEqual(await tags.json(), [])
    assert.deepEqual(await (await fetch(`${mock.url}/posts/1`)).json(), { id: 1, title: 'edited' })
    assert.equal((await fetch(`${mock.url}/tags`, json('POST', { label: 'new' }))).status, 201)
    // a reset goes back to the seed copy, tags included
    await mock.reset()
    assert.deepEqual(await (await fetch(`${mock.url}/tags`)).json(), ORIGINAL.tags)
  } finally {
    await mock.close()
  }

  // a restart agrees with what was served before it
  const again = await startMock({ source: db, db, watch: 'auto', watchDebounceMs: 5 })
  try {
    assert.deepEqual(await (await fetch(`${again.url}/tags`)).json(), ORIGINAL.tags)
  } finally {
    await again.close()
  }
})
