import assert from 'node:assert/strict'
import { once } from 'node:events'
import { existsSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { test } from 'node:test'
import { runInProcess as run, STACK_LINE, tempDir } from '../support/cli-helpers.ts'
import { json } from '../support/helpers.ts'
import { type RunningCli, serveCli } from '../support/running-cli.ts'
import { serveInProcess } from '../support/serve-in-process.ts'

const ORIGINAL = '{\n  "posts": [{ "id": 1, "title": "original" }]\n}\n'

async function titles(url: string): Promise<string[]> {
  return ((await (await fetch(`${url}/posts`)).json()) as { title: string }[]).map((post) => post.title)
}

/** Resolves once the process wrote a stderr line matching `pattern` (it comes before the banner). */
async function stderrMatching(cli: RunningCli, pattern: RegExp): Promise<string> {
  while (!pattern.test(cli.stderr())) await once(cli.child.stderr!, 'data')
  return cli.stderr()
}

async function stop(cli: RunningCli): Promise<void> {
  cli.child.kill('SIGINT')
  assert.equal((await cli.exited).code, 0)
}

test('restmock db.json keeps the original as .restmock/db.seed.json; --reset and POST /__restmock/reset return to it', async () => {
  const dir = await tempDir()
  const copy = join(dir, '.restmock', 'db.seed.json')
  await writeFile(join(dir, 'db.json'), ORIGINAL)

  const first = await serveCli(['db.json', '--port', '0', '--quiet'], dir)
  await stderrMatching(
    first,
    /kept the original db\.json as the seed in \S+\.restmock\/db\.seed\.json \(--reset returns to it\)/,
  )
  assert.equal(await readFile(copy, 'utf8'), ORIGINAL)
  assert.equal((await fetch(`${first.url}/posts`, json('POST', { title: 'added' }))).status, 201)
  assert.equal((await fetch(`${first.url}/__restmock/reset`, json('POST', {}))).status, 204)
  assert.deepEqual(await titles(first.url), ['original'])
  assert.equal((await fetch(`${first.url}/posts`, json('POST', { title: 'kept' }))).status, 201)
  await stop(first)

  // json-server habit: the db.json holds the state; the copy is still the original
  assert.deepEqual(
    (JSON.parse(await readFile(join(dir, 'db.json'), 'utf8')) as { posts: { title: string }[] }).posts.map(
      (post) => post.title,
    ),
    ['original', 'kept'],
  )
  const second = await serveCli(['db.json', '--port', '0', '--quiet'], dir)
  assert.deepEqual(await titles(second.url), ['original', 'kept'])
  assert.doesNotMatch(second.stderr(), /kept the original/, 'said only the first time')
  await stop(second)

  const reset = await serveInProcess([join(dir, 'db.json'), '--port', '0', '--quiet', '--reset'])
  assert.deepEqual(await titles(reset.url), ['original'])
  await reset.close()
  assert.equal(await readFile(copy, 'utf8'), ORIGINAL)
})

test('--in-memory writes no copy; an unwritable .restmock is one clear error (exit 1)', async () => {
  const dir = await tempDir()
  await writeFile(join(dir, 'db.json'), ORIGINAL)
  const memory = await serveInProcess([join(dir, 'db.json'), '--port', '0', '--quiet', '--in-memory'])
  await memory.close()
  assert.equal(existsSync(join(dir, '.restmock')), false)

  await writeFile(join(dir, '.restmock'), 'a file where the folder should be')
  const failed = await run(['db.json', '--port', '0', '--quiet'], dir)
  assert.equal(failed.code, 1)
  assert.match(failed.stderr, /cannot keep the original db\.json as the seed in .*db\.seed\.json/)
  assert.match(failed.stderr, /use --in-memory/)
  assert.doesNotMatch(failed.stderr, STACK_LINE)
  assert.equal(await readFile(join(dir, 'db.json'), 'utf8'), ORIGINAL)
  assert.equal(existsSync(join(dir, 'db.json.lock')), false)
})
