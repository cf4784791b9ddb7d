import assert from 'node:assert/strict'
import { after, describe, test } from 'node:test'
import * as oidc from 'openid-client'
import { connectMock, createMock, type Mock, startMock } from '../../src/index.ts'
import { AUTH_DATA, authManifest } from '../support/auth-fixtures.ts'

const running: Mock[] = []
after(async () => {
  await Promise.all(running.splice(0).map((mock) => mock.close()))
})

async function authMock(options: { adminToken?: string } = {}): Promise<Mock> {
  const mock = await startMock({ manifest: authManifest(), data: AUTH_DATA, seed: 1, ...options })
  running.push(mock)
  return mock
}

describe('an OIDC client library against the mock, over real HTTP', () => {
  test('discovery, client credentials, password grant, refresh, userinfo, and the token calls the API', async () => {
    const mock = await authMock()
    const issuer = new URL(`${mock.url}/__restmock`)
    const config = await oidc.discovery(issuer, 'demo-client', 's3cret', undefined, {
      execute: [oidc.allowInsecureRequests],
    })
    const metadata = config.serverMetadata()
    assert.equal(metadata.issuer, `${mock.url}/__restmock`)
    assert.equal(metadata.token_endpoint, `${mock.url}/__restmock/oauth/token`)

    const machine = await oidc.clientCredentialsGrant(config, { scope: 'read' })
    assert.equal(machine.token_type, 'bearer')
    assert.equal(machine.scope, 'read')
    assert.equal(machine.refresh_token, undefined)
    const invoices = await fetch(`${mock.url}/api/invoices`, {
      headers: { authorization: `Bearer ${machine.access_token}` },
    })
    assert.equal(invoices.status, 200)

    const login = await oidc.genericGrantRequest(config, 'password', { username: 'ada', password: 'pw' })
    assert.equal(login.scope, 'read write')
    assert.ok(login.refresh_token)
    const info = await oidc.fetchUserInfo(config, login.access_token, 'ada')
    assert.equal(info.sub, 'ada')
    assert.equal(info.name, 'Ada Lovelace')

    const refreshed = await oidc.refreshTokenGrant(config, login.refresh_token!)
    assert.notEqual(refreshed.access_token, login.access_token)
    const notes = await fetch(`${mock.url}/api/notes`, {
      headers: { authorization: `Bearer ${refreshed.access_token}` },
    })
    assert.deepEqual(
      ((await notes.json()) as { id: number }[]).map((note) => note.id),
      [1, 3],
    )

    await oidc.tokenRevocation(config, refreshed.access_token)
    const revoked = await fetch(`${mock.url}/api/notes`, {
      headers: { authorization: `Bearer ${refreshed.access_token}` },
    })
    assert.equal(revoked.status, 401)
    assert.match(revoked.headers.get('www-authenticate') ?? '', /error="invalid_token"/)
  })

  test('the JWKS verifies the tokens (RS256), and the library mints tokens in process, over HTTP and through connectMock', async () => {
    const { createRemoteJWKSet, jwtVerify } = await import('jose')
    const mock = await authMock({ adminToken: 'admin-secret' })
    const minted = await mock.auth.token({ user: 'ada', scopes: ['read'] })
    assert.equal(minted.scope, 'read')
    assert.ok(minted.refresh_token)
    const keys = createRemoteJWKSet(new URL(`${mock.url}/__restmock/.well-known/jwks.json`))
    const { payload, protectedHeader } = await jwtVerify(minted.access_token, keys, {
      issuer: `${mock.url}/__restmock`,
    })
    assert.equal(protectedHeader.alg, 'RS256')
    assert.equal(payload.sub, 'ada')
    assert.equal(payload.scope, 'read')
    assert.equal(payload.role, 'admin')

    const remote = connectMock(mock.url, { adminToken: 'admin-secret' })
    const machine = await remote.auth.token({ client: 'demo-client' })
    assert.equal(machine.scope, 'read write')
    assert.equal(machine.refresh_token, undefined)
    const created = await fetch(`${mock.url}/api/invoices`, {
      method: 'POST',
      headers: { authorization: `Bearer ${machine.access_token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ customerId: 1, amount: 5 }),
    })
    assert.equal(created.status, 201)
    await assert.rejects(remote.auth.token({ user: 'nobody' }), /unknown user "nobody"/)
    await assert.rejects(connectMock(mock.url).auth.token({ user: 'ada' }), /401 unauthenticated/)

    const inProcess = createMock({ manifest: authManifest(), data: AUTH_DATA })
    const { access_token } = await inProcess.auth.token({ user: 'bob' })
    const notes = await inProcess.request('/api/notes', {
      headers: { authorization: `Bearer ${access_token}` },
    })
    assert.deepEqual(
      ((await notes.json()) as { id: number }[]).map((note) => note.id),
      [2],
    )
  })
})
