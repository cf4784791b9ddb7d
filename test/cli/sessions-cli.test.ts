import assert from 'node:assert/strict'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { test } from 'node:test'
import { runInProcess as run, STACK_LINE, tempDir } from '../support/cli-helpers.ts'
import { json } from '../support/helpers.ts'
import { serveCli } from '../support/running-cli.ts'
import { serveInProcess } from '../support/serve-in-process.ts'

const ORIGINAL = '{\n  "posts": [{ "id": 1, "title": "original" }]\n}\n'

async function titles(url: string, headers: Record<string, string> = {}): Promise<string[]> {
  const response = await fetch(`${url}/posts`, { headers })
  return ((await response.json()) as { title: string }[]).map((post) => post.title)
}

test('restmock db.json: sessions start from the original db.json, are never written, and obey the flags', async () => {
  const dir = await tempDir()
  const db = join(dir, 'db.json')
  await writeFile(db, ORIGINAL)
  const cli = await serveCli(
    ['db.json', '--port', '0', '--quiet', '--max-sessions', '2', '--session-ttl', '90s'],
    dir,
  )
  assert.equal((await fetch(`${cli.url}/posts`, json('POST', { title: 'shared' }))).status, 201)
  const created = await fetch(`${cli.url}/__session/w1/posts`, json('POST', { title: 'in w1' }))
  assert.equal(created.status, 201)
  assert.equal(created.headers.get('location'), '/__session/w1/posts/2')
  assert.deepEqual(await titles(cli.url, { 'x-restmock-session': 'w1' }), ['original', 'in w1'])
  assert.deepEqual(await titles(`${cli.url}/__session/w2`), ['original'])
  assert.deepEqual(await titles(cli.url), ['original', 'shared'])
  await fetch(`${cli.url}/posts`, { headers: { 'x-restmock-session': 'w3' } })
  const listed = (await (await fetch(`${cli.url}/__restmock/sessions`)).json()) as Array<{ id: string }>
  assert.deepEqual(
    listed.map((session) => session.id),
    ['w2', 'w3'],
    '--max-sessions 2',
  )
  cli.child.kill('SIGINT')
  assert.equal((await cli.exited).code, 0)
  const saved = await readFile(db, 'utf8')
  assert.match(saved, /shared/)
  assert.doesNotMatch(saved, /in w1/)

  // after a restart the shared state is the edited db.json; a session still starts from the original
  const again = await serveInProcess([db, '--port', '0', '--quiet'])
  assert.deepEqual(await titles(again.url, { 'x-restmock-session': 'w1' }), ['original'])
  await again.close()
})

test('restmock: a bad session flag is a usage error naming the flag', async () => {
  const dir = await tempDir()
  await writeFile(join(dir, 'db.json'), ORIGINAL)
  const result = await run(['db.json', '--port', '0', '--session-ttl', 'soon'], dir)
  assert.equal(result.code, 2)
  assert.match(
    result.stderr,
    /--session-ttl must be a duration of at least 1s such as "30m" or "90s", got "soon"/,
  )
  assert.doesNotMatch(result.stderr, STACK_LINE)
})
