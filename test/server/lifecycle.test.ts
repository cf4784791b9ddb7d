import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises'
import { connect, createServer, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, mock, test } from 'node:test'
import { ConfigError } from '../../src/core/errors.ts'
import { listenNodeServer } from '../../src/server/node-server.ts'
import { type RunningMock, startMock } from '../../src/server/start-mock.ts'

let dir: string
const running: Array<{ close(): Promise<void> }> = []

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'restmock-lifecycle-'))
})
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close()))
  mock.restoreAll()
  await rm(dir, { recursive: true, force: true })
})

async function start(options: Parameters<typeof startMock>[0]): Promise<RunningMock> {
  const started = await startMock(options)
  running.push(started)
  return started
}

async function dbFile(data: unknown = { posts: [{ id: 1, title: 'seed' }] }): Promise<string> {
  const path = join(dir, 'db.json')
  await writeFile(path, JSON.stringify(data))
  return path
}

interface RawResponse {
  status: number
  headers: Map<string, string>
  body: string
}

function parseResponse(text: string): RawResponse {
  const [head = '', body = ''] = text.split('\r\n\r\n', 2)
  const [statusLine = '', ...headerLines] = head.split('\r\n')
  const headers = new Map(
    headerLines.map((line) => {
      const colon = line.indexOf(':')
      return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()] as [string, string]
    }),
  )
  return { status: Number(statusLine.split(' ')[1]), headers, body }
}

/** Writes raw bytes on a new connection and resolves with everything received until the server closes it. */
function exchange(port: number, text: string, options: { abortAfterWrite?: boolean } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(text, () => {
        if (options.abortAfterWrite === true) socket.destroy()
      })
    })
    let received = ''
    socket.setEncoding('latin1')
    socket.on('data', (chunk: string) => {
      received += chunk
    })
    socket.on('close', () => resolve(received))
    socket.on('error', (error) => (options.abortAfterWrite === true ? resolve(received) : reject(error)))
  })
}

function assertProblem(response: RawResponse, status: number, code: string): Record<string, unknown> {
  assert.equal(response.status, status, response.body)
  assert.equal(response.headers.get('content-type'), 'application/problem+json')
  assert.equal(response.headers.get('connection'), 'close')
  const problem = JSON.parse(response.body) as Record<string, unknown>
  assert.equal(problem.status, status)
  assert.equal(problem.code, code)
  assert.equal(typeof problem.detail, 'string')
  return problem
}

describe("Node's own parser errors answer problem+json", () => {
  test('two Content-Length headers, oversized headers and a bad chunk size; the server goes on serving', async () => {
    const server = await start({ source: await dbFile() })
    const twoLengths = parseResponse(
      await exchange(
        server.port,
        'POST /posts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}',
      ),
    )
    const problem = assertProblem(twoLengths, 400, 'bad_request')
    assert.match(String(problem.detail), /Content-Length/)
    assert.equal(problem.instance, '/posts')

    const big = parseResponse(
      await exchange(server.port, `GET /posts HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`),
    )
    assertProblem(big, 431, 'headers_too_large')

    const badChunk = parseResponse(
      await exchange(
        server.port,
        'POST /posts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n',
      ),
    )
    assertProblem(badChunk, 400, 'bad_request')

    const posts = (await (await fetch(`${server.url}/posts`)).json()) as unknown[]
    assert.equal(posts.length, 1, 'no bad request changed the state')
  })

  test('a client that disconnects mid-body is not reported as an unexpected error', async () => {
    const errors = mock.method(console, 'error', (..._args: unknown[]) => {})
    let logged = ''
    let onLine = (): void => {}
    const server = await start({
      source: await dbFile(),
      logRequests: true,
      log: (text) => {
        logged += text
        onLine()
      },
    })
    const finished = new Promise<void>((resolve) => {
      onLine = () => {
        if (logged.includes('POST /posts')) resolve()
      }
    })
    await exchange(
      server.port,
      'POST /posts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"title":',
      { abortAfterWrite: true },
    )
    await finished
    assert.deepEqual(
      errors.mock.calls.map((call) => call.arguments.join(' ')),
      [],
      'nothing printed on stderr',
    )
  })
})

describe('slow clients and connection limits', () => {
  const limits = { headersTimeoutMs: 150, requestTimeoutMs: 300, checkIntervalMs: 25 }
  const ok = async (request: Request): Promise<Response> =>
    new Response(`read ${(await request.text()).length}`)

  test('headers that do not arrive in time, and a body that does not: 408 problem+json', async () => {
    const server = await listenNodeServer(ok, '127.0.0.1', 0, limits)
    running.push(server)
    const headers = parseResponse(await exchange(server.port, 'GET / HTTP/1.1\r\nHost: x\r\n'))
    const problem = assertProblem(headers, 408, 'request_timeout')
    assert.match(String(problem.detail), /150 ms/)
    const body = parseResponse(
      await exchange(server.port, 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc'),
    )
    assertProblem(body, 408, 'request_timeout')
  })

  test('connections beyond the cap are refused', async () => {
    const server = await listenNodeServer(ok, '127.0.0.1', 0, { maxConnections: 1 })
    running.push(server)
    const first = await open(server.port)
    try {
      const refused = await exchange(server.port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n', {
        abortAfterWrite: false,
      })
      assert.equal(refused, '', 'the second connection is closed without an answer')
      first.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
      assert.match(await readAll(first), /^HTTP\/1\.1 200 /)
    } finally {
      first.destroy()
    }
  })
})

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket))
    socket.once('error', reject)
  })
}

