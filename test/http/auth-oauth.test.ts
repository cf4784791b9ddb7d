import assert from 'node:assert/strict'
import { createPublicKey, generateKeyPairSync } from 'node:crypto'
import { describe, test } from 'node:test'
import { authApp, authManifest, bearer, fastAuthApp, form, tokenFor } from '../support/auth-fixtures.ts'
import { expectProblem, json } from '../support/helpers.ts'

const TOKEN = '/__restmock/oauth/token'

async function oauthError(response: Response, status: number, error: string): Promise<string> {
  assert.equal(response.status, status)
  assert.match(response.headers.get('content-type') ?? '', /^application\/json/)
  assert.equal(response.headers.get('cache-control'), 'no-store')
  const body = (await response.json()) as { error: string; error_description: string }
  assert.equal(body.error, error)
  return body.error_description
}

function payloadOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >
}

describe('the token endpoint (RFC 6749)', () => {
  test('client_credentials with HTTP Basic or form credentials: a JWT acting as the client, no refresh token', async () => {
    const app = fastAuthApp()
    const basic = Buffer.from('demo-client:s3cret').toString('base64')
    const response = await app.request(TOKEN, {
      ...form({ grant_type: 'client_credentials', scope: 'read' }),
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}` },
    })
    assert.equal(response.status, 200)
    assert.equal(response.headers.get('cache-control'), 'no-store')
    const body = (await response.json()) as Record<string, unknown>
    assert.deepEqual(Object.keys(body).sort(), ['access_token', 'expires_in', 'scope', 'token_type'])
    assert.equal(body.token_type, 'Bearer')
    assert.equal(body.expires_in, 900)
    assert.equal(body.scope, 'read')
    const claims = payloadOf(body.access_token as string)
    assert.equal(claims.sub, 'demo-client')
    assert.equal(claims.client_id, 'demo-client')
    assert.equal(claims.iss, 'http://localhost/__restmock')
    assert.equal((claims.exp as number) - (claims.iat as number), 900)
    const posted = await tokenFor(app, 'demo-client')
    assert.equal(posted.scope, 'read write')
  })

  test("password grant: sub, space-separated scope, the user's claims, a refresh token; JSON bodies accepted too", async () => {
    const app = fastAuthApp()
    const tokens = await tokenFor(app, 'ada')
    const claims = payloadOf(tokens.access_token!)
    assert.equal(claims.sub, 'ada')
    assert.equal(claims.scope, 'read write')
    assert.equal(claims.name, 'Ada Lovelace')
    assert.equal(claims.role, 'admin')
    assert.ok(tokens.refresh_token)
    const byEmail = await app.request(
      TOKEN,
      json('POST', { grant_type: 'password', username: 'bob@example.com', password: 'pw' }),
    )
    assert.equal(payloadOf(((await byEmail.json()) as { access_token: string }).access_token).sub, 'bob')
  })

  test('refresh_token grant: new tokens, and refresh tokens rotate (each works once)', async () => {
    const app = fastAuthApp()
    const first = await tokenFor(app, 'ada', 'read')
    const refreshed = await app.request(
      TOKEN,
      form({ grant_type: 'refresh_token', refresh_token: first.refresh_token! }),
    )
    assert.equal(refreshed.status, 200)
    const second = (await refreshed.json()) as Record<string, string>
    assert.equal(second.scope, 'read')
    assert.notEqual(second.refresh_token, first.refresh_token)
    const reused = await app.request(
      TOKEN,
      form({ grant_type: 'refresh_token', refresh_token: first.refresh_token! }),
    )
    assert.match(await oauthError(reused, 400, 'invalid_grant'), /revoked/)
    const wider = await app.request(
      TOKEN,
      form({ grant_type: 'refresh_token', refresh_token: second.refresh_token!, scope: 'write' }),
    )
    await oauthError(wider, 400, 'invalid_scope')
    const asAccess = await app.request('/api/invoices', bearer(second.refresh_token!))
    assert.match((await expectProblem(asAccess, 401, 'unauthenticated')).detail, /not an access token/)
  })

  test('every RFC 6749 5.2 error code', async () => {
    const app = fastAuthApp()
    const wrongSecret = await app.request(
      TOKEN,
      form({ grant_type: 'client_credentials', client_id: 'demo-client', client_secret: 'no' }),
    )
    assert.match(await oauthError(wrongSecret, 401, 'invalid_client'), /wrong client secret/)
    const basic = Buffer.from('demo-client:no').toString('base64')
    const wrongBasic = await app.request(TOKEN, {
      ...form({ grant_type: 'client_credentials' }),
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}` },
    })
    assert.equal(wrongBasic.headers.get('www-authenticate'), 'Basic realm="restmock"')
    await oauthError(wrongBasic, 401, 'invalid_client')
    await oauthError(
      await app.request(TOKEN, form({ grant_type: 'client_credentials' })),
      401,
      'invalid_client',
    )
    await oauthError(
      await app.request(
        TOKEN,
        form({ grant_type: 'password', username: 'ada', password: 'pw', client_id: 'ghost' }),
      ),
      401,
      'invalid_client',
    )
    const badPassword = await app.request(
      TOKEN,
      form({ grant_type: 'password', username: 'ada', password: 'nope' }),
    )
    assert.match(await oauthError(badPassword, 400, 'invalid_grant'), /wrong user name or password/)
    await oauthError(
      await app.request(TOKEN, form({ grant_type: 'refresh_token', refresh_token: 'garbage' })),
      400,
      'invalid_grant',
    )
    await oauthError(
      await app.request(
        TOKEN,
        form({ grant_type: 'password', username: 'bob', password: 'pw', scope: 'write' }),
      ),
      400,
      'invalid_scope',
    )
    await oauthError(
      await app.request(TOKEN, form({ grant_type: 'authorization_code', code: 'x' })),
      400,
      'unsupported_grant_type',
    )
    await oauthError(await app.request(TOKEN, form({})), 400, 'invalid_request')
    await oauthError(
      await app.request(TOKEN, form({ grant_type: 'password', username: 'ada' })),
      400,
      'invalid_request',
    )
    const text = await app.request(TOKEN, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'grant_type=password',
    })
    await oauthError(text, 400, 'invalid_request')
    // a public client (an SPA) sends its id without a secret; a secret that is sent is checked
    const publicClient = await app.request(
      TOKEN,
      form({ grant_type: 'password', username: 'ada', password: 'pw', client_id: 'demo-client' }),
    )
    assert.equal(
      payloadOf(((await publicClient.json()) as { access_token: string }).access_token).client_id,
      'demo-client',
    )
    await oauthError(
      await app.request(
        TOKEN,
        form({
          grant_type: 'password',
          username: 'ada',
          password: 'pw',
          client_id: 'demo-client',
          client_secret: 'x',
        }),
      ),
      401,
      'invalid_client',
    )
    assert.equal((await app.request(TOKEN)).status, 405)
  })
})

