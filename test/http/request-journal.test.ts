import assert from 'node:assert/strict'
import type { AddressInfo } from 'node:net'
import { describe, test } from 'node:test'
import { serve } from '@hono/node-server'
import { RequestJournal } from '../../src/core/request-journal.ts'
import { createSimulationRuntime } from '../../src/core/simulation/policy-levels.ts'
import { describeEntry, REDACTED_HEADERS } from '../../src/http/journal/journal-view.ts'
import { body, simulatedCrm } from '../support/simulation-helpers.ts'

const ADMIN = '/__restmock'
const LIMIT = 64 * 1024

interface Entry {
  id: number
  method: string
  path: string
  headers: Record<string, string>
  requestBody?: unknown
  status: number
  response?: { status: number; headers: Record<string, string>; body?: unknown }
}

async function journal(app: { request: (path: string) => Response | Promise<Response> }, query = '') {
  const response = await app.request(`${ADMIN}/requests${query}`)
  assert.equal(response.status, 200)
  return (await response.json()) as { count: number; requests: Entry[] }
}

describe('journal entries: request and response', () => {
  test('each entry has the response status, headers and body', async () => {
    const { app } = simulatedCrm()
    await app.request('/api/customers', body('POST', { name: 'Alan', email: 'alan@example.com' }))
    await app.request('/api/customers/1')
    await app.request('/api/customers/99')
    await app.request('/api/invoices/1', { method: 'DELETE' })
    await app.request('/api/customers/1', { method: 'HEAD' })
    await app.request('/api/customers', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"name":',
    })
    const [created, read, missing, deleted, head, malformed] = (await journal(app)).requests
    assert.equal(created?.response?.status, 201)
    assert.equal(created?.response?.headers['content-type'], 'application/json; charset=utf-8')
    assert.match(created?.response?.headers.location ?? '', /^\/api\/customers\/\d+$/)
    assert.deepEqual(created?.requestBody, { name: 'Alan', email: 'alan@example.com' })
    assert.equal((created?.response?.body as { name?: string } | undefined)?.name, 'Alan')
    assert.equal((read?.response?.body as { id?: number } | undefined)?.id, 1)
    assert.ok(read?.response?.headers.etag)

    // an error is built as a problem, not from text: its body is read from a copy of the response
    assert.equal(missing?.status, 404)
    assert.equal(missing?.response?.headers['content-type'], 'application/problem+json')
    assert.equal((missing?.response?.body as { code?: string } | undefined)?.code, 'not_found')

    assert.equal(deleted?.response?.status, 204)
    assert.equal(deleted?.response && 'body' in deleted.response, false)
    assert.equal(head?.response && 'body' in head.response, false, 'HEAD answers carry no body')
    assert.equal(malformed?.requestBody, '{"name":', 'a body that is not JSON is kept as text')
    assert.equal((malformed?.response?.body as { code?: string } | undefined)?.code, 'malformed_json')
  })

  test('a list answer is shown exactly as sent, even after its records changed', async () => {
    const { app } = simulatedCrm()
    const sent = await (await app.request('/api/customers?_sort=id&_limit=2')).text()
    const shaped = await (await app.request('/api/customers?_fields=name&_limit=1')).text()
    await app.request('/api/customers/1', body('PATCH', { name: 'Renamed' }))
    const [page, projection] = (await journal(app)).requests
    assert.deepEqual(page?.response?.body, JSON.parse(sent))
    assert.deepEqual(projection?.response?.body, JSON.parse(shaped))
    assert.notEqual((page?.response?.body as Array<{ name: string }> | undefined)?.[0]?.name, 'Renamed')
  })

  test('credential headers are [redacted], others shown', async () => {
    const { app } = simulatedCrm()
    await app.request('/api/customers', {
      headers: {
        authorization: 'Bearer abc',
        'proxy-authorization': 'Basic xyz',
        cookie: 'session=1',
        'x-api-key': 'k-demo',
        'x-trace': 'keep-me',
      },
    })
    const [entry] = (await journal(app)).requests
    for (const name of ['authorization', 'proxy-authorization', 'cookie', 'x-api-key'])
      assert.equal(entry?.headers[name], '[redacted]', name)
    assert.equal(entry?.headers['x-trace'], 'keep-me')
    assert.doesNotMatch(JSON.stringify(entry), /abc|xyz|session=1|k-demo/)
  })

  test('extra headers to redact (an API key header of the manifest) and Set-Cookie in responses', () => {
    const redact = new Set([...REDACTED_HEADERS, 'x-tenant-key'])
    const shown = describeEntry(
      {
        id: 1,
        time: 0,
        method: 'GET',
        path: '/x',
        queryString: '',
        headers: { 'x-tenant-key': 'secret', accept: '*/*' },
        status: 200,
        durationMs: 1,
        response: { headers: { 'set-cookie': ['a=1', 'b=2'], 'content-type': 'text/plain' }, body: 'hi' },
      },
      redact,
    )
    assert.deepEqual(
      shown.headers,
      Object.assign(Object.create(null), { 'x-tenant-key': '[redacted]', accept: '*/*' }),
    )
    const response = shown.response as { headers: Record<string, unknown>; body: unknown }
    assert.equal(response.headers['set-cookie'], '[redacted]')
    assert.equal(response.body, 'hi', 'text that is not JSON stays text')
  })

  test('redactHeaders adds names through the app options', async () => {
    const { app } = simulatedCrm({ app: { redactHeaders: ['X-Tenant-Key'] } })
    await app.request('/api/customers', { headers: { 'x-tenant-key': 'secret' } })
    assert.equal((await journal(app)).requests[0]?.headers['x-tenant-key'], '[redacted]')
  })

  test('on a real socket: Node header objects, redacted', async () => {
    const { app } = simulatedCrm()
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' })
    await new Promise((resolve) => server.once('listening', resolve))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    try {
      await (await fetch(`${url}/api/customers/1`, { headers: { authorization: 'Bearer abc' } })).text()
      const missing = await fetch(`${url}/api/customers/99`)
      assert.equal(
        ((await missing.json()) as { code: string }).code,
        'not_found',
        'the client gets the body too',
      )
      const { requests } = (await (await fetch(`${url}${ADMIN}/requests`)).json()) as { requests: Entry[] }
      assert.equal(requests[0]?.headers.authorization, '[redacted]')
      assert.equal(requests[0]?.headers.host, url.slice('http://'.length))
      assert.equal((requests[0]?.response?.body as { id?: number } | undefined)?.id, 1)
      assert.equal((requests[1]?.response?.body as { code?: string } | undefined)?.code, 'not_found')
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
  })
})

