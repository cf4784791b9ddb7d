import assert from 'node:assert/strict'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { test } from 'node:test'
import { tempDir } from '../support/cli-helpers.ts'
import { saveAtomically, until } from '../support/file-edits.ts'
import { json } from '../support/helpers.ts'
import { type RunningCli, serveCli as serveRealCli } from '../support/running-cli.ts'
import { serveInProcess } from '../support/serve-in-process.ts'

/** A real `restmock` whose reloads follow an edit after 10 ms of quiet instead of 100. */
const serveCli = (args: readonly string[], cwd: string): Promise<RunningCli> =>
  serveRealCli(args, cwd, undefined, { RESTMOCK_WATCH_DEBOUNCE_MS: '10' })

const DB = { posts: [{ id: 1, title: 'first' }] }

async function stop(cli: RunningCli): Promise<void> {
  cli.child.kill('SIGINT')
  assert.equal((await cli.exited).code, 0)
}

async function titles(url: string, resource = 'posts'): Promise<string[]> {
  const response = await fetch(`${url}/${resource}`)
  return ((await response.json()) as { title: string }[]).map((record) => record.title)
}

const count = (text: string, pattern: RegExp): number => text.match(new RegExp(pattern, 'g'))?.length ?? 0

test('a zero-config db.json is watched by default: a hand edit, saved in place or by rename, becomes the state', async () => {
  const dir = await tempDir()
  const db = join(dir, 'db.json')
  await writeFile(db, JSON.stringify(DB))
  const cli = await serveCli(['db.json', '--port', '0', '--quiet'], dir)

  await writeFile(db, JSON.stringify({ posts: [{ id: 1, title: 'edited in place' }], tags: [] }))
  await until('the reload line', async () => (/loaded it as the state/.test(cli.stderr()) ? true : undefined))
  assert.deepEqual(await titles(cli.url), ['edited in place'])
  assert.match(cli.stderr(), /db\.json changed on disk; loaded it as the state \(1 record\)/)
  assert.equal((await fetch(`${cli.url}/tags`)).status, 200, 'a resource added by hand is served')

  await saveAtomically(db, JSON.stringify({ posts: [{ id: 7, title: 'saved by rename' }] }))
  await until('the renamed save', async () =>
    (await titles(cli.url)).join() === 'saved by rename' ? true : undefined,
  )
  // still watching after the rename replaced the file
  await saveAtomically(db, JSON.stringify({ posts: [{ id: 8, title: 'again' }] }))
  await until('the second renamed save', async () =>
    (await titles(cli.url)).join() === 'again' ? true : undefined,
  )
  await stop(cli)
})

test("restmock's own writes to the db.json (snapshot, journal) never reload it", async () => {
  const dir = await tempDir()
  const db = join(dir, 'db.json')
  await writeFile(db, JSON.stringify(DB))
  const cli = await serveCli(['db.json', '--port', '0', '--quiet'], dir)
  // a reset writes the db.json (snapshot); creates append to the journal beside it
  assert.equal((await fetch(`${cli.url}/__restmock/reset`, json('POST', {}))).status, 204)
  for (let i = 0; i < 5; i++)
    assert.equal((await fetch(`${cli.url}/posts`, json('POST', { title: `own ${i}` }))).status, 201)
  assert.equal((await fetch(`${cli.url}/__restmock/reset`, json('POST', {}))).status, 204)
  assert.equal((await fetch(`${cli.url}/posts`, json('POST', { title: 'after reset' }))).status, 201)
  // an edit by hand afterwards is the only reload
  await saveAtomically(db, JSON.stringify({ posts: [{ id: 1, title: 'marker' }] }))
  await until('the marker edit', async () => (/loaded it as the state/.test(cli.stderr()) ? true : undefined))
  assert.deepEqual(await titles(cli.url), ['marker'])
  assert.equal(count(cli.stderr(), /loaded it as the state/), 1, cli.stderr())
  await stop(cli)
})

test('--no-watch: a hand edit is not loaded, and the shutdown writes the served state over it', async () => {
  const dir = await tempDir()
  const db = join(dir, 'db.json')
  await writeFile(db, JSON.stringify(DB))
  const cli = await serveCli(['db.json', '--port', '0', '--quiet', '--no-watch'], dir)
  await saveAtomically(db, JSON.stringify({ posts: [{ id: 1, title: 'ignored' }] }))
  assert.equal((await fetch(`${cli.url}/posts`, json('POST', { title: 'served' }))).status, 201)
  assert.deepEqual(await titles(cli.url), ['first', 'served'])
  await stop(cli)
  const saved = JSON.parse(await readFile(db, 'utf8')) as { posts: { title: string }[] }
  assert.deepEqual(
    saved.posts.map((post) => post.title),
    ['first', 'served'],
  )
  assert.doesNotMatch(cli.stderr(), /loaded it as the state/)
})

const MANIFEST = `resources:
  posts:
    fields:
      title: { type: string }
data: seed.json
`

async function manifestDir(): Promise<string> {
  const dir = await tempDir()
  await writeFile(join(dir, 'restmock.yaml'), MANIFEST)
  await writeFile(join(dir, 'seed.json'), JSON.stringify({ posts: [{ id: 1, title: 'seeded' }] }))
  return dir
}