describe('token lifetime, tampering and revocation', () => {
  test('an access token expires at exp (clock injected), and the leeway extends it', async () => {
    let now = Date.UTC(2030, 0, 1)
    const app = fastAuthApp({ clock: () => now })
    const { access_token } = await tokenFor(app, 'ada')
    assert.equal(payloadOf(access_token!).iat, now / 1000)
    assert.equal((await app.request('/api/invoices', bearer(access_token!))).status, 200)
    now += 15 * 60 * 1000 - 1000
    assert.equal((await app.request('/api/invoices', bearer(access_token!))).status, 200)
    now += 1000
    const expired = await app.request('/api/invoices', bearer(access_token!))
    assert.match(
      expired.headers.get('www-authenticate') ?? '',
      /error="invalid_token", error_description="the access token has expired"/,
    )
    await expectProblem(expired, 401, 'unauthenticated')

    let later = Date.UTC(2030, 0, 1)
    const lenient = fastAuthApp(
      { clock: () => later },
      {
        tokens: { algorithm: 'HS256', key: 'a-test-secret-of-at-least-32-chars!', ttl: '2s', leeway: '30s' },
      },
    )
    const short = (await tokenFor(lenient, 'ada')).access_token!
    later += 20_000
    assert.equal((await lenient.request('/api/invoices', bearer(short))).status, 200)
    later += 20_000
    assert.equal((await lenient.request('/api/invoices', bearer(short))).status, 401)
  })

  test('an expired refresh token is invalid_grant', async () => {
    let now = Date.UTC(2030, 0, 1)
    const app = fastAuthApp({ clock: () => now })
    const { refresh_token } = await tokenFor(app, 'ada')
    now += 7 * 24 * 3600 * 1000
    const response = await app.request(
      TOKEN,
      form({ grant_type: 'refresh_token', refresh_token: refresh_token! }),
    )
    assert.match(await oauthError(response, 400, 'invalid_grant'), /expired/)
  })

  test('a tampered token (a changed claim, a changed signature) is rejected', async () => {
    const app = fastAuthApp()
    const token = (await tokenFor(app, 'bob')).access_token!
    const [header, , signature] = token.split('.')
    const claims = { ...payloadOf(token), scope: 'read write' }
    const forged = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`
    const response = await app.request(
      '/api/invoices',
      bearer(forged, json('POST', { customerId: 1, amount: 1 })),
    )
    assert.match((await expectProblem(response, 401, 'unauthenticated')).detail, /signature does not match/)
    const flipped = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`
    await expectProblem(await app.request('/api/invoices', bearer(flipped)), 401, 'unauthenticated')
  })

  test('revocation (RFC 7009): a revoked token stops working; unknown tokens answer 200 too', async () => {
    const app = fastAuthApp()
    const tokens = await tokenFor(app, 'ada')
    assert.equal((await app.request('/api/invoices', bearer(tokens.access_token!))).status, 200)
    const revoke = await app.request(
      '/__restmock/oauth/revoke',
      form({ token: tokens.access_token!, token_type_hint: 'access_token' }),
    )
    assert.equal(revoke.status, 200)
    const after = await app.request('/api/invoices', bearer(tokens.access_token!))
    assert.match((await expectProblem(after, 401, 'unauthenticated')).detail, /revoked/)
    await app.request('/__restmock/oauth/revoke', form({ token: tokens.refresh_token! }))
    await oauthError(
      await app.request(TOKEN, form({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token! })),
      400,
      'invalid_grant',
    )
    assert.equal((await app.request('/__restmock/oauth/revoke', form({ token: 'never-issued' }))).status, 200)
    await oauthError(await app.request('/__restmock/oauth/revoke', form({})), 400, 'invalid_request')
    await oauthError(
      await app.request(
        '/__restmock/oauth/revoke',
        form({ token: 'x', client_id: 'demo-client', client_secret: 'bad' }),
      ),
      401,
      'invalid_client',
    )
  })
})

