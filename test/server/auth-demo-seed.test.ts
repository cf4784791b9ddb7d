import assert from 'node:assert/strict'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { createMock } from '../../src/index.ts'

const source = fileURLToPath(new URL('../../seeds/auth-demo.yaml', import.meta.url))

test('seeds/auth-demo.yaml behaves as docs/auth.md and seeds/README.md say', async () => {
  const mock = createMock({ source })
  assert.equal((await mock.request('/api/invoices')).status, 401)
  const token = await mock.request('/__restmock/oauth/token', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=password&username=bob&password=pw',
  })
  const { access_token, scope } = (await token.json()) as { access_token: string; scope: string }
  assert.equal(scope, 'read')
  const authorization = `Bearer ${access_token}`
  assert.deepEqual(await (await mock.request('/api/invoices/1', { headers: { authorization } })).json(), {
    id: 1,
    customerId: 1,
    amount: 250,
  })
  const write = await mock.request('/api/invoices', {
    method: 'POST',
    headers: { authorization, 'content-type': 'application/json' },
    body: JSON.stringify({ customerId: 1, amount: 5 }),
  })
  assert.equal(write.status, 403)
  assert.equal(
    write.headers.get('www-authenticate'),
    'Bearer realm="restmock", error="insufficient_scope", scope="write"',
  )
  const notes = (await (await mock.request('/api/notes', { headers: { authorization } })).json()) as {
    id: number
  }[]
  assert.deepEqual(
    notes.map((note) => note.id),
    [2],
  )
  const login = await mock.request('/api/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'ada@example.com', password: 'pw' }),
  })
  const body = (await login.json()) as { user: Record<string, unknown> }
  assert.deepEqual(body.user, { id: 'ada', name: 'Ada Lovelace', email: 'ada@example.com', role: 'admin' })
  assert.equal((await mock.request('/api/invoices', { headers: { 'x-api-key': 'k-demo' } })).status, 200)
  assert.equal((await mock.request('/api/health')).status, 200)
})
