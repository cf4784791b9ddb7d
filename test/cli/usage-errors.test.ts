import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import {
  type Result,
  ROOT,
  runInProcess as run,
  STACK_LINE,
  run as spawnCli,
  tempDir,
} from '../support/cli-helpers.ts'
import { serveInProcess } from '../support/serve-in-process.ts'

const DB = 'seeds/db.json'
const MANIFEST = 'seeds/restmock.yaml'

/** A usage error: exit 2, nothing on stdout, exactly this one line on stderr (no help page). */
function assertUsageLine(result: Result, line: string): void {
  assert.equal(result.code, 2, result.stderr)
  assert.equal(result.stdout, '')
  assert.equal(result.stderr, `restmock: ${line}\n`)
  assert.doesNotMatch(result.stderr, STACK_LINE)
}

describe('usage errors name what was meant, in one line', { concurrency: 4 }, () => {
  test('an unknown flag names the closest known flag', async () => {
    assertUsageLine(await spawnCli([DB, '--dealy', '500']), 'unknown flag --dealy; did you mean --delay?')
    assertUsageLine(await run(['--prot=3000', DB]), 'unknown flag --prot; did you mean --port?')
    assertUsageLine(await run([DB, '--no-corss']), 'unknown flag --no-corss; did you mean --no-cors?')
  })

  test('an unknown flag with nothing close points at the help', async () => {
    assertUsageLine(await run([DB, '--frobnicate']), 'unknown flag --frobnicate; see restmock --help')
    assertUsageLine(await run([DB, '-Z']), 'unknown flag -Z; see restmock --help')
  })

  test("the subcommands' flags are checked against their own flags", async () => {
    assertUsageLine(
      await run(['validate', MANIFEST, '--dta', 'x.json']),
      'unknown flag --dta; did you mean --data?',
    )
    assertUsageLine(
      await run(['generate', MANIFEST, '--cont', '5']),
      'unknown flag --cont; did you mean --count?',
    )
    // --port is a serve flag, not one of generate's
    assertUsageLine(
      await run(['generate', MANIFEST, '--port', '1']),
      'unknown flag --port; see restmock generate --help',
    )
  })

  test('a mistyped command word names the command', async () => {
    assertUsageLine(await run(['valdate', MANIFEST]), 'unknown command valdate; did you mean validate?')
    assertUsageLine(await run(['generat', MANIFEST]), 'unknown command generat; did you mean generate?')
    assertUsageLine(await run(['frobnicate']), 'unknown command frobnicate; see restmock --help')
  })

  test('a mistyped command after flags is named too, wherever the flags put it', async () => {
    const cases: Array<[string[], string]> = [
      [['--port', '3000', 'valdate'], 'unknown command valdate; did you mean validate?'],
      [['--port=3000', 'valdate', MANIFEST], 'unknown command valdate; did you mean validate?'],
      [['-q', '--watch', 'generat', MANIFEST], 'unknown command generat; did you mean generate?'],
      [['--watch', 'false', '-qp', '0', 'valdate'], 'unknown command valdate; did you mean validate?'],
      [['--host', 'localhost', 'frobnicate'], 'unknown command frobnicate; see restmock --help'],
    ]
    const results = await Promise.all(cases.map(([args]) => run(args)))
    for (const [i, result] of results.entries()) assertUsageLine(result, cases[i]![1])
  })

  test('a flag value that looks like a word is not taken for a command', async () => {
    // "localhost" is --host's value: the source is what comes after it
    const result = await run(['--host', 'localhost', DB, '--port', 'x'])
    assertUsageLine(result, '--port must be a whole number from 0 to 65535, got "x"')
  })

  test('a source file whose name looks like a word is still served', async () => {
    const dir = await tempDir()
    await writeFile(join(dir, 'mockdata'), JSON.stringify({ posts: [{ id: 1 }] }))
    const result = await run(['mockdata', '--port', 'x'], dir)
    // the file was taken as the source: the complaint is about the port, not the command
    assertUsageLine(result, '--port must be a whole number from 0 to 65535, got "x"')
  })

  test('an extra positional argument is named', async () => {
    assertUsageLine(await run([DB, 'extra']), 'unexpected argument "extra"; see restmock --help')
  })

  test('other usage errors are one line too, with a pointer to the help', async () => {
    assertUsageLine(
      await run([DB, '--in-memory', '--db', 'x.json']),
      'Arguments in-memory and db are mutually exclusive; see restmock --help',
    )
    assertUsageLine(
      await run(['validate']),
      'Not enough non-option arguments: got 0, need at least 1; see restmock validate --help',
    )
  })

  test('bad numbers quote what was given', async () => {
    const cases: Array<[string[], string]> = [
      [['--port', 'abc'], '--port must be a whole number from 0 to 65535, got "abc"'],
      [['-p=70000'], '--port must be a whole number from 0 to 65535, got "70000"'],
      [['--seed', '4x'], '--seed must be a whole number, got "4x"'],
      [['--body-limit', '1mb'], '--body-limit must be a positive whole number of bytes, got "1mb"'],
      [
        ['--error-rate', 'some'],
        '--error-rate must be a share of requests from 0 to 1 (such as 0.05), got "some"',
      ],
      [
        ['--error-rate=1.5'],
        '--error-rate must be a share of requests from 0 to 1 (such as 0.05), got "1.5"',
      ],
    ]
    const results = await Promise.all(cases.map(([flags]) => run([DB, '--in-memory', ...flags])))
    for (const [i, result] of results.entries()) assertUsageLine(result, cases[i]![1])
  })
})

describe("--delay, json-server's name for --latency", () => {
  test('sets the global latency', async () => {
    const server = await serveInProcess([join(ROOT, DB), '--in-memory', '-p', '0', '-q', '--delay', '0-1'])
    try {
      const response = await fetch(`${server.url}/__restmock/simulation`)
      assert.equal(response.status, 200)
      const level = (await response.json()) as { latency?: unknown }
      assert.deepEqual(level.latency, '0-1')
    } finally {
      await server.close()
    }
  })

  test('a bad --delay is reported under the name it was given', async () => {
    const result = await run([DB, '--in-memory', '--delay', 'soon'])
    assert.equal(result.code, 2)
    assert.match(result.stderr, /^restmock: --delay must be a number of ms, "min-max"/)
  })
})
