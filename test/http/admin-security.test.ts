import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { after, describe, test } from 'node:test'
import { ConfigError } from '../../src/core/errors.ts'
import { type RunningMock, startMock } from '../../src/server/start-mock.ts'
import { expectProblem, fixture } from '../support/helpers.ts'
import { simulatedCrm } from '../support/simulation-helpers.ts'

const ADMIN = '/__restmock'
const EVIL = 'http://evil.test'
const UI = 'http://localhost:5173'

function preflight(origin: string, method = 'POST'): RequestInit {
  return {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': method,
      'access-control-request-headers': 'content-type, authorization',
    },
  }
}

const jsonHeaders = { 'content-type': 'application/json' }

describe('admin CORS', () => {
  test('no grant on the admin API by default, while resource routes keep theirs', async () => {
    const { app } = simulatedCrm()
    const info = await app.request(ADMIN, { headers: { origin: EVIL } })
    assert.equal(info.status, 200)
    assert.equal(info.headers.get('access-control-allow-origin'), null)
    assert.equal(info.headers.get('access-control-allow-credentials'), null)
    const answer = await app.request(`${ADMIN}/reset`, preflight(EVIL))
    assert.equal(answer.status, 204)
    assert.equal(answer.headers.get('allow'), 'POST, OPTIONS')
    assert.equal(answer.headers.get('access-control-allow-origin'), null)
    assert.equal(answer.headers.get('access-control-allow-methods'), null)
    assert.equal(answer.headers.get('access-control-allow-headers'), null)
    const problem = await app.request(`${ADMIN}/nothing`, { headers: { origin: EVIL } })
    assert.equal(problem.status, 404)
    assert.equal(problem.headers.get('access-control-allow-origin'), null)

    const resource = await app.request('/api/customers', { headers: { origin: EVIL } })
    assert.equal(resource.headers.get('access-control-allow-origin'), EVIL)
    const resourcePreflight = await app.request('/api/customers', preflight(EVIL))
    assert.equal(resourcePreflight.headers.get('access-control-allow-origin'), EVIL)
    assert.equal(resourcePreflight.headers.get('access-control-allow-methods'), 'GET, HEAD, POST, OPTIONS')
  })

  test('adminOrigin grants exactly that origin, without credentials', async () => {
    const { app } = simulatedCrm({ app: { adminOrigin: UI } })
    const granted = await app.request(`${ADMIN}/reset`, preflight(UI))
    assert.equal(granted.status, 204)
    assert.equal(granted.headers.get('access-control-allow-origin'), UI)
    assert.equal(granted.headers.get('access-control-allow-methods'), 'POST, OPTIONS')
    assert.equal(granted.headers.get('access-control-allow-headers'), 'content-type, authorization')
    assert.equal(granted.headers.get('access-control-allow-credentials'), null)
    const read = await app.request(`${ADMIN}/health`, { headers: { origin: UI } })
    assert.equal(read.headers.get('access-control-allow-origin'), UI)
    assert.equal(read.headers.get('vary'), 'Origin')

    for (const origin of [EVIL, 'http://localhost:5174', 'https://localhost:5173']) {
      const refused = await app.request(`${ADMIN}/reset`, preflight(origin))
      assert.equal(refused.headers.get('access-control-allow-origin'), null, origin)
      assert.equal(refused.headers.get('access-control-allow-methods'), null, origin)
    }
  })
})

