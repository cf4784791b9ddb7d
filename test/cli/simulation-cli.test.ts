import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { runInProcess } from '../support/cli-helpers.ts'
import { serveInProcess } from '../support/serve-in-process.ts'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const BIN = join(ROOT, 'bin', 'restmock.js')
const DB = join(ROOT, 'seeds', 'db.json')

const children: ChildProcess[] = []
after(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM')
})

function spawnCli(
  args: readonly string[],
  env: Record<string, string> = {},
): {
  child: ChildProcess
  output: Promise<string>
  exit: Promise<number | null>
} {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.push(child)
  let text = ''
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    text += chunk
  })
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    text += chunk
  })
  const exit = new Promise<number | null>((resolve) => child.once('close', resolve))
  const output = exit.then(() => text)
  return { child, output, exit }
}

/** Resolves with the server's URL once the startup line is printed. */
function listening(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = ''
    child.stdout?.on('data', (chunk: string) => {
      text += chunk
      const match = /restmock listening on (http:\/\/\S+)/.exec(text)
      if (match !== null) resolve(match[1]!)
    })
    child.once('close', () => reject(new Error(`the server exited:\n${text}`)))
  })
}

test('bad --latency / --error-rate values are usage errors (exit 2) naming the flag', async () => {
  const { code, stderr } = await runInProcess([DB, '--in-memory', '-p', '0', '--latency', 'fast'])
  assert.equal(code, 2)
  assert.match(stderr, /restmock: --latency must be a number of ms, "min-max"/)
})

test('--error-rate 1 and --latency fail every request; --no-admin removes /__restmock', async () => {
  const mock = await serveInProcess([
    DB,
    '--in-memory',
    '-p',
    '0',
    '--quiet',
    '--error-rate',
    '1',
    '--latency',
    '1',
    '--no-admin',
  ])
  const { url } = mock
  const failed = await fetch(`${url}/posts/1`)
  assert.equal(failed.status, 500)
  assert.equal(((await failed.json()) as { code: string }).code, 'simulated_failure')
  const admin = await fetch(`${url}/__restmock/health`)
  assert.notEqual(admin.status, 200)
  await admin.arrayBuffer()
  await mock.close()
})

test('RESTMOCK_ADMIN_TOKEN / --admin-token guard the admin API; --admin-origin grants one origin', async () => {
  const { child } = spawnCli(
    [DB, '--in-memory', '-p', '0', '--quiet', '--admin-origin', 'http://localhost:5173'],
    {
      RESTMOCK_ADMIN_TOKEN: 'from-env',
    },
  )
  const url = await listening(child)
  const missing = await fetch(`${url}/__restmock/health`)
  assert.equal(missing.status, 401)
  assert.equal(missing.headers.get('www-authenticate'), 'Bearer realm="restmock"')
  await missing.arrayBuffer()
  const auth = { authorization: 'Bearer from-env' }
  const ok = await fetch(`${url}/__restmock/health`, {
    headers: { ...auth, origin: 'http://localhost:5173' },
  })
  assert.equal(ok.status, 200)
  assert.equal(ok.headers.get('access-control-allow-origin'), 'http://localhost:5173')
  await ok.arrayBuffer()
  const other = await fetch(`${url}/__restmock/health`, { headers: { ...auth, origin: 'http://evil.test' } })
  assert.equal(other.headers.get('access-control-allow-origin'), null)
  await other.arrayBuffer()
  const plain = await fetch(`${url}/__restmock/reset`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'text/plain' },
  })
  assert.equal(plain.status, 415)
  await plain.arrayBuffer()
  assert.equal((await fetch(`${url}/posts/1`)).status, 200, 'resources need no admin token')
  child.kill('SIGTERM')

  const flag = await serveInProcess([DB, '--in-memory', '-p', '0', '--quiet', '--admin-token', 'from-flag'], {
    RESTMOCK_ADMIN_TOKEN: 'from-env',
  })
  const byFlag = await fetch(`${flag.url}/__restmock/health`, {
    headers: { authorization: 'Bearer from-flag' },
  })
  assert.equal(byFlag.status, 200, 'the flag wins over the variable')
  await byFlag.arrayBuffer()
  await flag.close()
})

test('a bad --admin-origin stops the start with a message naming the flag', async () => {
  const { code, stderr } = await runInProcess([
    DB,
    '--in-memory',
    '-p',
    '0',
    '--admin-origin',
    'localhost:5173/app',
  ])
  assert.equal(code, 1)
  assert.match(stderr, /--admin-origin/)
})