describe('a key in the manifest', () => {
  test('an RS256 PEM key: tokens of one run are accepted by the next', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const key = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
    const tokens = { tokens: { algorithm: 'RS256', key } }
    const first = authApp({ manifest: authManifest(tokens) })
    const { access_token } = await tokenFor(first, 'ada')
    const next = authApp({ manifest: authManifest(tokens) })
    assert.equal((await next.request('/api/invoices', bearer(access_token!))).status, 200)
    const jwks = (await (await next.request('/__restmock/.well-known/jwks.json')).json()) as {
      keys: { n: string }[]
    }
    const publicJwk = createPublicKey(privateKey).export({ format: 'jwk' }) as { n: string }
    assert.equal(jwks.keys[0]!.n, publicJwk.n)
    const random = authApp()
    await expectProblem(await random.request('/api/invoices', bearer(access_token!)), 401, 'unauthenticated')
  })
})

describe('userinfo, JWKS, discovery and the login route', () => {
  test("userinfo answers the token's claims; without a token it is a 401 with a challenge", async () => {
    const app = fastAuthApp()
    const { access_token } = await tokenFor(app, 'ada')
    const info = await app.request('/__restmock/oauth/userinfo', bearer(access_token!))
    assert.deepEqual(await info.json(), {
      sub: 'ada',
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      role: 'admin',
      scope: 'read write',
    })
    const anonymous = await app.request('/__restmock/oauth/userinfo')
    assert.equal(anonymous.headers.get('www-authenticate'), 'Bearer realm="restmock"')
    await expectProblem(anonymous, 401, 'unauthenticated')
    const bad = await app.request('/__restmock/oauth/userinfo', bearer('bad'))
    assert.match(bad.headers.get('www-authenticate') ?? '', /error="invalid_token"/)
  })

  test('RS256 publishes its public key in the JWKS; HS256 publishes none', async () => {
    const rs = authApp()
    const { keys } = (await (await rs.request('/__restmock/.well-known/jwks.json')).json()) as {
      keys: Record<string, string>[]
    }
    assert.equal(keys.length, 1)
    assert.deepEqual(Object.keys(keys[0]!).sort(), ['alg', 'e', 'kid', 'kty', 'n', 'use'])
    const { access_token } = await tokenFor(rs, 'ada')
    const header = JSON.parse(Buffer.from(access_token!.split('.')[0]!, 'base64url').toString()) as Record<
      string,
      string
    >
    assert.deepEqual(header, { alg: 'RS256', kid: keys[0]!.kid, typ: 'at+jwt' })
    const hs = fastAuthApp()
    assert.deepEqual(await (await hs.request('/__restmock/.well-known/jwks.json')).json(), { keys: [] })
  })

  test('the OpenID configuration points at every endpoint; iss equals its issuer', async () => {
    const app = fastAuthApp()
    const doc = (await (
      await app.request('http://127.0.0.1:4010/__restmock/.well-known/openid-configuration')
    ).json()) as Record<string, unknown>
    assert.equal(doc.issuer, 'http://127.0.0.1:4010/__restmock')
    assert.equal(doc.token_endpoint, 'http://127.0.0.1:4010/__restmock/oauth/token')
    assert.equal(doc.revocation_endpoint, 'http://127.0.0.1:4010/__restmock/oauth/revoke')
    assert.equal(doc.userinfo_endpoint, 'http://127.0.0.1:4010/__restmock/oauth/userinfo')
    assert.equal(doc.jwks_uri, 'http://127.0.0.1:4010/__restmock/.well-known/jwks.json')
    assert.deepEqual(doc.grant_types_supported, ['client_credentials', 'password', 'refresh_token'])
    const token = await app.request(
      'http://127.0.0.1:4010/__restmock/oauth/token',
      form({ grant_type: 'password', username: 'ada', password: 'pw' }),
    )
    assert.equal(payloadOf(((await token.json()) as { access_token: string }).access_token).iss, doc.issuer)
  })

  test('POST <basePath>/auth/login answers { token, refreshToken, expiresIn, user } without the password', async () => {
    const app = fastAuthApp()
    const response = await app.request(
      '/api/auth/login',
      json('POST', { email: 'ada@example.com', password: 'pw' }),
    )
    assert.equal(response.status, 200)
    const body = (await response.json()) as {
      token: string
      refreshToken: string
      expiresIn: number
      user: Record<string, unknown>
    }
    assert.deepEqual(body.user, { id: 'ada', name: 'Ada Lovelace', email: 'ada@example.com', role: 'admin' })
    assert.equal(body.expiresIn, 900)
    assert.equal(
      (await app.request('/api/invoices', bearer(body.token, json('POST', { customerId: 1, amount: 4 }))))
        .status,
      201,
    )
    const refreshed = await app.request(
      TOKEN,
      form({ grant_type: 'refresh_token', refresh_token: body.refreshToken }),
    )
    assert.equal(refreshed.status, 200)
    const wrong = await app.request(
      '/api/auth/login',
      json('POST', { email: 'ada@example.com', password: 'x' }),
    )
    assert.match((await expectProblem(wrong, 401, 'unauthenticated')).detail, /wrong user name or password/)
    const missing = await app.request('/api/auth/login', json('POST', { username: 'ada' }))
    const problem = await expectProblem(missing, 400, 'invalid_body')
    assert.deepEqual(
      problem.errors?.map((e) => e.pointer),
      ['/email', '/password'],
    )
  })

  test("the auth server stays with --no-admin, ignores --admin-token, and answers with the resources' CORS", async () => {
    const app = fastAuthApp({ admin: false })
    assert.equal((await tokenFor(app, 'ada')).token_type, 'Bearer')
    const guarded = fastAuthApp({ adminToken: 'admin-secret' })
    const response = await guarded.request(TOKEN, {
      ...form({ grant_type: 'password', username: 'ada', password: 'pw' }),
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost:5173' },
    })
    assert.equal(response.status, 200)
    assert.equal(response.headers.get('access-control-allow-origin'), 'http://localhost:5173')
    assert.equal((await guarded.request('/__restmock')).status, 401)
  })
})