describe('journal limits', () => {
  test('bodies beyond 64 KiB are kept as { truncated, bytes, text }', async () => {
    const { app } = simulatedCrm()
    const text = 'x'.repeat(100_000)
    const created = await app.request('/api/notes', body('POST', { customerId: 1, text }))
    assert.equal(created.status, 201)
    const { id } = (await created.json()) as { id: string }
    await app.request(`/api/notes/${id}`)
    const [post, get] = (await journal(app)).requests
    const sent = post?.requestBody as { truncated: boolean; bytes: number; text: string }
    assert.equal(sent.truncated, true)
    assert.equal(sent.bytes, JSON.stringify({ customerId: 1, text }).length)
    assert.equal(sent.text.length, LIMIT)
    assert.ok(sent.text.startsWith('{"customerId":1,"text":"xxx'))
    const answered = get?.response?.body as { truncated: boolean; bytes: number; text: string }
    assert.equal(answered.truncated, true)
    assert.ok(answered.bytes > 100_000)
    assert.equal(answered.text.length, LIMIT)
  })

  test('truncation counts UTF-8 bytes and never splits a character', async () => {
    const { app } = simulatedCrm()
    const text = 'é€'.repeat(15_000) // 75,000 bytes in 30,000 characters
    await app.request('/api/notes', body('POST', { customerId: 1, text }))
    const [post] = (await journal(app)).requests
    const kept = post?.response?.body as { truncated: boolean; bytes: number; text: string }
    assert.equal(kept.truncated, true)
    assert.ok(kept.bytes > 75_000)
    const keptBytes = Buffer.byteLength(kept.text)
    assert.ok(keptBytes <= LIMIT && keptBytes > LIMIT - 3, String(keptBytes))
    assert.ok(!kept.text.includes('\uFFFD'))
  })

  test('bounded in bytes (16 MiB by default): the oldest go first and GET /requests still answers', async () => {
    const { app } = simulatedCrm()
    const text = 'y'.repeat(100 * 1024)
    const sent = 300
    for (let i = 0; i < sent; i++) await app.request('/api/notes', body('POST', { customerId: 1, text }))
    const response = await app.request(`${ADMIN}/requests`)
    assert.equal(response.status, 200)
    const { count, requests } = (await response.json()) as { count: number; requests: Entry[] }
    // each entry keeps two 64 KiB prefixes (request and response): about 128 entries fit in 16 MiB
    assert.ok(count > 100 && count < 140, String(count))
    assert.equal(requests.at(-1)?.id, sent, 'the newest is kept')
    assert.equal(requests[0]?.id, sent - count + 1, 'the oldest went first')
    const info = (await (await app.request(ADMIN)).json()) as { requests: { recorded: number } }
    assert.equal(info.requests.recorded, count)
  })

  test('a journal with a smaller byte limit evicts earlier; the entry count still bounds it', async () => {
    const runtime = createSimulationRuntime(simulatedCrm().engine.manifest)
    const small = { ...runtime, journal: new RequestJournal(5, 200 * 1024) }
    const { app } = simulatedCrm({ app: { runtime: small } })
    for (let i = 0; i < 8; i++) await app.request('/api/settings')
    assert.deepEqual(
      (await journal(app)).requests.map((entry) => entry.id),
      [4, 5, 6, 7, 8],
    )
    await app.request('/api/notes', body('POST', { customerId: 1, text: 'z'.repeat(200_000) }))
    await app.request('/api/notes', body('POST', { customerId: 1, text: 'z'.repeat(200_000) }))
    // each keeps two 64 KiB prefixes: the second pushes out everything older, the first included
    assert.deepEqual(
      (await journal(app)).requests.map((entry) => entry.id),
      [10],
    )
    assert.ok(small.journal.bytes <= 200 * 1024)
  })
})

