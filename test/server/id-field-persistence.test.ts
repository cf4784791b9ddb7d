import assert from 'node:assert/strict'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, type TestContext, test } from 'node:test'
import type { StateData } from '../../src/core/store.ts'
import { startMock } from '../../src/index.ts'
import { createFilePersistence } from '../../src/server/persistence/file.ts'
import { tempDir } from '../support/cli-helpers.ts'
import { json } from '../support/helpers.ts'

const DB = {
  users: [
    { _id: 'a1', name: 'Ada' },
    { _id: 'b2', name: 'Bob' },
  ],
  posts: [{ _id: 'p1', title: 'first', userId: 'a1' }],
}

function quiet(t: TestContext): void {
  t.mock.method(console, 'error', () => {})
}

async function folderWithDb(): Promise<{ dir: string; db: string }> {
  const dir = await tempDir('restmock-id-field-')
  const db = join(dir, 'db.json')
  await writeFile(db, `${JSON.stringify(DB, null, 2)}\n`)
  return { dir, db }
}

describe('idField and persistence', () => {
  test('a journal replayed over the snapshot finds records by their _id', async () => {
    const { dir } = await folderWithDb()
    const file = join(dir, 'state.json')
    await writeFile(file, JSON.stringify(DB))
    const idField = (): string => '_id'
    let state: StateData = structuredClone(DB)
    const writer = createFilePersistence({ file, snapshot: () => state, idField })
    await writer.load()
    const changed = { _id: 'a1', name: 'Ada L.' }
    state = { ...state, users: [changed, DB.users[1]!] }
    await writer.commit([{ op: 'upsert', resource: 'users', id: 'a1', record: changed }])
    await writer.commit([{ op: 'delete', resource: 'posts', id: 'p1' }])
    // the writer stops here, as in a crash (never closed, nothing compacted); the next start reads
    // the snapshot and replays the journal over it
    const reader = createFilePersistence({ file, snapshot: () => state, idField })
    const loaded = (await reader.load()) as Record<string, unknown[]>
    assert.deepEqual(loaded.users, [changed, DB.users[1]])
    assert.deepEqual(loaded.posts, [])
    await reader.close()
  })

  test('zero-config with idField: writes survive a restart and the db.json keeps _id', async (t) => {
    quiet(t)
    const { db } = await folderWithDb()
    const first = await startMock({ source: db, db, idField: '_id' })
    let createdId: string
    try {
      const created = await fetch(`${first.url}/users`, json('POST', { name: 'Cy' }))
      assert.equal(created.status, 201)
      createdId = ((await created.json()) as { _id: string })._id
      assert.equal(created.headers.get('location'), `/users/${createdId}`)
      assert.equal((await fetch(`${first.url}/users/b2`, json('PATCH', { name: 'Bobby' }))).status, 200)
      assert.equal((await fetch(`${first.url}/users/a1`, { method: 'DELETE' })).status, 200)
    } finally {
      await first.close()
    }
    const saved = JSON.parse(await readFile(db, 'utf8')) as typeof DB
    assert.deepEqual(saved.users, [
      { _id: 'b2', name: 'Bobby' },
      { _id: createdId, name: 'Cy' },
    ])
    assert.deepEqual(saved.posts, [], 'the post of the deleted user went with it')

    const second = await startMock({ source: db, db, idField: '_id' })
    try {
      const bob = await fetch(`${second.url}/users/b2`)
      assert.deepEqual(await bob.json(), { _id: 'b2', name: 'Bobby' })
      assert.equal((await fetch(`${second.url}/users/${createdId}`)).status, 200)
      // the seed copy keeps the original: a reset brings back the deleted records by their _id
      await second.reset()
      assert.deepEqual(await (await fetch(`${second.url}/users/a1`)).json(), DB.users[0])
    } finally {
      await second.close()
    }
  })

  test('a manifest resource with idField: the state file keeps the key across restarts', async (t) => {
    quiet(t)
    const dir = await tempDir('restmock-id-field-')
    const manifest = join(dir, 'restmock.yaml')
    await writeFile(manifest, 'resources:\n  cities:\n    id: string\n    idField: code\n')
    const state = join(dir, 'restmock.state.json')
    const first = await startMock({ source: manifest, persist: true })
    try {
      const created = await fetch(`${first.url}/cities`, json('POST', { code: 'PAR', name: 'Paris' }))
      assert.equal(created.status, 201)
      assert.equal(created.headers.get('location'), '/cities/PAR')
    } finally {
      await first.close()
    }
    assert.deepEqual(JSON.parse(await readFile(state, 'utf8')).cities, [{ code: 'PAR', name: 'Paris' }])
    const second = await startMock({ source: manifest, persist: true })
    try {
      assert.deepEqual(await (await fetch(`${second.url}/cities/PAR`)).json(), { code: 'PAR', name: 'Paris' })
    } finally {
      await second.close()
    }
  })
})