describe('secrets stay out of the journal and the admin info', () => {
  test('credential headers and secret fields of auth requests and answers show as [redacted]', async () => {
    const app = fastAuthApp(
      {},
      { apiKeys: { header: 'X-Demo-Key', keys: { 'k-demo': { scopes: ['read'] } } } },
    )
    const tokens = await tokenFor(app, 'ada')
    await app.request(
      TOKEN,
      form({ grant_type: 'client_credentials', client_id: 'demo-client', client_secret: 's3cret' }),
    )
    await app.request(TOKEN, form({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token! }))
    await app.request('/__restmock/oauth/revoke', form({ token: tokens.access_token! }))
    await app.request('/api/auth/login', json('POST', { email: 'ada@example.com', password: 'pw' }))
    await app.request('/api/invoices', { headers: { 'x-demo-key': 'k-demo' } })
    await app.request('/api/invoices', bearer('t-admin'))
    const journal = (await (await app.request('/__restmock/requests')).json()) as { requests: unknown[] }
    const tokenCalls = await app.request('/__restmock/requests?path=/__restmock/oauth/token')
    assert.equal(((await tokenCalls.json()) as { count: number }).count, 3)
    const text = JSON.stringify(journal)
    for (const secret of [
      's3cret',
      '"pw"',
      tokens.access_token!,
      tokens.refresh_token!,
      'k-demo',
      't-admin',
      'eyJ',
    ]) {
      assert.equal(text.includes(secret), false, `${secret.slice(0, 20)} leaked into the journal`)
    }
    const entries = journal.requests as {
      path: string
      requestBody?: Record<string, unknown>
      headers: Record<string, string>
      response?: { body?: Record<string, unknown> }
    }[]
    const login = entries.find((entry) => entry.path === '/api/auth/login')!
    assert.equal(login.requestBody?.password, '[redacted]')
    assert.equal(login.response?.body?.token, '[redacted]')
    assert.equal(login.response?.body?.refreshToken, '[redacted]')
    assert.equal(entries[0]!.response?.body?.access_token, '[redacted]')
    assert.equal(entries.at(-2)!.headers['x-demo-key'], '[redacted]')
  })

  test('GET /__restmock describes auth; demo credentials only with showSecrets', async () => {
    const hidden = (await (await fastAuthApp().request('/__restmock')).json()) as {
      auth: Record<string, unknown>
      endpoints: string[]
    }
    assert.ok(hidden.endpoints.includes('POST /__restmock/auth/token'))
    assert.equal(hidden.auth.protect, 'writes')
    assert.equal(JSON.stringify(hidden).includes('s3cret'), false)
    assert.equal(JSON.stringify(hidden).includes('k-demo'), false)
    assert.match(String(hidden.auth.secrets), /--show-secrets/)
    const shown = (await (await fastAuthApp({ showSecrets: true }).request('/__restmock')).json()) as {
      auth: { users: unknown[]; clients: unknown[] }
    }
    assert.deepEqual(shown.auth.users[0], { id: 'ada', scopes: ['read', 'write'], password: 'pw' })
    assert.deepEqual(shown.auth.clients[0], {
      id: 'demo-client',
      scopes: ['read', 'write'],
      secret: 's3cret',
    })
  })

  test('POST /__restmock/auth/token mints tokens; a bad request is a 422 naming the problem', async () => {
    const app = fastAuthApp()
    const mint = (body: unknown) => app.request('/__restmock/auth/token', json('POST', body))
    const minted = (await (await mint({ user: 'bob' })).json()) as Record<string, string>
    assert.equal(minted.scope, 'read')
    assert.equal((await app.request('/api/notes', bearer(minted.access_token!))).status, 200)
    for (const [body, pattern] of [
      [{ user: 'ghost' }, /unknown user "ghost"; known: ada, bob/],
      [{ user: 'bob', client: 'demo-client' }, /exactly one of user/],
      [{ user: 'bob', scopes: ['write'] }, /not granted: write/],
      [{ client: 'demo-client', scopes: 'read' }, /list of scope names/],
      [{ user: 'bob', extra: 1 }, /unknown key/],
    ] as const) {
      const problem = await expectProblem(await mint(body), 422, 'validation_failed')
      assert.match(problem.errors?.map((error) => error.detail).join('; ') ?? '', pattern)
    }
  })
})
