import assert from 'node:assert/strict'
import { rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { stringify } from 'yaml'
import { AUTH_DATA, authManifest } from '../support/auth-fixtures.ts'
import { runInProcess as run, tempDir } from '../support/cli-helpers.ts'
import { serveCli } from '../support/running-cli.ts'

const dirs: string[] = []
after(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })))
})

async function manifestFile(auth: Record<string, unknown> = {}): Promise<{ dir: string; file: string }> {
  const dir = await tempDir('restmock-auth-')
  dirs.push(dir)
  await writeFile(join(dir, 'auth.data.json'), JSON.stringify(AUTH_DATA))
  const file = join(dir, 'auth.yaml')
  await writeFile(file, stringify({ ...authManifest(auth), data: './auth.data.json' }))
  return { dir, file }
}

test('restmock serves a manifest with auth: 401 without a token, 200 with one from the token endpoint', async () => {
  const { dir, file } = await manifestFile()
  const cli = await serveCli([file, '--port', '0', '--in-memory', '--quiet'], dir)
  assert.match(cli.stdout(), /auth: on; tokens at http:\/\/127\.0\.0\.1:\d+\/__restmock\/oauth\/token/)
  const anonymous = await fetch(`${cli.url}/api/invoices`)
  assert.equal(anonymous.status, 401)
  assert.equal(anonymous.headers.get('www-authenticate'), 'Bearer realm="restmock"')
  const token = await fetch(`${cli.url}/__restmock/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=password&username=ada&password=pw',
  })
  const { access_token } = (await token.json()) as { access_token: string }
  const invoices = await fetch(`${cli.url}/api/invoices`, {
    headers: { authorization: `Bearer ${access_token}` },
  })
  assert.equal(invoices.status, 200)
  const notes = await fetch(`${cli.url}/api/notes`, { headers: { authorization: `Bearer ${access_token}` } })
  assert.deepEqual(
    ((await notes.json()) as { id: number }[]).map((note) => note.id),
    [1, 3],
  )
  const info = await (await fetch(`${cli.url}/__restmock`)).json()
  assert.equal(JSON.stringify(info).includes('s3cret'), false)
  cli.child.kill('SIGTERM')
  await cli.exited
})

test('--auth off lets every request through; --show-secrets lists the demo credentials', async () => {
  const { dir, file } = await manifestFile()
  const cli = await serveCli(
    [file, '--port', '0', '--in-memory', '--quiet', '--auth', 'off', '--show-secrets'],
    dir,
  )
  assert.match(cli.stdout(), /auth: off/)
  assert.equal((await fetch(`${cli.url}/api/invoices`)).status, 200)
  const info = (await (await fetch(`${cli.url}/__restmock`)).json()) as {
    auth: { clients: { secret: string }[] }
  }
  assert.equal(info.auth.clients[0]?.secret, 's3cret')
  cli.child.kill('SIGTERM')
  await cli.exited
})

test('a bad --auth value and a bad auth block exit with a clear message, no stack', async () => {
  const { dir, file } = await manifestFile()
  const usage = await run([file, '--auth', 'maybe'], dir)
  assert.equal(usage.code, 2)
  assert.match(usage.stderr, /--auth must be on or off, got "maybe"/)
  const bad = await manifestFile({ protect: 'everything' })
  const config = await run(['validate', bad.file], bad.dir)
  assert.equal(config.code, 1)
  assert.match(config.stdout + config.stderr, /auth\.protect: must be one of none, writes, all/)
  assert.doesNotMatch(config.stderr, /^ {4}at /m)
})
