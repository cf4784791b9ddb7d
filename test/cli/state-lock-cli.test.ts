import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { readdir, readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { test } from 'node:test'
import { run, runInProcess, STACK_LINE, tempDir } from '../support/cli-helpers.ts'
import { serveCli } from '../support/running-cli.ts'
import { serveInProcess } from '../support/serve-in-process.ts'

const post = (url: string, body: unknown) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

/** Every file in the folder (and its subfolders, such as .restmock) with its bytes. */
async function snapshot(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>()
  for (const name of (await readdir(dir, { recursive: true })).sort()) {
    if (!(await stat(join(dir, name))).isDirectory())
      files.set(name, await readFile(join(dir, name), 'latin1'))
  }
  return files
}

test('one process per state file; a start that cannot bind or lock writes nothing; a dead holder is taken over', async () => {
  const dir = await tempDir()
  await writeFile(join(dir, 'db.json'), JSON.stringify({ posts: [{ id: 1, title: 'seed' }] }))
  const first = await serveCli(['db.json', '--port', '0', '--quiet'], dir)
  const pid = first.child.pid!
  assert.equal((await readFile(join(dir, 'db.json.lock'), 'utf8')).trim(), String(pid))
  assert.equal((await post(`${first.url}/posts`, { title: 'acknowledged' })).status, 201)
  const before = await snapshot(dir)

  // same state file, same port, --reset: refused, and neither the state nor its journal changes
  const samePort = await run(['db.json', '--port', String(first.port), '--reset'], dir)
  assert.equal(samePort.code, 1)
  assert.match(samePort.stderr, new RegExp(`in use by restmock process ${pid}\\b`))
  assert.doesNotMatch(samePort.stderr, STACK_LINE)
  assert.deepEqual(await snapshot(dir), before)

  // same state file, another port: refused, naming the process that holds it (from this process, as
  // the first start above did from its own)
  const otherPort = await runInProcess(['db.json', '--port', '0'], dir)
  assert.equal(otherPort.code, 1)
  assert.match(otherPort.stderr, new RegExp(`db\\.json is in use by restmock process ${pid}\\b`))
  assert.match(otherPort.stderr, /--db/)
  assert.deepEqual(await snapshot(dir), before)

  // another state file on the taken port, --reset: the port is named, and the other state is untouched
  await writeFile(join(dir, 'other.json'), '{"posts":[{"id":7,"title":"saved elsewhere"}]}')
  const otherBefore = await snapshot(dir)
  const taken = await runInProcess(
    ['db.json', '--db', 'other.json', '--port', String(first.port), '--reset'],
    dir,
  )
  assert.equal(taken.code, 1)
  assert.equal(
    taken.stderr.trim(),
    `restmock: port ${first.port} is already in use; choose another with --port (0 picks a free one)`,
  )
  assert.deepEqual(await snapshot(dir), otherBefore, 'no reset written, no lock left behind')

  // the holder dies without releasing: its lock is stale and the next start takes it over
  first.child.kill('SIGKILL')
  assert.equal((await first.exited).signal, 'SIGKILL')
  assert.ok(existsSync(join(dir, 'db.json.lock')))
  // (taken over by this process, with the same start as the CLI's)
  const second = await serveInProcess([join(dir, 'db.json'), '--port', '0', '--quiet'])
  assert.equal((await readFile(join(dir, 'db.json.lock'), 'utf8')).trim(), String(process.pid))
  const titles = ((await (await fetch(`${second.url}/posts`)).json()) as { title: string }[]).map(
    (record) => record.title,
  )
  assert.deepEqual(titles, ['seed', 'acknowledged'])

  // a clean stop releases the lock: the file can be served again at once
  await second.close()
  assert.equal(existsSync(join(dir, 'db.json.lock')), false)
  const third = await serveInProcess([join(dir, 'db.json'), '--port', '0', '--quiet'])
  await third.close()
})
