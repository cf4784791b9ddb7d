import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { createMock } from '../../src/index.ts'
import { crmApp, crmMock, expectProblem, json } from '../support/helpers.ts'

describe('collections', () => {
  test('GET list and item with ETag; If-None-Match -> 304', async () => {
    const app = crmMock()
    const list = await app.request('/api/customers')
    assert.equal(list.status, 200)
    assert.equal(((await list.json()) as unknown[]).length, 2)
    const item = await app.request('/api/customers/1')
    assert.equal(item.status, 200)
    const etag = item.headers.get('etag')
    assert.match(etag ?? '', /^"[0-9a-z-]+"$/)
    const body = (await item.json()) as Record<string, unknown>
    assert.equal(body.name, 'Ada Lovelace')
    assert.equal(body.active, true, 'seed records get defaults')
    const cached = await app.request('/api/customers/1', { headers: { 'if-none-match': etag! } })
    assert.equal(cached.status, 304)
    assert.equal(await cached.text(), '')
    const stale = await app.request('/api/customers/1', { headers: { 'if-none-match': '"other"' } })
    assert.equal(stale.status, 200)
  })

  test('HEAD answers like GET without a body', async () => {
    const app = crmMock()
    const head = await app.request('/api/customers/1', { method: 'HEAD' })
    assert.equal(head.status, 200)
    assert.ok(head.headers.get('etag'))
    assert.equal(await head.text(), '')
  })

  test('POST -> 201 with Location, server id, defaults, timestamps; readOnly ignored', async () => {
    const app = crmMock()
    const response = await app.request(
      '/api/customers',
      json('POST', { name: 'Alan', email: 'alan@example.com', score: 999, address: { city: 'London' } }),
    )
    assert.equal(response.status, 201)
    assert.equal(response.headers.get('location'), '/api/customers/3')
    const created = (await response.json()) as Record<string, unknown>
    assert.equal(created.id, 3)
    assert.equal(created.plan, 'free')
    assert.equal(created.score, 10, 'readOnly fields are ignored in bodies and keep their default')
    assert.deepEqual(created.address, { city: 'London', country: 'US' })
    assert.match(String(created.createdAt), /^\d{4}-\d\d-\d\dT/)
    assert.equal(created.createdAt, created.updatedAt)
    const fetched = await app.request('/api/customers/3')
    assert.deepEqual(await fetched.json(), created)
  })

  test('POST with a client id that exists -> 409; a new one is kept', async () => {
    const app = crmMock()
    await expectProblem(
      await app.request('/api/customers', json('POST', { id: 1, name: 'X', email: 'x@example.com' })),
      409,
      'conflict',
    )
    const response = await app.request(
      '/api/customers',
      json('POST', { id: 50, name: 'X', email: 'x@example.com' }),
    )
    assert.equal(response.status, 201)
    assert.equal(((await response.json()) as { id: number }).id, 50)
  })

  test('422 lists every failing field with a JSON pointer', async () => {
    const app = crmMock()
    const body = await expectProblem(
      await app.request(
        '/api/customers',
        json('POST', { email: 'nope', plan: 'gold', extra: 1, address: { country: 'FR' } }),
      ),
      422,
      'validation_failed',
    )
    const pointers = Object.fromEntries((body.errors ?? []).map((error) => [error.pointer, error.detail]))
    assert.equal(pointers['/name'], 'is required')
    assert.equal(pointers['/email'], 'must be a valid email address')
    assert.match(pointers['/plan'] ?? '', /must be one of: "free", "pro", "enterprise"/)
    assert.match(pointers['/extra'] ?? '', /is not a known field/)
    assert.equal(pointers['/address/city'], 'is required')
    assert.equal(body.detail, '5 fields are invalid')
  })

  test('unique -> 409 with pointer; ref to a missing record -> 422', async () => {
    const app = crmMock()
    const conflict = await expectProblem(
      await app.request('/api/customers', json('POST', { name: 'Dup', email: 'ada@example.com' })),
      409,
      'conflict',
    )
    assert.equal(conflict.errors?.[0]?.pointer, '/email')
    const missing = await expectProblem(
      await app.request('/api/invoices', json('POST', { customerId: 99, amount: 1 })),
      422,
      'validation_failed',
    )
    assert.deepEqual(missing.errors, [
      { pointer: '/customerId', detail: 'refers to customers 99, which does not exist' },
    ])
  })

  test('PUT replaces (id from URL wins, createdAt kept); PATCH merges and validates the result', async () => {
    const app = createMock({
      manifest: {
        resources: {
          posts: {
            timestamps: true,
            fields: { title: { type: 'string', required: true }, meta: { type: 'object' } },
          },
        },
      },
      data: { posts: [] },
    })
    const created = (await (
      await app.request('/posts', json('POST', { title: 'a', meta: { x: 1, y: 2 } }))
    ).json()) as Record<string, unknown>
    const put = await app.request('/posts/1', json('PUT', { id: 77, title: 'b' }))
    assert.equal(put.status, 200)
    const replaced = (await put.json()) as Record<string, unknown>
    assert.equal(replaced.id, 1)
    assert.equal(replaced.title, 'b')
    assert.equal(replaced.meta, undefined, 'PUT is a full replacement')
    assert.equal(replaced.createdAt, created.createdAt)
    await app.request('/posts/1', json('PUT', { title: 'c', meta: { x: 1, y: 2 } }))
    const patched = await app.request(
      '/posts/1',
      json('PATCH', { meta: { y: null, z: 3 } }, { 'content-type': 'application/merge-patch+json' }),
    )
    assert.equal(patched.status, 200)
    assert.deepEqual(((await patched.json()) as Record<string, unknown>).meta, { x: 1, z: 3 })
    await expectProblem(
      await app.request('/posts/1', json('PATCH', { title: null })),
      422,
      'validation_failed',
    )
    await expectProblem(await app.request('/posts/1', json('PUT', { meta: {} })), 422, 'validation_failed')
  })

  test('DELETE -> 204; cascade, restrict (409) and set-null', async () => {
    const app = crmMock()
    await expectProblem(await app.request('/api/customers/2', { method: 'DELETE' }), 409, 'conflict')
    assert.equal((await app.request('/api/customers/2')).status, 200, 'a blocked delete changes nothing')
    assert.equal((await app.request('/api/invoices/2')).status, 200)
    const deleted = await app.request('/api/customers/1', { method: 'DELETE' })
    assert.equal(deleted.status, 204)
    assert.equal((await app.request('/api/customers/1')).status, 404)
    assert.equal((await app.request('/api/invoices/1')).status, 404, 'cascade removed the invoice')
    const tag = (await (await app.request('/api/tags/t1')).json()) as Record<string, unknown>
    assert.equal(tag.customerId, null, 'set-null cleared the ref')
  })

  test('Prefer: return=minimal -> 204 with Location/ETag; return=representation on DELETE -> 200 + record', async () => {
    const app = crmMock()
    const minimal = await app.request(
      '/api/invoices',
      json('POST', { customerId: 1, amount: 5 }, { prefer: 'return=minimal' }),
    )
    assert.equal(minimal.status, 204)
    assert.equal(minimal.headers.get('location'), '/api/invoices/3')
    assert.ok(minimal.headers.get('etag'))
    assert.equal(minimal.headers.get('preference-applied'), 'return=minimal')
    const patch = await app.request(
      '/api/invoices/3',
      json('PATCH', { amount: 6 }, { prefer: 'return=minimal' }),
    )
    assert.equal(patch.status, 204)
    const removed = await app.request('/api/invoices/3', {
      method: 'DELETE',
      headers: { prefer: 'return=representation' },
    })
    assert.equal(removed.status, 200)
    assert.equal(((await removed.json()) as { amount: number }).amount, 6)
  })

  test('If-Match: stale -> 412, current -> applied', async () => {
    const app = crmMock()
    const etag = (await app.request('/api/invoices/1')).headers.get('etag')!
    await expectProblem(
      await app.request('/api/invoices/1', json('PATCH', { amount: 1 }, { 'if-match': '"stale"' })),
      412,
      'precondition_failed',
    )
    assert.equal(
      (await app.request('/api/invoices/1', json('PATCH', { amount: 1 }, { 'if-match': etag }))).status,
      200,
    )
    await expectProblem(
      await app.request('/api/invoices/1', { method: 'DELETE', headers: { 'if-match': etag } }),
      412,
      'precondition_failed',
    )
  })

  test('uuid and string id strategies', async () => {
    const app = crmMock()
    const note = (await (
      await app.request('/api/notes', json('POST', { customerId: 1, text: 'hi' }))
    ).json()) as { id: string }
    assert.match(note.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    const tag = (await (await app.request('/api/tags', json('POST', { label: 'x' }))).json()) as {
      id: string
    }
    assert.match(tag.id, /^[0-9a-z]{8}$/)
    await expectProblem(
      await app.request('/api/notes', json('POST', { id: 'not-a-uuid', customerId: 1, text: 'x' })),
      422,
      'validation_failed',
    )
  })

  test('Idempotency-Key replays the first response', async () => {
    const app = crmMock()
    const request = () =>
      app.request('/api/invoices', json('POST', { customerId: 1, amount: 9 }, { 'idempotency-key': 'k1' }))
    const first = await request()
    const second = await request()
    assert.equal(first.status, 201)
    assert.equal(second.status, 201)
    assert.equal(second.headers.get('idempotent-replayed'), 'true')
    assert.deepEqual(await second.json(), await first.json())
    assert.equal(((await (await app.request('/api/invoices')).json()) as unknown[]).length, 3, 'created once')
    await expectProblem(
      await app.request(
        '/api/invoices',
        json('POST', { customerId: 1, amount: 10 }, { 'idempotency-key': 'k1' }),
      ),
      422,
      'validation_failed',
    )
  })
})

describe('singletons', () => {
  test('GET, PUT (defaults), PATCH; POST and DELETE -> 405', async () => {
    const app = crmMock()
    assert.deepEqual(await (await app.request('/api/settings')).json(), { currency: 'EUR', taxRate: 0.2 })
    const put = await app.request('/api/settings', json('PUT', { taxRate: 0.1 }))
    assert.deepEqual(await put.json(), { taxRate: 0.1, currency: 'USD' })
    const patch = await app.request('/api/settings', json('PATCH', { currency: 'EUR' }))
    assert.deepEqual(await patch.json(), { taxRate: 0.1, currency: 'EUR' })
    await expectProblem(
      await app.request('/api/settings', json('PATCH', { taxRate: 2 })),
      422,
      'validation_failed',
    )
    const post = await expectProblem(
      await app.request('/api/settings', json('POST', {})),
      405,
      'method_not_allowed',
    )
    assert.match(post.detail, /GET, HEAD, PUT, PATCH, OPTIONS/)
    await expectProblem(await app.request('/api/settings/1'), 404, 'not_found')
  })
})

describe('request errors', () => {
  test('400 malformed JSON and non-object bodies', async () => {
    const app = crmMock()
    await expectProblem(await app.request('/api/customers', json('POST', '{"name": ')), 400, 'malformed_json')
    await expectProblem(await app.request('/api/customers', json('POST', '[1,2]')), 400, 'invalid_body')
    await expectProblem(await app.request('/api/customers', json('POST', 'null')), 400, 'invalid_body')
    await expectProblem(await app.request('/api/customers', json('POST', '')), 400, 'invalid_body')
  })

  test('415 for non-JSON bodies; application/*+json is accepted', async () => {
    const app = crmMock()
    await expectProblem(
      await app.request('/api/customers', {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: '{}',
      }),
      415,
      'unsupported_media_type',
    )
    await expectProblem(
      await app.request('/api/customers', { method: 'POST', body: '{}' }),
      415,
      'unsupported_media_type',
    )
    const vendor = await app.request(
      '/api/invoices',
      json(
        'POST',
        { customerId: 1, amount: 1 },
        { 'content-type': 'application/vnd.api+json; charset=utf-8' },
      ),
    )
    assert.equal(vendor.status, 201)
  })

  test('413 above the body limit (configurable)', async () => {
    const app = crmMock({ bodyLimit: 100 })
    const big = { name: 'x'.repeat(200), email: 'a@b.co' }
    await expectProblem(await app.request('/api/customers', json('POST', big)), 413, 'payload_too_large')
    const streamed = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(JSON.stringify(big)))
        controller.close()
      },
    })
    const response = await app.request('/api/customers', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: streamed,
      duplex: 'half',
    } as RequestInit)
    await expectProblem(response, 413, 'payload_too_large')
    const defaultLimit = crmMock()
    const huge = { name: 'x', email: 'a@b.co', pad: 'y'.repeat(1024 * 1024) }
    await expectProblem(
      await defaultLimit.request('/api/customers', json('POST', huge)),
      413,
      'payload_too_large',
    )
  })

  test('404 for unknown routes, resources and ids', async () => {
    const app = crmMock()
    await expectProblem(await app.request('/api/nothing'), 404, 'not_found')
    await expectProblem(await app.request('/api/customers/999'), 404, 'not_found')
    await expectProblem(
      await app.request('/api/customers/999', json('PUT', { name: 'x', email: 'x@y.co' })),
      404,
      'not_found',
    )
    await expectProblem(await app.request('/elsewhere/a/b/c/d'), 404, 'not_found')
  })

  test('405 with Allow; OPTIONS -> 204 with Allow and CORS preflight', async () => {
    const app = crmMock()
    const notAllowed = await app.request('/api/customers', { method: 'DELETE' })
    await expectProblem(notAllowed, 405, 'method_not_allowed')
    assert.equal(notAllowed.headers.get('allow'), 'GET, HEAD, POST, OPTIONS')
    const options = await app.request('/api/customers/1', { method: 'OPTIONS' })
    assert.equal(options.status, 204)
    assert.equal(options.headers.get('allow'), 'GET, HEAD, PUT, PATCH, DELETE, OPTIONS')
    const preflight = await app.request('/api/customers', {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:5173',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    })
    assert.equal(preflight.status, 204)
    assert.equal(preflight.headers.get('access-control-allow-origin'), 'http://localhost:5173')
    assert.equal(preflight.headers.get('access-control-allow-methods'), 'GET, HEAD, POST, OPTIONS')
    assert.equal(preflight.headers.get('access-control-allow-headers'), 'content-type')
  })

  test('CORS exposes Location, ETag, X-Total-Count, Link; --no-cors removes it', async () => {
    // no Origin: not a cross-origin browser request, so nothing to expose; Vary keeps caches apart
    const plain = await crmMock().request('/api/customers')
    assert.equal(plain.headers.get('access-control-allow-origin'), '*')
    assert.equal(plain.headers.get('access-control-expose-headers'), null)
    assert.equal(plain.headers.get('vary'), 'Origin')
    const response = await crmMock().request('/api/customers', {
      headers: { origin: 'http://localhost:5173' },
    })
    const exposed = response.headers.get('access-control-expose-headers') ?? ''
    for (const name of ['Location', 'ETag', 'X-Total-Count', 'Link']) assert.ok(exposed.includes(name), name)
    const off = await crmMock({ cors: false }).request('/api/customers')
    assert.equal(off.headers.get('access-control-allow-origin'), null)
  })

  test('an unexpected exception answers 500 internal and the server keeps serving', async () => {
    const app = crmApp()
    const logged: unknown[] = []
    const original = console.error
    console.error = (...args: unknown[]) => logged.push(args)
    const { get, find } = app.engine
    // both lookups: a plain GET by id is answered by the dispatcher's fast path (find), which on an
    // exception leaves the request to the routes (get)
    app.engine.get = app.engine.find = () => {
      throw new TypeError('boom')
    }
    try {
      const body = await expectProblem(await app.request('/api/customers/1'), 500, 'internal')
      assert.doesNotMatch(body.detail, /boom/)
      assert.equal(logged.length, 1)
    } finally {
      console.error = original
      app.engine.get = get
      app.engine.find = find
    }
    assert.equal((await app.request('/api/customers/1')).status, 200)
  })

  test('a failed commit answers 503 persistence_failed and rolls back', async () => {
    const app = crmApp()
    const engine = app.engine as unknown as { persistence: { commit: () => Promise<void> } }
    engine.persistence = { ...engine.persistence, commit: () => Promise.reject(new Error('disk full')) }
    await expectProblem(
      await app.request('/api/invoices', json('POST', { customerId: 1, amount: 1 })),
      503,
      'persistence_failed',
    )
    assert.equal(((await (await app.request('/api/invoices')).json()) as unknown[]).length, 2)
  })
})

