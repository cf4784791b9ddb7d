import assert from 'node:assert/strict'
import type { ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { copyFile, readFile, utimes, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { ROOT, run, runInProcess, STACK_LINE, start, tempDir } from '../support/cli-helpers.ts'
import { serveCli } from '../support/running-cli.ts'

const SEEDS = join(ROOT, 'seeds')
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version

/** Resolve with the first `count` stdout lines of a running process. */
function firstLines(child: ChildProcess, count: number, timeoutMs = 8000): Promise<string[]> {
  return new Promise((resolve, reject) => {
    let stdout = ''
    let stderr = ''
    const timer = setTimeout(
      () => reject(new Error(`no startup output in time; stderr: ${stderr}`)),
      timeoutMs,
    )
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk
    })
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk
      const lines = stdout.split('\n')
      if (lines.length > count) {
        clearTimeout(timer)
        resolve(lines.slice(0, count))
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`exited with ${code} before starting; stderr: ${stderr}`))
    })
  })
}

const BAD_MANIFEST = [
  'name: Broken',
  'resorces: {}',
  'resources:',
  '  customers:',
  '    fields:',
  '      email: { type: strng }',
  '      age: { type: integer, minLength: 2 }',
  '  invoices:',
  '    fields:',
  '      customerId: { type: integer, ref: customer }',
  '',
].join('\n')

