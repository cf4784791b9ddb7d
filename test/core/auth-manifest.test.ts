import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { operationSecurity, securitySchemesFor } from '../../src/core/auth/security-schemes.ts'
import { ConfigError } from '../../src/core/errors.ts'
import type { Issue, Manifest } from '../../src/core/manifest/model.ts'
import { validateManifest } from '../../src/core/manifest/validate-manifest.ts'
import { authManifest } from '../support/auth-fixtures.ts'

function problems(raw: unknown): ConfigError {
  try {
    validateManifest(raw)
  } catch (error) {
    assert.ok(error instanceof ConfigError)
    return error
  }
  assert.fail('expected a ConfigError')
}

function issueAt(error: ConfigError, path: string): Issue {
  const issue = error.issues.find((candidate) => candidate.path === path)
  assert.ok(issue, `no issue at ${path}; got:\n${error.format()}`)
  return issue
}

const withResource = (auth: unknown, resource: Record<string, unknown>) => ({
  auth,
  resources: { notes: { fields: { ownerId: { type: 'string' }, text: { type: 'string' } }, ...resource } },
})

describe('the manifest auth block', () => {
  test('a full block is normalized with its defaults', () => {
    const manifest = validateManifest(authManifest())
    const auth = manifest.auth!
    assert.equal(auth.protect, 'writes')
    assert.deepEqual(auth.tokens, { ttl: 900, refreshTtl: 604_800, algorithm: 'RS256', leeway: 0 })
    assert.deepEqual(auth.login, { path: '/auth/login', username: 'email' })
    assert.deepEqual(manifest.resources.notes!.auth, { public: false, owner: 'ownerId' })
    assert.deepEqual(manifest.resources.health!.auth, { public: true })
    const bare = validateManifest({ auth: { users: { ada: { password: 'pw' } } }, resources: { a: {} } })
      .auth!
    assert.equal(bare.protect, 'none')
    assert.equal(bare.apiKeys.header, 'X-API-Key')
    assert.equal(bare.tokens.algorithm, 'RS256')
    assert.deepEqual(bare.users.ada, { password: 'pw', scopes: [], claims: {} })
  })

  test('typos get a did-you-mean at their dotted location', () => {
    const error = problems({
      auth: {
        user: {},
        protect: 'write',
        tokens: { tll: '1m', algorithm: 'HS512' },
        clients: { c: { secret: 's', scope: ['read'] } },
      },
      resources: { a: { auth: { reed: ['read'] } } },
    })
    assert.match(issueAt(error, 'auth.user').message, /did you mean "users"/)
    assert.match(issueAt(error, 'auth.protect').message, /one of none, writes, all.*did you mean "writes"/)
    assert.match(issueAt(error, 'auth.tokens.tll').message, /did you mean "ttl"/)
    assert.match(issueAt(error, 'auth.tokens.algorithm').message, /HS256, RS256/)
    assert.match(issueAt(error, 'auth.clients.c.scope').message, /did you mean "scopes"/)
    assert.match(issueAt(error, 'resources.a.auth.reed').message, /did you mean "read"/)
  })

  test('an unknown scope names the scopes that exist', () => {
    const error = problems(
      withResource(
        { users: { ada: { password: 'pw', scopes: ['read', 'write'] } } },
        { auth: { write: ['wirte'] } },
      ),
    )
    assert.match(
      issueAt(error, 'resources.notes.auth.write.0').message,
      /unknown scope "wirte" \(did you mean "write"\?\).*known scopes: read, write/,
    )
  })

  test('an owner field that does not exist, is not a string, or sits on a singleton', () => {
    const users = { users: { ada: { password: 'pw' } } }
    const missing = problems(withResource(users, { auth: { owner: 'ownerID' } }))
    assert.match(
      issueAt(missing, 'resources.notes.auth.owner').message,
      /unknown field "ownerID" \(did you mean "ownerId"\?\): declare it under resources.notes.fields/,
    )
    const typed = problems({
      auth: users,
      resources: { notes: { fields: { ownerId: { type: 'integer' } }, auth: { owner: 'ownerId' } } },
    })
    assert.match(issueAt(typed, 'resources.notes.auth.owner').message, /must be a string/)
    const single = problems({ auth: users, resources: { me: { singleton: true, auth: { owner: 'x' } } } })
    assert.match(issueAt(single, 'resources.me.auth.owner').message, /singleton/)
    const noUsers = problems(withResource({}, { auth: { owner: 'ownerId' } }))
    assert.match(
      issueAt(noUsers, 'resources.notes.auth.owner').message,
      /declare at least one under auth.users/,
    )
  })

  test('bad values: durations, keys, headers, claims, credentials, resource rules', () => {
    const error = problems({
      auth: {
        apiKeys: { header: 'Bad Header', keys: { k: { scopes: 'read', user: 'nobody' } } },
        users: { ada: { scopes: [1], claims: { sub: 'x' } } },
        clients: { c: {} },
        tokens: { ttl: 'soon', algorithm: 'HS256', key: 'short' },
        login: { path: 'login' },
      },
      resources: {
        a: { auth: 'private' },
        b: { auth: { public: true, read: ['read'] } },
      },
    })
    assert.match(issueAt(error, 'auth.apiKeys.header').message, /header name/)
    assert.match(issueAt(error, 'auth.apiKeys.keys.k.user').message, /unknown user "nobody"/)
    assert.match(issueAt(error, 'auth.users.ada.password').message, /required/)
    assert.match(issueAt(error, 'auth.users.ada.scopes').message, /list of scope names/)
    assert.match(issueAt(error, 'auth.users.ada.claims.sub').message, /set by restmock/)
    assert.match(issueAt(error, 'auth.clients.c.secret').message, /required/)
    assert.match(issueAt(error, 'auth.tokens.ttl').message, /duration such as "90s", "15m"/)
    assert.match(issueAt(error, 'auth.tokens.key').message, /at least 32 characters/)
    assert.match(issueAt(error, 'auth.login.path').message, /path such as \/auth\/login/)
    assert.match(issueAt(error, 'resources.a.auth').message, /"public" or an object/)
    assert.match(issueAt(error, 'resources.b.auth').message, /cannot also require scopes/)
    const rsa = problems({ auth: { tokens: { key: 'not a pem' } }, resources: { a: {} } })
    assert.match(issueAt(rsa, 'auth.tokens.key').message, /PKCS#8 PEM/)
  })

  test('resource rules without an auth block', () => {
    const error = problems({ resources: { a: { auth: { read: ['read'] } } } })
    assert.match(issueAt(error, 'resources.a.auth').message, /needs a top-level `auth` block/)
    assert.equal(validateManifest({ resources: { a: { auth: 'public' } } }).resources.a!.auth?.public, true)
  })
})

describe('OpenAPI security from the auth block', () => {
  const manifest: Manifest = validateManifest(authManifest())

  test('securitySchemes: bearer JWT, the API key header, OAuth 2 flows with every scope', () => {
    const schemes = securitySchemesFor(manifest)!
    assert.deepEqual(Object.keys(schemes), ['bearerAuth', 'apiKeyAuth', 'oauth2'])
    assert.deepEqual(schemes.apiKeyAuth, {
      type: 'apiKey',
      in: 'header',
      name: 'X-API-Key',
      description: 'an API key of the manifest',
    })
    const oauth = schemes.oauth2 as {
      flows: Record<string, { tokenUrl: string; scopes: Record<string, string> }>
    }
    assert.deepEqual(Object.keys(oauth.flows), ['clientCredentials', 'password'])
    assert.equal(oauth.flows.password!.tokenUrl, '/__restmock/oauth/token')
    assert.deepEqual(Object.keys(oauth.flows.password!.scopes), ['read', 'write'])
    assert.equal(securitySchemesFor(validateManifest({ resources: { a: {} } })), undefined)
  })

  test('per-operation security follows the resource rules and protect', () => {
    const { invoices, customers, notes, health } = manifest.resources
    assert.deepEqual(operationSecurity(manifest, invoices!, 'get'), [
      { bearerAuth: [] },
      { oauth2: ['read'] },
      { apiKeyAuth: [] },
    ])
    assert.deepEqual(operationSecurity(manifest, customers!, 'get'), [])
    assert.deepEqual(operationSecurity(manifest, customers!, 'post'), [
      { bearerAuth: [] },
      { oauth2: ['write'] },
      { apiKeyAuth: [] },
    ])
    assert.deepEqual(operationSecurity(manifest, notes!, 'get'), [{ bearerAuth: [] }, { oauth2: [] }])
    assert.deepEqual(operationSecurity(manifest, health!, 'put'), [])
    assert.equal(operationSecurity(validateManifest({ resources: { a: {} } }), customers!, 'get'), undefined)
  })
})