describe('RequestJournal byte accounting', () => {
  const entry = (bytes: number) => ({
    time: 0,
    method: 'GET',
    path: '/x',
    queryString: '',
    headers: {},
    status: 200,
    durationMs: 1,
    bytes,
  })

  test('evicts the oldest until the bytes fit, keeps the newest even alone, grows entries later', () => {
    const journal = new RequestJournal(10, 100)
    journal.record(entry(40))
    journal.record(entry(40))
    assert.equal(journal.bytes, 80)
    journal.record(entry(40))
    assert.deepEqual(
      journal.list().map((e) => e.id),
      [2, 3],
    )
    journal.record(entry(500))
    assert.deepEqual(
      journal.list().map((e) => e.id),
      [4],
    )
    assert.equal(journal.bytes, 500)
    const fifth = journal.record(entry(10))
    assert.deepEqual(
      journal.list().map((e) => e.id),
      [5],
    )
    const sixth = journal.record(entry(10))
    journal.grow(fifth, 85)
    assert.deepEqual(
      journal.list().map((e) => e.id),
      [6],
      'growing an entry past the limit evicts it (the oldest)',
    )
    journal.grow(fifth, 1000)
    assert.equal(journal.bytes, 10, 'an evicted entry no longer counts')
    journal.grow(sixth, 5)
    assert.equal(journal.bytes, 15)
    journal.clear()
    assert.equal(journal.bytes, 0)
    assert.throws(() => new RequestJournal(1, 0), RangeError)
  })
})
