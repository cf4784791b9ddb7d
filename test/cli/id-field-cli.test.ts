import assert from 'node:assert/strict'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { runInProcess as run, tempDir } from '../support/cli-helpers.ts'
import { json } from '../support/helpers.ts'
import { serveCli } from '../support/running-cli.ts'

const DB = { users: [{ _id: 'a1', name: 'Ada' }], posts: [{ _id: 'p1', userId: 'a1', title: 'hi' }] }

describe('--id <field> (json-server --id _id)', () => {
  test('a db.json keyed by _id is served by its _id, written back with it', async () => {
    const dir = await tempDir()
    const db = join(dir, 'db.json')
    await writeFile(db, JSON.stringify(DB))
    const server = await serveCli(['db.json', '--id', '_id', '-p', '0', '-q'], dir)
    try {
      assert.deepEqual(await (await fetch(`${server.url}/users/a1`)).json(), DB.users[0])
      const embedded = (await (await fetch(`${server.url}/users/a1?_embed=posts`)).json()) as {
        posts: unknown[]
      }
      assert.deepEqual(embedded.posts, DB.posts)
      const created = await fetch(`${server.url}/users`, json('POST', { name: 'Bob' }))
      assert.equal(created.status, 201)
      const { _id } = (await created.json()) as { _id: string }
      assert.equal(created.headers.get('location'), `/users/${_id}`)
    } finally {
      server.child.kill('SIGTERM')
      assert.equal((await server.exited).code, 0)
    }
    const saved = JSON.parse(await readFile(db, 'utf8')) as { users: Array<Record<string, unknown>> }
    assert.equal(saved.users.length, 2)
    assert.ok(saved.users.every((user) => typeof user._id === 'string' && !('id' in user)))
  })

  test('-i is its short form; a bad name is a one-line usage error', async () => {
    const result = await run(['seeds/db.json', '--in-memory', '-i', 'a.b'])
    assert.equal(result.code, 2)
    assert.equal(
      result.stderr,
      'restmock: --id must be a plain field name (letters, digits, "_", "$" and "-", not starting with a digit), got "a.b"\n',
    )
  })
})