describe('admin: state changes must be JSON', () => {
  test('a text/plain or form POST to /reset is 415 and resets nothing', async () => {
    const { app, engine } = simulatedCrm()
    assert.equal((await app.request('/api/invoices/1', { method: 'DELETE' })).status, 204)
    const before = engine.list('invoices').length
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
    ]) {
      const refused = await expectProblem(
        await app.request(`${ADMIN}/reset`, { method: 'POST', headers: { 'content-type': type }, body: '' }),
        415,
        'unsupported_media_type',
      )
      assert.match(refused.detail, /Content-Type: application\/json/)
    }
    await expectProblem(
      await app.request(`${ADMIN}/reset`, { method: 'POST' }),
      415,
      'unsupported_media_type',
    )
    assert.equal(engine.list('invoices').length, before)
    assert.equal((await app.request(`${ADMIN}/reset`, { method: 'POST', headers: jsonHeaders })).status, 204)
    assert.equal(engine.list('invoices').length, before + 1)
  })

  test('every state-changing method is checked; +json types pass; reads need no content type', async () => {
    const { app } = simulatedCrm()
    const fault = JSON.stringify({ path: '/customers', status: 500 })
    await expectProblem(
      await app.request(`${ADMIN}/faults`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: fault,
      }),
      415,
      'unsupported_media_type',
    )
    assert.deepEqual(await (await app.request(`${ADMIN}/faults`)).json(), [])
    const added = await app.request(`${ADMIN}/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.restmock+json; charset=utf-8' },
      body: fault,
    })
    assert.equal(added.status, 201)
    await app.request('/api/settings')
    await expectProblem(
      await app.request(`${ADMIN}/faults`, { method: 'DELETE' }),
      415,
      'unsupported_media_type',
    )
    await expectProblem(
      await app.request(`${ADMIN}/requests`, { method: 'DELETE' }),
      415,
      'unsupported_media_type',
    )
    await expectProblem(
      await app.request(`${ADMIN}/simulation`, {
        method: 'PUT',
        headers: { 'content-type': 'text/plain' },
        body: '{}',
      }),
      415,
      'unsupported_media_type',
    )
    assert.equal(((await (await app.request(`${ADMIN}/faults`)).json()) as unknown[]).length, 1)
    assert.equal(((await (await app.request(`${ADMIN}/requests`)).json()) as { count: number }).count, 1)
    assert.equal(
      (await app.request(`${ADMIN}/faults`, { method: 'DELETE', headers: jsonHeaders })).status,
      204,
    )
    assert.equal((await app.request(`${ADMIN}/health`, { method: 'HEAD' })).status, 200)
  })
})

describe('admin: Host check (DNS rebinding)', () => {
  const withHost = (host: string, init: RequestInit = {}): RequestInit => ({
    ...init,
    headers: { ...(init.headers as Record<string, string>), host },
  })

  test('bound to loopback (or in process): only loopback names and the bound address', async () => {
    for (const bindHost of [undefined, '127.0.0.1', '::1', 'localhost']) {
      const { app } = simulatedCrm({
        app: bindHost === undefined ? {} : { bindHost },
      })
      assert.equal((await app.request(ADMIN)).status, 200, 'app.request: Host localhost')
      for (const host of [
        'localhost',
        'localhost:3000',
        'LOCALHOST:3000',
        '127.0.0.1:3000',
        '127.8.9.1',
        '[::1]:3000',
        '[::1]',
      ]) {
        assert.equal((await app.request(ADMIN, withHost(host))).status, 200, `${bindHost}: ${host}`)
      }
      for (const host of [
        'evil.test',
        'evil.test:3000',
        'localhost.evil.test',
        '192.168.1.20:3000',
        '[::2]:3000',
      ]) {
        const refused = await expectProblem(
          await app.request(`${ADMIN}/reset`, withHost(host, { method: 'POST', headers: jsonHeaders })),
          403,
          'forbidden',
        )
        assert.match(refused.detail, /Host/)
      }
    }
    const { app } = simulatedCrm()
    assert.equal(
      (await app.request('/api/customers', withHost('evil.test'))).status,
      200,
      'resources: any Host',
    )
  })

  test('the bound address itself is accepted; bound to a non-loopback address any Host is', async () => {
    const { app: lan } = simulatedCrm({ app: { bindHost: '0.0.0.0' } })
    assert.equal((await lan.request(ADMIN, withHost('my-laptop.local:3000'))).status, 200)
    const { app: fixed } = simulatedCrm({ app: { bindHost: '127.0.0.5' } })
    assert.equal((await fixed.request(ADMIN, withHost('127.0.0.5:4000'))).status, 200)
    assert.equal((await fixed.request(ADMIN, withHost('evil.test:4000'))).status, 403)
  })
})

describe('admin token', () => {
  const token = 's3cret-token'

  test('every admin request needs Authorization: Bearer <token>; resources do not', async () => {
    const { app } = simulatedCrm({ app: { adminToken: token } })
    const missing = await app.request(ADMIN)
    await expectProblem(missing.clone(), 401, 'unauthenticated')
    assert.equal(missing.headers.get('www-authenticate'), 'Bearer realm="restmock"')
    const wrong = await app.request(ADMIN, { headers: { authorization: 'Bearer nope' } })
    await expectProblem(wrong.clone(), 401, 'unauthenticated')
    assert.equal(wrong.headers.get('www-authenticate'), 'Bearer realm="restmock", error="invalid_token"')
    await expectProblem(
      await app.request(ADMIN, { headers: { authorization: `Basic ${token}` } }),
      401,
      'unauthenticated',
    )
    await expectProblem(
      await app.request(ADMIN, { headers: { authorization: `Bearer ${token}x` } }),
      401,
      'unauthenticated',
    )
    await expectProblem(
      await app.request(`${ADMIN}/reset`, { method: 'POST', headers: jsonHeaders }),
      401,
      'unauthenticated',
    )
    assert.equal((await app.request(ADMIN, { headers: { authorization: `Bearer ${token}` } })).status, 200)
    assert.equal((await app.request(ADMIN, { headers: { authorization: `bearer ${token}` } })).status, 200)
    const reset = await app.request(`${ADMIN}/reset`, {
      method: 'POST',
      headers: { ...jsonHeaders, authorization: `Bearer ${token}` },
    })
    assert.equal(reset.status, 204)
    assert.equal((await app.request('/api/customers')).status, 200)
  })

  test('a CORS preflight needs no token (browsers send none)', async () => {
    const { app } = simulatedCrm({ app: { adminToken: token, adminOrigin: UI } })
    const answer = await app.request(`${ADMIN}/faults`, preflight(UI))
    assert.equal(answer.status, 204)
    assert.equal(answer.headers.get('access-control-allow-origin'), UI)
    const refused = await app.request(`${ADMIN}/faults`, { headers: { origin: UI } })
    assert.equal(refused.status, 401)
    assert.equal(refused.headers.get('access-control-allow-origin'), UI, 'the page can read the 401')
  })
})

describe('admin security on a real server', () => {
  const running: RunningMock[] = []
  after(async () => {
    await Promise.all(running.map((mock) => mock.close()))
  })
  const manifest = readFileSync(fixture('crm.yaml'), 'utf8')
  const data = JSON.parse(readFileSync(fixture('crm.data.json'), 'utf8')) as unknown

  /** A raw request, so that the Host header is exactly the one given. */
  function raw(port: number, method: string, path: string, headers: Record<string, string>) {
    return new Promise<{ status: number; headers: Record<string, unknown> }>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, method, path, headers }, (res) => {
        res.resume()
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }))
      })
      req.on('error', reject)
      req.end()
    })
  }

  test('preflight, Host check and token through startMock options', async () => {
    const mock = await startMock({
      manifest,
      data,
      port: 0,
      host: '127.0.0.1',
      adminOrigin: `${UI}/`,
      adminToken: 'tok',
    })
    running.push(mock)
    const evil = await fetch(`${mock.url}${ADMIN}/reset`, preflight(EVIL))
    assert.equal(evil.status, 204)
    assert.equal(evil.headers.get('access-control-allow-origin'), null)
    const ui = await fetch(`${mock.url}${ADMIN}/reset`, preflight(UI))
    assert.equal(ui.headers.get('access-control-allow-origin'), UI)
    assert.equal(ui.headers.get('access-control-allow-methods'), 'POST, OPTIONS')

    const auth = { authorization: 'Bearer tok' }
    assert.equal((await fetch(`${mock.url}${ADMIN}/health`)).status, 401)
    assert.equal((await fetch(`${mock.url}${ADMIN}/health`, { headers: auth })).status, 200)
    const rebound = await raw(mock.port, 'GET', `${ADMIN}/health`, {
      ...auth,
      host: `evil.test:${mock.port}`,
    })
    assert.equal(rebound.status, 403)
    const local = await raw(mock.port, 'GET', `${ADMIN}/health`, { ...auth, host: `localhost:${mock.port}` })
    assert.equal(local.status, 200)
    const form = await raw(mock.port, 'POST', `${ADMIN}/reset`, {
      ...auth,
      'content-type': 'application/x-www-form-urlencoded',
    })
    assert.equal(form.status, 415)
  })

  test('a bad admin origin or token stops the start with a ConfigError', async () => {
    for (const adminOrigin of ['localhost:5173', 'http://localhost:5173/app', 'not a url']) {
      await assert.rejects(startMock({ manifest, data, port: 0, adminOrigin }), ConfigError, adminOrigin)
    }
    await assert.rejects(startMock({ manifest, data, port: 0, adminToken: 'has space' }), ConfigError)
    await assert.rejects(startMock({ manifest, data, port: 0, adminToken: '' }), ConfigError)
  })
})