test('--watch: a valid manifest edit applies and keeps the state; an invalid one keeps serving and lists every problem', async () => {
  const dir = await manifestDir()
  const manifest = join(dir, 'restmock.yaml')
  const cli = await serveCli(['restmock.yaml', '--port', '0', '--quiet', '--watch'], dir)
  assert.equal((await fetch(`${cli.url}/posts`, json('POST', { title: 'mine' }))).status, 201)

  await saveAtomically(
    manifest,
    `resources:
  posts:
    fields:
      title: { type: string }
      status: { type: string, default: draft }
  tags:
    fields:
      label: { type: string }
data: seed.json
`,
  )
  await until('the new resource', async () =>
    (await fetch(`${cli.url}/tags`)).status === 200 ? true : undefined,
  )
  const posts = (await (await fetch(`${cli.url}/posts`)).json()) as { title: string; status: string }[]
  assert.deepEqual(
    posts.map((post) => [post.title, post.status]),
    [
      ['seeded', 'draft'],
      ['mine', 'draft'],
    ],
    'state kept, new field defaulted',
  )
  assert.match(cli.stderr(), /restmock\.yaml changed; manifest reloaded, state kept/)

  await saveAtomically(
    manifest,
    `resources:
  posts:
    fields:
      title: { type: strng }
      views: { type: integer, minimum: many }
data: seed.json
`,
  )
  await until('the problems', async () => (/not reloaded/.test(cli.stderr()) ? true : undefined))
  assert.match(cli.stderr(), /restmock\.yaml not reloaded, still serving the previous version/)
  assert.match(cli.stderr(), /strng/)
  assert.match(cli.stderr(), /minimum/)
  assert.equal((await fetch(`${cli.url}/tags`)).status, 200, 'the previous manifest is still served')
  assert.equal((await fetch(`${cli.url}/posts`, json('POST', { title: 'still' }))).status, 201)
  await stop(cli)
})

test('--watch: a seed data edit reloads it as the seed and resets the state to it', async () => {
  const dir = await manifestDir()
  const cli = await serveCli(['restmock.yaml', '--port', '0', '--quiet', '--watch'], dir)
  assert.equal((await fetch(`${cli.url}/posts`, json('POST', { title: 'mine' }))).status, 201)
  await saveAtomically(join(dir, 'seed.json'), JSON.stringify({ posts: [{ id: 1, title: 'new seed' }] }))
  await until('the reload line', async () => (/state reset to it/.test(cli.stderr()) ? true : undefined))
  assert.match(cli.stderr(), /seed data \S*seed\.json changed; state reset to it \(1 record\)/)
  assert.deepEqual(await titles(cli.url), ['new seed'])
  assert.equal((await fetch(`${cli.url}/posts`, json('POST', { title: 'later' }))).status, 201)
  assert.equal((await fetch(`${cli.url}/__restmock/reset`, json('POST', {}))).status, 204)
  assert.deepEqual(await titles(cli.url), ['new seed'], 'reset returns to the new seed')
  await stop(cli)
})

test('--watch: 50 manifest edits while 16 clients write lose no acknowledged write, and watching goes on', async () => {
  const dir = await manifestDir()
  const manifest = join(dir, 'restmock.yaml')
  const cli = await serveCli(['restmock.yaml', '--port', '0', '--quiet', '--watch'], dir)
  const acknowledged: number[] = []
  let editing = true
  const client = async (n: number): Promise<void> => {
    for (let i = 0; editing || i < 5; i++) {
      const response = await fetch(`${cli.url}/posts`, json('POST', { title: `c${n}-${i}` }))
      if (response.status === 201) acknowledged.push(((await response.json()) as { id: number }).id)
      else await response.body?.cancel()
    }
  }
  const clients = Array.from({ length: 16 }, (_, n) => client(n))
  for (let edit = 0; edit < 50; edit++) {
    const text = MANIFEST.replace(
      'title: { type: string }',
      `title: { type: string, maxLength: ${1000 + edit} }`,
    )
    if (edit % 2 === 0) await saveAtomically(manifest, text)
    else await writeFile(manifest, text)
  }
  editing = false
  await Promise.all(clients)
  await until('the burst to settle', async () =>
    /maxLength: 1049/.test(await readFile(manifest, 'utf8')) && /manifest reloaded/.test(cli.stderr())
      ? true
      : undefined,
  )
  // a final edit is picked up: watching survived the burst
  await saveAtomically(manifest, MANIFEST.replace('resources:\n', 'resources:\n  notes: {}\n'))
  await until('the final edit', async () =>
    (await fetch(`${cli.url}/notes`)).status === 200 ? true : undefined,
  )

  const ids = async (url: string): Promise<Set<number>> =>
    new Set(((await (await fetch(`${url}/posts`)).json()) as { id: number }[]).map((post) => post.id))
  const live = await ids(cli.url)
  assert.ok(acknowledged.length >= 80, `writes went through (${acknowledged.length})`)
  for (const id of acknowledged) assert.ok(live.has(id), `acknowledged post ${id} is served`)
  await stop(cli)

  const again = await serveInProcess([join(dir, 'restmock.yaml'), '--port', '0', '--quiet'])
  const restarted = await ids(again.url)
  for (const id of acknowledged) assert.ok(restarted.has(id), `acknowledged post ${id} survived the restart`)
  await again.close()
})
