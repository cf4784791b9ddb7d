import assert from 'node:assert/strict'
import type { Server } from 'node:http'
import { connect } from 'node:net'
import { after, describe, test } from 'node:test'
import { serve } from '@hono/node-server'
import type { Hono } from 'hono'
import { simulatedCrm } from '../support/simulation-helpers.ts'

/** A sleep the test releases by hand, to observe what the client sees while the server waits. */
class ManualSleep {
  readonly calls: Array<{ ms: number; release: () => void; signal: AbortSignal | undefined }> = []
  #waiting: Array<() => void> = []

  readonly sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
    new Promise((resolve) => {
      signal?.addEventListener('abort', () => resolve(), { once: true })
      this.calls.push({ ms, release: resolve, signal })
      for (const wake of this.#waiting.splice(0)) wake()
    })

  /** Resolves once the server has asked for its `count`-th sleep. */
  async called(count: number): Promise<ManualSleep['calls'][number]> {
    while (this.calls.length < count) await new Promise<void>((resolve) => this.#waiting.push(resolve))
    return this.calls[count - 1]!
  }
}

const servers: Server[] = []
after(() => {
  for (const server of servers) server.closeAllConnections()
  return Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))))
})

function listen(app: Hono): Promise<number> {
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) =>
      resolve(info.port),
    ) as Server
    servers.push(server)
  })
}

interface RawReply {
  data: string
  error?: string
}

/** One HTTP/1.1 request on a fresh TCP connection; everything received until the connection ends. */
function rawRequest(
  port: number,
  path: string,
  onConnect?: (destroy: () => void) => void,
): Promise<RawReply> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    const chunks: Buffer[] = []
    let error: string | undefined
    socket.on('connect', () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n`)
      onConnect?.(() => socket.destroy())
    })
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    socket.on('error', (err: NodeJS.ErrnoException) => {
      error = err.code ?? err.message
    })
    socket.on('close', () => {
      const reply: RawReply = { data: Buffer.concat(chunks).toString('utf8') }
      if (error !== undefined) reply.error = error
      resolve(reply)
    })
  })
}

describe('connection faults on a real socket', () => {
  test('reset: the client sees ECONNRESET and no bytes; nothing is written', async () => {
    const { app, engine } = simulatedCrm()
    const port = await listen(app)
    assert.deepEqual(await rawRequest(port, '/api/customers?_fault=reset'), { data: '', error: 'ECONNRESET' })
    await assert.rejects(
      fetch(`http://127.0.0.1:${port}/api/customers`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', prefer: 'fault=reset' },
        body: JSON.stringify({ name: 'X', email: 'x@example.com' }),
      }),
      (error: Error) =>
        /ECONNRESET|other side closed/.test(String((error.cause as Error)?.message ?? error.message)),
    )
    assert.equal(engine.list('customers').length, 2)
  })

  test('empty: the connection closes cleanly with no response at all', async () => {
    const { app } = simulatedCrm()
    const port = await listen(app)
    assert.deepEqual(await rawRequest(port, '/api/customers?_fault=empty'), { data: '' })
  })

  test('malformed: a real status line and headers, then half the body, then the connection closes', async () => {
    const { app } = simulatedCrm()
    const port = await listen(app)
    const whole = await (await fetch(`http://127.0.0.1:${port}/api/customers/1`)).text()
    const reply = await rawRequest(port, '/api/customers/1?_fault=malformed')
    assert.equal(reply.error, undefined)
    const [head, received] = reply.data.split('\r\n\r\n') as [string, string]
    assert.match(head, /^HTTP\/1\.1 200 OK\r\n/)
    assert.match(head, new RegExp(`content-length: ${Buffer.byteLength(whole)}`))
    assert.ok(
      received.length > 0 && received.length < whole.length,
      `${received.length} of ${whole.length} bytes`,
    )
    assert.ok(whole.startsWith(received))
    await assert.rejects(
      (await fetch(`http://127.0.0.1:${port}/api/customers/1?_fault=malformed`)).text(),
      /terminated/,
    )
  })

  test('timeout: held until the client gives up; nothing is sent and it is journaled with status 0', async () => {
    const manual = new ManualSleep()
    const { app } = simulatedCrm({ app: { sleep: manual.sleep } })
    const port = await listen(app)
    let giveUp: (() => void) | undefined
    // a 1ms latency first: its sleep shows that the server has the request
    const reply = rawRequest(port, '/api/customers?_fault=timeout&_delay=1', (destroy) => {
      giveUp = destroy
    })
    ;(await manual.called(1)).release()
    assert.equal(
      (await fetch(`http://127.0.0.1:${port}/__restmock/health`)).status,
      200,
      'others are served meanwhile',
    )
    giveUp!()
    assert.deepEqual(await reply, { data: '' })
    let journaled: Array<{ status: number; simulated: string }> = []
    while (journaled.length === 0) {
      const body = (await (await fetch(`http://127.0.0.1:${port}/__restmock/requests?status=0`)).json()) as {
        requests: typeof journaled
      }
      journaled = body.requests
    }
    assert.deepEqual(
      journaled.map(({ status, simulated }) => ({ status, simulated })),
      [{ status: 0, simulated: 'latency 1ms, fault timeout (request)' }],
    )
    assert.equal(manual.calls.length, 1, 'no timer without simulate.timeout')
  })

  test('timeout: with simulate.timeout the server answers 504 when it passes', async () => {
    const manual = new ManualSleep()
    const { app } = simulatedCrm({
      manifest: { simulate: { timeout: '30s' } },
      app: { sleep: manual.sleep },
    })
    const port = await listen(app)
    const response = fetch(`http://127.0.0.1:${port}/api/customers`, { headers: { prefer: 'fault=timeout' } })
    const held = await manual.called(1)
    assert.equal(held.ms, 30_000)
    held.release()
    const answer = await response
    assert.equal(answer.status, 504)
    assert.equal(((await answer.json()) as { code: string }).code, 'simulated_failure')
  })

  test('dribble: the headers at once, then the body piece by piece as time passes', async () => {
    const manual = new ManualSleep()
    const { app } = simulatedCrm({
      manifest: { simulate: { faults: { rate: 0, kind: 'dribble', chunks: 3, duration: '2s' } } },
      app: { sleep: manual.sleep },
    })
    const port = await listen(app)
    const whole = await (await fetch(`http://127.0.0.1:${port}/api/customers`)).text()
    const response = await fetch(`http://127.0.0.1:${port}/api/customers`, {
      headers: { prefer: 'fault=dribble' },
    })
    assert.equal(response.status, 200)
    assert.equal(response.headers.get('content-length'), String(Buffer.byteLength(whole)))
    const reader = response.body!.getReader()
    const decoder = new TextDecoder()
    let received = decoder.decode((await reader.read()).value, { stream: true })
    assert.ok(received.length < whole.length, 'only the first piece before any time passes')
    for (let pause = 1; pause <= 2; pause++) {
      const sleep = await manual.called(pause)
      assert.equal(sleep.ms, 1000)
      assert.ok(received.length < whole.length)
      sleep.release()
      received += decoder.decode((await reader.read()).value, { stream: true })
    }
    assert.equal(received, whole)
    assert.equal((await reader.read()).done, true)
  })
})