describe('restmock CLI', { concurrency: 4 }, () => {
  test('--help exits 0 and lists the commands and flags', async () => {
    const result = await run(['--help'])
    assert.equal(result.code, 0, result.stderr)
    for (const text of [
      'restmock serve [source]',
      'restmock validate <source>',
      '--port',
      '--in-memory',
      '--db',
    ]) {
      assert.ok(result.stdout.includes(text), `help lacks ${text}:\n${result.stdout}`)
    }
  })

  test('--version prints the version of package.json', async () => {
    const result = await run(['--version'])
    assert.equal(result.code, 0, result.stderr)
    assert.equal(result.stdout.trim(), VERSION)
  })

  test('an unknown flag exits 2 with one line on stderr, not the help', async () => {
    const result = await runInProcess(['--bogus'])
    assert.equal(result.code, 2)
    assert.equal(result.stderr, 'restmock: unknown flag --bogus; see restmock --help\n')
    assert.equal(result.stdout, '')
  })

  test('a bad flag value and conflicting flags are usage errors (exit 2)', async () => {
    const port = await runInProcess(['seeds/db.json', '--port', '70000', '--in-memory'])
    assert.equal(port.code, 2)
    assert.match(port.stderr, /--port must be a whole number from 0 to 65535/)
    const both = await runInProcess(['seeds/db.json', '--in-memory', '--db', 'x.json'])
    assert.equal(both.code, 2)
    assert.match(both.stderr, /mutually exclusive/)
  })

  test('no source in an empty folder exits 2 with a hint', async () => {
    const result = await runInProcess(['--port', '0'], await tempDir())
    assert.equal(result.code, 2)
    assert.match(result.stderr, /no source given/)
    assert.match(result.stderr, /restmock\.yaml/)
    assert.match(result.stderr, /db\.json/)
    assert.doesNotMatch(result.stderr, STACK_LINE)
  })

  test('a missing file exits 1 without a stack trace', async () => {
    const dir = await tempDir()
    const result = await runInProcess(['missing.yaml', '--port', '0', '--in-memory'], dir)
    assert.equal(result.code, 1)
    assert.match(result.stderr, /missing\.yaml does not exist/)
    assert.doesNotMatch(result.stderr, STACK_LINE)
    const validate = await runInProcess(['validate', 'missing.json'], dir)
    assert.equal(validate.code, 1)
    assert.doesNotMatch(validate.stderr, STACK_LINE)
  })

  test('validate accepts the demo manifest and the demo db.json', async () => {
    const manifest = await runInProcess(['validate', 'seeds/restmock.yaml'])
    assert.equal(manifest.code, 0, manifest.stderr)
    assert.match(manifest.stdout, /seeds\/restmock\.yaml: valid manifest, 7 resources, \d+ seed records/)
    const db = await runInProcess(['validate', 'seeds/db.json'])
    assert.equal(db.code, 0, db.stderr)
    assert.match(db.stdout, /valid json-server data file, 5 resources, 31 seed records/)
  })

  test('validate on a bad manifest exits 1 listing every problem with its location', async () => {
    const dir = await tempDir()
    await writeFile(join(dir, 'bad.yaml'), BAD_MANIFEST)
    const result = await runInProcess(['validate', 'bad.yaml'], dir)
    assert.equal(result.code, 1)
    assert.doesNotMatch(result.stderr, STACK_LINE)
    assert.match(result.stderr, /bad\.yaml has 4 problems:/)
    for (const line of [
      '  - resorces: unknown manifest key "resorces" (did you mean "resources"?) (line 2)',
      '  - resources.customers.fields.email.type: must be one of string, integer, number, boolean, object, array, got the string "strng" (did you mean "string"?) (line 6)',
      '  - resources.customers.fields.age.minLength: only applies to string fields, not integer (line 7)',
      '  - resources.invoices.fields.customerId.ref: unknown resource "customer" (did you mean "customers"?) (line 10)',
    ]) {
      assert.ok(result.stderr.includes(line), `missing ${line}\n${result.stderr}`)
    }
  })

  test('validate of a manifest whose data file has invalid records exits 1 listing them', async () => {
    const dir = await tempDir()
    await writeFile(
      join(dir, 'restmock.yaml'),
      [
        'data: ./data.json',
        'resources:',
        '  customers:',
        '    fields:',
        '      email: { type: string, format: email, required: true, unique: true }',
        '  orders:',
        '    fields:',
        '      customerId: { type: integer, ref: customers, required: true }',
        '',
      ].join('\n'),
    )
    await writeFile(
      join(dir, 'data.json'),
      JSON.stringify({
        customers: [
          { id: 1, email: 'a@example.com' },
          { id: 2, email: 'nope' },
          { id: 1, email: 'a@example.com' },
        ],
        orders: [{ id: 1, customerId: 9 }],
      }),
    )
    const result = await runInProcess(['validate', 'restmock.yaml'], dir)
    assert.equal(result.code, 1)
    assert.doesNotMatch(result.stderr, STACK_LINE)
    assert.match(result.stderr, /data\.json has 4 problems:/)
    assert.match(result.stderr, /customers\[1\]\.email: must be a valid email address/)
    assert.match(result.stderr, /customers\[2\]\.id: duplicate id 1/)
    assert.match(result.stderr, /customers\[2\]\.email: "a@example\.com" is already used by customers\[0\]/)
    assert.match(result.stderr, /orders\[0\]\.customerId: refers to customers 9, which does not exist/)
  })

  test('serves a db.json: startup line, one line per resource, answers, exits 0 on SIGTERM', async () => {
    const dir = await tempDir()
    await copyFile(join(SEEDS, 'db.json'), join(dir, 'db.json'))
    const original = await readFile(join(dir, 'db.json'), 'utf8')
    const child = start(['db.json', '--port', '0', '--in-memory'], dir)
    try {
      const lines = await firstLines(child, 6)
      const match = /^restmock listening on http:\/\/127\.0\.0\.1:(\d+)$/.exec(lines[0] ?? '')
      assert.ok(match, `first line: ${lines[0]}`)
      const url = `http://127.0.0.1:${match[1]}`
      const resources = ['posts', 'comments', 'users', 'tags', 'profile']
      resources.forEach((name, index) => {
        assert.match(lines[index + 1] ?? '', new RegExp(`^\\s+${name}\\s+${url}/${name}\\b`))
      })
      const response = await fetch(`${url}/posts/1`)
      assert.equal(response.status, 200)
      const post = (await response.json()) as { id: unknown; title: unknown }
      assert.equal(post.id, 1)
      assert.equal(post.title, 'Getting started with restmock')
      let rest = ''
      child.stdout?.on('data', (chunk: string) => {
        rest += chunk
      })
      const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)))
      child.kill('SIGTERM')
      assert.equal(await exited, 0)
      assert.equal(rest.trimEnd().split('\n').at(-1), 'restmock stopped')
      assert.doesNotMatch(rest, /warning:/, 'on a loopback address the admin API needs no warning')
      assert.equal(await readFile(join(dir, 'db.json'), 'utf8'), original, 'in memory: nothing written')
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    }
  })

  test('on a network address without an admin token, the banner warns about the admin API', async () => {
    const dir = await tempDir()
    await copyFile(join(SEEDS, 'db.json'), join(dir, 'db.json'))
    const server = await serveCli(['db.json', '--port', '0', '--in-memory', '--host', '0.0.0.0'], dir)
    server.child.kill('SIGTERM')
    assert.equal((await server.exited).code, 0, server.stderr())
    assert.ok(
      server
        .stdout()
        .split('\n')
        .includes(
          `warning: the admin API at http://0.0.0.0:${server.port}/__restmock is reachable from the network ` +
            'without a token; set --admin-token or RESTMOCK_ADMIN_TOKEN, or use --no-admin',
        ),
      server.stdout(),
    )
  })

  test('seed data edited after the state was saved: a startup line suggests --reset', async () => {
    const dir = await tempDir()
    await writeFile(join(dir, 'data.json'), JSON.stringify({ posts: [{ id: 1, title: 'one' }] }))
    await writeFile(
      join(dir, 'restmock.yaml'),
      'data: ./data.json\nresources:\n  posts:\n    fields:\n      title: { type: string }\n',
    )
    const first = await serveCli(['--port', '0', '--quiet'], dir)
    first.child.kill('SIGTERM')
    assert.equal((await first.exited).code, 0, first.stderr())
    assert.doesNotMatch(first.stderr(), /changed since/)
    const later = new Date(Date.now() + 60_000)
    await utimes(join(dir, 'data.json'), later, later)
    const second = await serveCli(['--port', '0', '--quiet'], dir)
    second.child.kill('SIGTERM')
    assert.equal((await second.exited).code, 0, second.stderr())
    assert.match(
      second.stderr(),
      /^restmock: data\.json changed since the state was saved; run with --reset to start from the new seed$/m,
    )
  })

  test('a default state file that is not valid JSON: exit 1, clear message, file untouched', async () => {
    const dir = await tempDir()
    await writeFile(
      join(dir, 'restmock.yaml'),
      'resources:\n  posts:\n    fields:\n      title: { type: string }\n',
    )
    const corrupt = '{"posts": [{"id": 1, "title": "half'
    await writeFile(join(dir, 'restmock.state.json'), corrupt)
    const result = await runInProcess(['--port', '0'], dir)
    assert.equal(result.code, 1)
    assert.match(result.stderr, /restmock\.state\.json is not valid JSON/)
    assert.doesNotMatch(result.stderr, STACK_LINE)
    assert.equal(await readFile(join(dir, 'restmock.state.json'), 'utf8'), corrupt)
  })

  test('--db pointing at a corrupt state file: exit 1, clear message, file untouched', async () => {
    const dir = await tempDir()
    await copyFile(join(SEEDS, 'db.json'), join(dir, 'db.json'))
    const corrupt = '{"posts": ['
    await writeFile(join(dir, 'state.json'), corrupt)
    const result = await runInProcess(['db.json', '--port', '0', '--db', 'state.json'], dir)
    assert.equal(result.code, 1, result.stderr.trim().split('\n').at(-1))
    assert.match(result.stderr, /state\.json is not valid JSON/)
    assert.doesNotMatch(result.stderr, STACK_LINE)
    assert.equal(await readFile(join(dir, 'state.json'), 'utf8'), corrupt)
  })
})
