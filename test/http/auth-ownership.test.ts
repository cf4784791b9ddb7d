import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { bearer, fastAuthApp, tokenFor } from '../support/auth-fixtures.ts'
import { expectProblem, json } from '../support/helpers.ts'

type Row = { id: number; ownerId?: string; text?: string; notes?: Row[]; customer?: Row }

/** ada holds read+write; bob read only, so a `t-bob` token lets bob write. */
async function setup() {
  const app = fastAuthApp({}, { bearer: { tokens: { 't-bob': { scopes: ['read', 'write'], user: 'bob' } } } })
  const ada = (await tokenFor(app, 'ada')).access_token!
  return { app, ada, bob: 't-bob' }
}

describe('rows owned by users (auth.owner)', () => {
  test("a list shows only the caller's rows", async () => {
    const { app, ada, bob } = await setup()
    const adas = (await (await app.request('/api/notes', bearer(ada))).json()) as Row[]
    assert.deepEqual(
      adas.map((row) => row.id),
      [1, 3],
    )
    const bobs = await app.request('/api/notes', bearer(bob))
    assert.equal(bobs.headers.get('x-total-count'), '1')
    assert.deepEqual(
      ((await bobs.json()) as Row[]).map((row) => row.id),
      [2],
    )
  })

  test("another user's row is a 404 for GET, PUT, PATCH and DELETE; nothing changes", async () => {
    const { app, ada, bob } = await setup()
    await expectProblem(await app.request('/api/notes/2', bearer(ada)), 404, 'not_found')
    await expectProblem(
      await app.request('/api/notes/2', bearer(ada, json('PUT', { text: 'mine now' }))),
      404,
      'not_found',
    )
    await expectProblem(
      await app.request('/api/notes/2', bearer(ada, json('PATCH', { text: 'mine now' }))),
      404,
      'not_found',
    )
    await expectProblem(
      await app.request('/api/notes/2', bearer(ada, { method: 'DELETE' })),
      404,
      'not_found',
    )
    const still = (await (await app.request('/api/notes/2', bearer(bob))).json()) as Row
    assert.equal(still.text, 'bob note')
  })

  test('the owner reads, updates and deletes its own rows; the owner field cannot be given away', async () => {
    const { app, ada } = await setup()
    assert.equal((await app.request('/api/notes/1', bearer(ada))).status, 200)
    const patched = await app.request(
      '/api/notes/1',
      bearer(ada, json('PATCH', { text: 'edited', ownerId: 'bob' })),
    )
    assert.deepEqual(await patched.json(), { id: 1, ownerId: 'ada', customerId: 1, text: 'edited' })
    const replaced = await app.request('/api/notes/1', bearer(ada, json('PUT', { text: 'replaced' })))
    assert.equal(((await replaced.json()) as Row).ownerId, 'ada')
    assert.equal((await app.request('/api/notes/1', bearer(ada, { method: 'DELETE' }))).status, 204)
    await expectProblem(await app.request('/api/notes/1', bearer(ada)), 404, 'not_found')
  })

  test('a create fills the owner from the token, whatever the body says', async () => {
    const { app, bob } = await setup()
    const created = await app.request(
      '/api/notes',
      bearer(bob, json('POST', { text: 'new', ownerId: 'ada' })),
    )
    assert.equal(created.status, 201)
    const row = (await created.json()) as Row
    assert.equal(row.ownerId, 'bob')
    assert.equal((await app.request(`/api/notes/${row.id}`, bearer(bob))).status, 200)
  })

  test('an owned resource needs a user even for reads', async () => {
    const { app } = await setup()
    await expectProblem(await app.request('/api/notes'), 401, 'unauthenticated')
    await expectProblem(await app.request('/api/notes/1'), 401, 'unauthenticated')
  })

  test('_embed shows only the related rows the caller may read; anonymous callers see none', async () => {
    const { app, ada, bob } = await setup()
    const adas = (await (await app.request('/api/customers?_embed=notes', bearer(ada))).json()) as Row[]
    assert.deepEqual(
      adas.map((c) => c.notes?.map((n) => n.id)),
      [[1], [3]],
    )
    const bobs = (await (await app.request('/api/customers/1?_embed=notes', bearer(bob))).json()) as Row
    assert.deepEqual(
      bobs.notes?.map((n) => n.id),
      [2],
    )
    const anonymous = (await (await app.request('/api/customers/1?_embed=notes')).json()) as Row
    assert.deepEqual(anonymous.notes, [])
  })

  test('_embed of a resource whose scope the caller lacks embeds nothing', async () => {
    const app = fastAuthApp(
      {},
      { apiKeys: { keys: { 'k-none': { scopes: [] }, 'k-demo': { scopes: ['read'] } } } },
    )
    const without = (await (
      await app.request('/api/customers/1?_embed=invoices', { headers: { 'x-api-key': 'k-none' } })
    ).json()) as { invoices: unknown[] }
    assert.deepEqual(without.invoices, [])
    const withScope = (await (
      await app.request('/api/customers/1?_embed=invoices', { headers: { 'x-api-key': 'k-demo' } })
    ).json()) as { invoices: unknown[] }
    assert.equal(withScope.invoices.length, 1)
  })

  test("a nested route under another user's row is a 404; _expand leaves out a row the caller may not read", async () => {
    const { app, ada, bob } = await setup()
    await expectProblem(await app.request('/api/notes/2/attachments', bearer(ada)), 404, 'not_found')
    const bobs = (await (await app.request('/api/notes/2/attachments', bearer(bob))).json()) as Row[]
    assert.deepEqual(
      bobs.map((row) => row.id),
      [1],
    )
    const expandedForBob = (await (
      await app.request('/api/attachments/1?_expand=note', bearer(bob))
    ).json()) as Record<string, unknown>
    assert.equal((expandedForBob.note as Row).id, 2)
    const expandedForAda = (await (
      await app.request('/api/attachments/1?_expand=note', bearer(ada))
    ).json()) as Record<string, unknown>
    assert.equal(expandedForAda.note ?? null, null)
  })

  test("_expand from an owned row works; nested routes list only the caller's rows", async () => {
    const { app, ada, bob } = await setup()
    const expanded = (await (await app.request('/api/notes/1?_expand=customer', bearer(ada))).json()) as Row
    assert.equal(expanded.customer?.id, 1)
    const nested = (await (await app.request('/api/customers/1/notes', bearer(bob))).json()) as Row[]
    assert.deepEqual(
      nested.map((n) => n.id),
      [2],
    )
    const created = await app.request('/api/customers/2/notes', bearer(bob, json('POST', { text: 'nested' })))
    assert.deepEqual(
      { ...((await created.json()) as Row), id: 0 },
      { id: 0, ownerId: 'bob', customerId: 2, text: 'nested' },
    )
  })
})
