import assert from 'node:assert/strict'
import { request as httpRequest } from 'node:http'
import { after, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { createMock, type Mock, startMock } from '../../src/index.ts'
import { AUTH_DATA, authManifest } from '../support/auth-fixtures.ts'
import { expectProblem, json } from '../support/helpers.ts'

// The input limits and journal rules of docs/reliability.md, through the routes that came after them:
// OpenAPI form bodies and operations, the auth server, sessions. Over a real socket where the server's
// Node request matters (headers are read from it there, not in process).

const petstore = fileURLToPath(new URL('../fixtures/openapi/petstore.yaml', import.meta.url))
const bearer = { authorization: 'Bearer demo-token' }
const FORM = { 'content-type': 'application/x-www-form-urlencoded', ...bearer }
const deepJson = (levels: number): string => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`
const form = (fields: Record<string, string>): string => new URLSearchParams(fields).toString()

const running: Mock[] = []
after(async () => {
  await Promise.all(running.splice(0).map((mock) => mock.close()))
})

async function served(options: Parameters<typeof startMock>[0]): Promise<Mock> {
  const mock = await startMock({ seed: 1, logRequests: false, ...options })
  running.push(mock)
  return mock
}

function multipart(parts: readonly (string | Buffer)[]): { headers: Record<string, string>; body: Buffer } {
  const chunks: Buffer[] = []
  for (const part of parts) chunks.push(Buffer.from('--XX\r\n'), Buffer.from(part), Buffer.from('\r\n'))
  chunks.push(Buffer.from('--XX--\r\n'))
  return {
    headers: { 'content-type': 'multipart/form-data; boundary=XX', ...bearer },
    body: Buffer.concat(chunks),
  }
}

const field = (name: string, value: string | Buffer): Buffer =>
  Buffer.concat([Buffer.from(`Content-Disposition: form-data; name="${name}"\r\n\r\n`), Buffer.from(value)])

describe('form bodies over a real socket (OpenAPI resource routes and operations)', () => {
  test('a urlencoded and a multipart create answer once, with the record (no re-reading of the JSON they become)', async () => {
    const mock = await served({ source: petstore })
    const pets = `${mock.url}/api/v3/pet`
    const fields = { name: 'Rex', photoUrls: 'a', category: '{"id":1,"name":"Dogs"}' }
    const urlencoded = await fetch(pets, { method: 'POST', headers: FORM, body: form(fields) })
    assert.equal(urlencoded.status, 200)
    assert.deepEqual(await urlencoded.json(), {
      id: 11,
      name: 'Rex',
      photoUrls: ['a'],
      category: { id: 1, name: 'Dogs' },
    })
    const { headers, body } = multipart([field('name', 'Tom'), field('photoUrls', 'b')])
    const parts = await fetch(pets, { method: 'POST', headers, body })
    assert.equal(parts.status, 200)
    assert.equal(((await parts.json()) as { name: string }).name, 'Tom')
  })

  test('JSON in a form field nested past 100 levels, or with 1e400, is a 400 and stores nothing', async () => {
    const mock = await served({ source: petstore })
    const pets = `${mock.url}/api/v3/pet`
    const before = await (await fetch(`${mock.url}/__restmock/db`)).text()
    for (const category of [deepJson(101), deepJson(5000), '{"id":1e400,"name":"c"}']) {
      const fields = { name: 'x', photoUrls: 'a', category }
      // POST creates (a resource route), PUT /pet is a stateless operation
      for (const method of ['POST', 'PUT']) {
        const answer = await fetch(pets, { method, headers: FORM, body: form(fields) })
        await expectProblem(answer, 400, 'invalid_body')
      }
      const { headers, body } = multipart([
        field('name', 'x'),
        field('photoUrls', 'a'),
        field('category', category),
      ])
      await expectProblem(await fetch(pets, { method: 'POST', headers, body }), 400, 'invalid_body')
    }
    assert.equal(await (await fetch(`${mock.url}/__restmock/db`)).text(), before)
  })

  test('a form body that is not UTF-8 (raw, percent-encoded, or in a multipart text field) is a 400', async () => {
    const mock = await served({ source: petstore })
    const pets = `${mock.url}/api/v3/pet`
    const raw = Buffer.concat([Buffer.from('name='), Buffer.from([0xff, 0xfe]), Buffer.from('&photoUrls=a')])
    for (const body of [raw, 'name=%FF%FE&photoUrls=a', 'name=%C3&photoUrls=a']) {
      const problem = await expectProblem(
        await fetch(pets, { method: 'POST', headers: FORM, body }),
        400,
        'invalid_body',
      )
      assert.match(problem.detail, /UTF-8/)
    }
    const bad = multipart([field('name', Buffer.from([0x52, 0xff])), field('photoUrls', 'a')])
    await expectProblem(await fetch(pets, { method: 'POST', ...bad }), 400, 'invalid_body')
    // valid text is kept as sent, U+FFFD spelled out included; a file's bytes are never checked
    const accented = await fetch(pets, {
      method: 'POST',
      headers: FORM,
      body: 'name=%C3%A9%EF%BF%BD&photoUrls=a',
    })
    assert.equal(((await accented.json()) as { name: string }).name, 'é\uFFFD')
    const file = Buffer.concat([
      Buffer.from('Content-Disposition: form-data; name="photoUrls"; filename="p.bin"\r\n\r\n'),
      Buffer.from([0xff, 0xfe, 0x00]),
    ])
    const binary = multipart([field('name', 'ok'), file])
    assert.equal((await fetch(pets, { method: 'POST', ...binary })).status, 200)
  })
})

describe('the OAuth token endpoint and the login route read bodies like every other route', () => {
  const app = () => createMock({ manifest: authManifest(), data: AUTH_DATA, seed: 1 })
  const token = '/__restmock/oauth/token'

  test('deep JSON, 1e400, invalid UTF-8 (raw or percent-encoded) and an oversized chunked body: 400 invalid_request', async () => {
    const mock = app()
    const bodies: [string, string | Uint8Array][] = [
      ['application/json', deepJson(101)],
      ['application/json', '{"grant_type":"client_credentials","n":1e400}'],
      ['application/x-www-form-urlencoded', new Uint8Array([0x61, 0x3d, 0xff])],
      ['application/x-www-form-urlencoded', 'grant_type=client_credentials&client_id=%FF'],
    ]
    for (const [type, body] of bodies) {
      const answer = await mock.request(token, { method: 'POST', headers: { 'content-type': type }, body })
      assert.equal(answer.status, 400)
      assert.equal(((await answer.json()) as { error: string }).error, 'invalid_request')
    }
    const served = await startMock({ manifest: authManifest(), data: AUTH_DATA, logRequests: false })
    running.push(served)
    const status = await chunkedPost(`${served.url}${token}`, 2 * 1024 * 1024)
    assert.equal(status, 400)
  })

  test('a login body that cannot be read is journaled as [redacted], never with the password in it', async () => {
    const mock = app()
    const sent = '{"email":"ada@example.com","password":"pw-secret",}'
    const refused = await mock.request('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-restmock-session': 's1' },
      body: sent,
    })
    await expectProblem(refused, 400, 'malformed_json')
    const journal = await (await mock.request('/__restmock/requests?path=/api/auth/login')).json()
    const [entry] = (journal as { requests: { requestBody: unknown; session?: string }[] }).requests
    assert.equal(entry?.requestBody, '[redacted]')
    assert.equal(entry?.session, 's1')
    assert.doesNotMatch(JSON.stringify(journal), /pw-secret/)
  })
})

describe('a client gone mid-body is a 400, never a 500, on the newer body readers', () => {
  const failing = (start: string) =>
    new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(start))
        controller.error(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }))
      },
    })
  const init = (type: string, start: string, headers: Record<string, string> = {}) =>
    ({
      method: 'POST',
      headers: { 'content-type': type, ...headers },
      body: failing(start),
      duplex: 'half',
    }) as RequestInit

  test('the OAuth token endpoint and an OpenAPI form create', async () => {
    const auth = createMock({ manifest: authManifest(), data: AUTH_DATA, seed: 1 })
    const token = await auth.request(
      '/__restmock/oauth/token',
      init('application/x-www-form-urlencoded', 'grant_'),
    )
    assert.equal(token.status, 400)
    assert.equal(((await token.json()) as { error: string }).error, 'invalid_request')
    const pets = createMock({ source: petstore, seed: 1 })
    const form = await pets.request(
      '/api/v3/pet',
      init('application/x-www-form-urlencoded', 'name=R', bearer),
    )
    await expectProblem(form, 400, 'bad_request')
  })
})

describe('the journal redacts credentials of session requests too', () => {
  test('Authorization, Cookie and the API key header, by header or path prefix, over a socket', async () => {
    const mock = await served({ manifest: authManifest(), data: AUTH_DATA })
    const secrets = {
      authorization: 'Bearer t-admin',
      cookie: 'sid=cookie-secret',
      'x-api-key': 'k-demo',
    }
    await fetch(`${mock.url}/__session/p1/api/customers`, { headers: secrets })
    await fetch(`${mock.url}/api/customers`, {
      method: 'POST',
      headers: { ...secrets, 'content-type': 'application/json', 'x-restmock-session': 'h1' },
      body: JSON.stringify({ name: 'Session Co' }),
    })
    const journal = (await (await fetch(`${mock.url}/__restmock/requests`)).json()) as {
      requests: { session?: string; headers: Record<string, string> }[]
    }
    const inSessions = journal.requests.filter((entry) => entry.session !== undefined)
    assert.deepEqual(inSessions.map((entry) => entry.session).sort(), ['h1', 'p1'])
    for (const entry of inSessions) {
      for (const name of Object.keys(secrets)) assert.equal(entry.headers[name], '[redacted]', name)
    }
    assert.doesNotMatch(JSON.stringify(journal), /t-admin|cookie-secret|k-demo/)
  })
})

describe('the admin routes added with sessions, auth and the OpenAPI export keep the admin rules', () => {
  const reads = [
    '/__restmock/sessions',
    '/__restmock/sessions/s1',
    '/__restmock/sessions/s1/db',
    '/__restmock/openapi.json',
    '/__restmock/docs',
  ]
  const writes: [string, string][] = [
    ['POST', '/__restmock/sessions/s1/reset'],
    ['DELETE', '/__restmock/sessions/s1'],
    ['POST', '/__restmock/sessions/s1/faults'],
    ['PUT', '/__restmock/sessions/s1/simulation'],
    ['POST', '/__restmock/auth/token'],
    ['POST', '/__session/s1/__restmock/reset'],
  ]

  test('Host check, no CORS grant, JSON-only changes, and the admin token', async () => {
    const open = createMock({ manifest: authManifest(), data: AUTH_DATA, seed: 1 })
    for (const path of reads) {
      await expectProblem(await open.request(path, { headers: { host: 'evil.example' } }), 403, 'forbidden')
      const read = await open.request(path, { headers: { origin: 'http://evil.example' } })
      assert.notEqual(read.status, 403, path)
      assert.equal(read.headers.get('access-control-allow-origin'), null, path)
    }
    for (const [method, path] of writes) {
      const plain = await open.request(path, {
        method,
        headers: { 'content-type': 'text/plain' },
        body: '{}',
      })
      await expectProblem(plain, 415, 'unsupported_media_type')
    }
    const guarded = createMock({
      manifest: authManifest(),
      data: AUTH_DATA,
      seed: 1,
      adminToken: 'admin-secret',
    })
    for (const path of [...reads, ...writes.map(([, path]) => path)]) {
      await expectProblem(await guarded.request(path), 401, 'unauthenticated')
    }
    const allowed = await guarded.request('/__restmock/sessions', {
      headers: { authorization: 'Bearer admin-secret' },
    })
    assert.equal(allowed.status, 200)
  })
})

describe('more than 1,000 query parameters: 400 on every kind of route', () => {
  const flood = `?${Array.from({ length: 1001 }, () => 'status=sold').join('&')}`

  test('OpenAPI operations, resource items, sessions, the auth server, pages and the admin API', async () => {
    const mock = createMock({ source: petstore, seed: 1 })
    const paths = [
      '/api/v3/pet/findByStatus',
      '/api/v3/pet/1',
      '/api/v3/user/login',
      '/__session/s1/api/v3/pet/findByStatus',
      '/__restmock/oauth/token',
      '/__restmock/requests',
      '/',
    ]
    for (const path of paths) {
      const answer = await mock.request(`${path}${flood}`, { headers: bearer })
      const problem = await expectProblem(answer, 400, 'invalid_query')
      assert.match(problem.detail, /1,001 parameters/, path)
    }
    const inSession = await mock.request(`/api/v3/pet/findByStatus${flood}`, {
      headers: { ...bearer, 'x-restmock-session': 's2' },
    })
    await expectProblem(inSession, 400, 'invalid_query')
    // the admin API's refusal carries no CORS grant
    const admin = await mock.request(`/__restmock/requests${flood}`, {
      headers: { origin: 'http://evil.example' },
    })
    assert.equal(admin.headers.get('access-control-allow-origin'), null)
    // 1,000 are fine
    const most = `?${Array.from({ length: 1000 }, () => 'status=sold').join('&')}`
    assert.equal((await mock.request(`/api/v3/pet/findByStatus${most}`, { headers: bearer })).status, 200)
  })
})

describe('sessions are bounded in bytes, Idempotency-Key answers included', () => {
  test('answers kept for Idempotency-Keys count toward maxSessionBytes: the least recently used sessions end', async () => {
    const mock = createMock({ data: { notes: [{ id: 1, text: 'seed' }] }, maxSessionBytes: '1MB' })
    const text = 'n'.repeat(300 * 1024)
    for (const id of ['w1', 'w2', 'w3', 'w4', 'w5', 'w6']) {
      const headers = { 'x-restmock-session': id, 'idempotency-key': `k-${id}` }
      const created = await mock.request('/notes', json('POST', { text }, headers))
      assert.equal(created.status, 201)
      const { id: noteId } = (await created.json()) as { id: number }
      // the record goes, its stored answer stays
      const gone = await mock.request(`/notes/${noteId}`, { method: 'DELETE', headers })
      assert.equal(gone.status, 200)
    }
    const sessions = (await (await mock.request('/__restmock/sessions')).json()) as { id: string }[]
    const ids = sessions.map((session) => session.id)
    assert.ok(ids.length < 6, `6 sessions holding ~300 KiB each stay under 1 MB: ${ids.join(', ')}`)
    assert.ok(ids.includes('w6'), 'the session that wrote last is kept')
  })
})

function chunkedPost(url: string, bytes: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      (res) => {
        res.resume()
        resolve(res.statusCode ?? 0)
      },
    )
    req.on('error', (error: NodeJS.ErrnoException) => {
      // the server may answer and close before the whole body is written
      if (error.code === 'EPIPE' || error.code === 'ECONNRESET') return
      reject(error)
    })
    const chunk = Buffer.alloc(64 * 1024, 0x61)
    for (let sent = 0; sent < bytes; sent += chunk.length) req.write(chunk)
    req.end()
  })
}
