import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { request } from 'node:http'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { tempDir } from '../support/cli-helpers.ts'
import { serveCli } from '../support/running-cli.ts'

const SEED = { posts: [{ id: 1, title: 'kept' }] }

interface Answer {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

/**
 * A GET that announces `Expect: 100-continue`: Node answers 100 once it has parsed the request and
 * handed it to restmock, so `onDispatched` runs when the request is certainly in flight.
 */
function getInFlight(
  url: string,
  headers: Record<string, string>,
  onDispatched: () => void,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { ...headers, expect: '100-continue' } }, (response) => {
      let body = ''
      response.setEncoding('utf8')
      response.on('data', (chunk: string) => {
        body += chunk
      })
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }))
      response.on('error', reject)
    })
    req.on('error', reject)
    req.on('continue', () => {
      onDispatched()
      req.end()
    })
    req.flushHeaders()
  })
}

describe('shutdown on SIGINT / SIGTERM', { concurrency: 2 }, () => {
  test('a request in flight gets its full answer, then "restmock stopped", exit 0, lock released', async () => {
    const dir = await tempDir()
    await writeFile(join(dir, 'db.json'), JSON.stringify(SEED))
    const server = await serveCli(['db.json', '--port', '0'], dir)
    assert.ok(existsSync(join(dir, 'db.json.lock')), 'the running server holds the lock')

    // the simulated delay keeps the request in flight while the signal arrives
    const answer = await getInFlight(`${server.url}/posts`, { prefer: 'delay=1000' }, () =>
      server.child.kill('SIGINT'),
    )
    assert.equal(answer.status, 200)
    assert.equal(Number(answer.headers['content-length']), Buffer.byteLength(answer.body))
    assert.deepEqual(JSON.parse(answer.body), SEED.posts)

    const { code } = await server.exited
    assert.equal(code, 0, server.stderr())
    const lines = server.stdout().trimEnd().split('\n')
    assert.equal(lines.at(-1), 'restmock stopped')
    assert.ok(
      lines.some((line) => /^GET \/posts 200 /.test(line)),
      'the request was logged before stopping',
    )
    assert.match(server.stderr(), /^restmock: SIGINT received, finishing requests in flight/m)
    assert.equal(existsSync(join(dir, 'db.json.lock')), false, 'the lock is released')
    assert.deepEqual(JSON.parse(await readFile(join(dir, 'db.json'), 'utf8')), SEED)
  })

  test('a stdout whose reader went away: SIGTERM still stops cleanly and releases the lock', async () => {
    const dir = await tempDir()
    await writeFile(join(dir, 'db.json'), JSON.stringify(SEED))
    const server = await serveCli(['db.json', '--port', '0'], dir)
    server.child.stdout?.destroy()
    server.child.kill('SIGTERM')
    const { code } = await server.exited
    assert.equal(code, 0, server.stderr())
    assert.doesNotMatch(server.stderr(), /EPIPE|\n\s+at /)
    assert.equal(existsSync(join(dir, 'db.json.lock')), false)
  })

  test('a second signal exits at once with code 1 and one line on stderr', async () => {
    const dir = await tempDir()
    await writeFile(join(dir, 'db.json'), JSON.stringify(SEED))
    const server = await serveCli(['db.json', '--port', '0', '--in-memory'], dir)
    const pending = getInFlight(`${server.url}/posts`, { prefer: 'delay=60000' }, () =>
      server.child.kill('SIGTERM'),
    ).catch((error: unknown) => error)
    // the first signal is handled once it says so; only then is the second one a second one
    await new Promise<void>((resolve) => {
      const check = (): void => {
        if (server.stderr().includes('SIGTERM received')) resolve()
        else server.child.stderr?.once('data', check)
      }
      check()
    })
    server.child.kill('SIGTERM')
    const { code } = await server.exited
    assert.equal(code, 1)
    const after = server.stderr().split('SIGTERM received')[1] ?? ''
    assert.deepEqual(
      after
        .split('\n')
        .slice(1)
        .filter((line) => line !== ''),
      ['restmock: SIGTERM again, exiting without waiting'],
    )
    assert.doesNotMatch(server.stdout(), /restmock stopped/)
    assert.ok((await pending) instanceof Error, 'the request in flight was cut')
  })
})