function readAll(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    let text = ''
    socket.setEncoding('latin1')
    socket.on('data', (chunk: string) => {
      text += chunk
    })
    socket.once('close', () => resolve(text))
  })
}

function deferred(): { promise: Promise<void>; resolve(): void } {
  let resolve = (): void => {}
  const promise = new Promise<void>((done) => {
    resolve = done
  })
  return { promise, resolve }
}

describe('graceful close', () => {
  test('a request in flight finishes; a new request on a kept-alive connection is told to close', async () => {
    const release = deferred()
    const arrived = deferred()
    const server = await listenNodeServer(
      async (request) => {
        if (new URL(request.url).pathname === '/slow') {
          arrived.resolve()
          await release.promise
          return new Response('finished')
        }
        return new Response('quick')
      },
      '127.0.0.1',
      0,
    )
    const kept = await open(server.port)
    const slow = fetch(`http://127.0.0.1:${server.port}/slow`).then((response) => response.text())
    await arrived.promise
    const closed = server.close()
    kept.write('GET /quick HTTP/1.1\r\nHost: x\r\n\r\n')
    const quick = parseResponse(await readAll(kept))
    assert.equal(quick.status, 200)
    assert.equal(quick.headers.get('connection'), 'close')
    assert.equal(quick.body, 'quick')
    release.resolve()
    assert.equal(await slow, 'finished')
    await closed
  })

  test('a request still running after the grace period is cut', async () => {
    const arrived = deferred()
    const never = deferred()
    const server = await listenNodeServer(
      async () => {
        arrived.resolve()
        await never.promise
        return new Response('never')
      },
      '127.0.0.1',
      0,
      { shutdownGraceMs: 50 },
    )
    const pending = fetch(`http://127.0.0.1:${server.port}/`).then(
      () => 'answered',
      () => 'cut',
    )
    await arrived.promise
    await server.close()
    assert.equal(await pending, 'cut')
    never.resolve()
  })
})

describe('startup order and the state lock', () => {
  test('a taken port: ConfigError naming it, and nothing written, not even with reset', async () => {
    const blocker: Server = createServer()
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
    const address = blocker.address()
    const port = typeof address === 'object' && address !== null ? address.port : 0
    try {
      const db = await dbFile()
      await writeFile(join(dir, 'state.json'), '{"posts":[{"id":9,"title":"saved"}]}')
      const before = await readdir(dir)
      await assert.rejects(
        startMock({ source: db, db: join(dir, 'state.json'), port, reset: true }),
        (error: Error) => {
          assert.ok(error instanceof ConfigError)
          assert.equal(
            error.message,
            `port ${port} is already in use; choose another with --port (0 picks a free one)`,
          )
          return true
        },
      )
      assert.deepEqual(await readdir(dir), before, 'no lock, journal or seed copy left behind')
      assert.equal(await readFile(join(dir, 'state.json'), 'utf8'), '{"posts":[{"id":9,"title":"saved"}]}')
    } finally {
      await new Promise((resolve) => blocker.close(resolve))
    }
  })

  test('a second server on the same state file is refused; close releases the lock', async () => {
    const db = await dbFile()
    const first = await start({ source: db, persist: true })
    assert.equal(first.stateFile, db)
    assert.ok(existsSync(`${db}.lock`))
    await assert.rejects(startMock({ source: db, persist: true }), (error: Error) => {
      assert.ok(error instanceof ConfigError)
      assert.match(error.message, new RegExp(`in use by restmock process ${process.pid}\\b`))
      return true
    })
    await first.close()
    assert.equal(existsSync(`${db}.lock`), false)
    const again = await start({ source: db, persist: true })
    assert.equal((await fetch(`${again.url}/posts/1`)).status, 200)
  })

  test('library defaults: a free port and state in memory, nothing written', async () => {
    const db = await dbFile()
    const server = await start({ source: db })
    assert.notEqual(server.port, 0)
    assert.notEqual(server.port, 3000)
    assert.equal(server.stateFile, undefined)
    const created = await fetch(`${server.url}/posts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"title":"in memory"}',
    })
    assert.equal(created.status, 201)
    await server.close()
    assert.deepEqual(await readdir(dir), ['db.json'])
  })
})

describe('stale state notice', () => {
  test('a manifest or data file edited after the state was saved: one line suggesting --reset', async () => {
    const manifest = join(dir, 'shop.yaml')
    await writeFile(join(dir, 'data.json'), JSON.stringify({ products: [{ id: 1, name: 'lamp' }] }))
    await writeFile(
      manifest,
      'data: ./data.json\nresources:\n  products:\n    fields:\n      name: { type: string }\n',
    )
    const errors = mock.method(console, 'error', (..._args: unknown[]) => {})
    const first = await start({ source: manifest, persist: true })
    await first.close()
    const fresh = await start({ source: manifest, persist: true })
    await fresh.close()
    assert.equal(errors.mock.callCount(), 0, 'no notice while the state is newer')

    const later = new Date(Date.now() + 60_000)
    await utimes(join(dir, 'data.json'), later, later)
    const stale = await start({ source: manifest, persist: true })
    await stale.close()
    const lines = errors.mock.calls.map((call) => String(call.arguments[0]))
    assert.equal(lines.length, 1)
    assert.match(
      lines[0] ?? '',
      /^restmock: (.*\/)?data\.json changed since the state was saved; run with --reset to start from the new seed$/,
    )
  })
})