describe('zero-config (json-server db.json)', () => {
  const data = () => ({
    posts: [
      { id: 1, title: 'hello', views: 10 },
      { id: 2, title: 'world', views: 20 },
    ],
    comments: [{ id: 1, body: 'nice', postId: 1 }],
    notes: [{ id: 'a1', text: 'x' }],
    profile: { name: 'typicode' },
  })

  test('any JSON object body, numeric ids stay numeric (max + 1), string ids generated', async () => {
    const app = createMock({ data: data() })
    const created = await app.request('/posts', json('POST', { anything: { goes: [1] } }))
    assert.equal(created.status, 201)
    assert.equal(((await created.json()) as { id: number }).id, 3)
    const byText = await app.request('/posts/1')
    assert.equal(((await byText.json()) as { id: number }).id, 1)
    const note = (await (await app.request('/notes', json('POST', { text: 'y' }))).json()) as { id: unknown }
    assert.equal(typeof note.id, 'string')
    assert.deepEqual(await (await app.request('/profile', json('PATCH', { age: 3 }))).json(), {
      name: 'typicode',
      age: 3,
    })
  })

  test('DELETE answers 200 with the deleted record and removes dependents', async () => {
    const app = createMock({ data: data() })
    const deleted = await app.request('/posts/1', { method: 'DELETE' })
    assert.equal(deleted.status, 200)
    assert.deepEqual(await deleted.json(), { id: 1, title: 'hello', views: 10 })
    assert.equal((await app.request('/comments/1')).status, 404)
    const minimal = await app.request('/posts/2', { method: 'DELETE', headers: { prefer: 'return=minimal' } })
    assert.equal(minimal.status, 204)
  })
})

describe('copy on write', () => {
  test('records handed out are frozen and never change afterwards', async () => {
    const app = crmApp()
    const before = app.engine.get('customers', 1)
    assert.ok(Object.isFrozen(before))
    assert.throws(() => {
      ;(before as Record<string, unknown>).name = 'changed'
    })
    await app.request('/api/customers/1', json('PATCH', { name: 'Countess' }))
    assert.equal(before.name, 'Ada Lovelace')
    assert.equal(app.engine.get('customers', 1).name, 'Countess')
  })

  test('reset() returns to the seed', async () => {
    const app = crmMock()
    await app.request('/api/customers/1', { method: 'DELETE' })
    await app.reset()
    assert.equal((await app.request('/api/customers/1')).status, 200)
    assert.equal((await app.request('/api/invoices/1')).status, 200)
  })
})
