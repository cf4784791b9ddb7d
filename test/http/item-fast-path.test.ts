import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { createApp } from '../../src/http/app.ts'
import { itemFastPath } from '../../src/http/item-fast-path.ts'
import { Responder } from '../../src/http/reply.ts'
import { pathOf } from '../../src/http/request.ts'
import { simulatedCrm } from '../support/simulation-helpers.ts'

const ORIGIN = { origin: 'http://localhost:5173' }

/** Requests around the fast path's edges; each must get the same answer with and without it. */
const REQUESTS: Array<[string, RequestInit?]> = [
  ['/api/customers/1'],
  ['/api/customers/1', { headers: ORIGIN }],
  ['/api/customers/2', { headers: { 'if-none-match': '"nope"' } }],
  ['/api/customers/1?_fields=name'],
  ['/api/customers/1?'],
  ['/api/customers/1/'],
  ['/api/customers/999'],
  ['/api/customers/abc'],
  ['/api/customers/%31'],
  ['/api/notes/2f1c6b8e-8f0a-4c39-9d2e-0b3f6a1e5c7d'],
  ['/api/tags/t1', { headers: ORIGIN }],
  ['/api/settings/1'],
  ['/api/nothing/1'],
  ['/api/customers/1/invoices'],
  ['/customers/1'],
  ['/api/customers/1', { method: 'HEAD' }],
  ['/api/customers/1', { method: 'DELETE' }],
]

/** A list's weak ETag comes from its mock's write versions, which differ between two mocks: compare its form. */
async function answer(response: Response): Promise<unknown> {
  const headers = [...response.headers].map(([name, value]) =>
    name === 'etag' && value.startsWith('W/') ? [name, 'W/"list"'] : [name, value],
  )
  return { status: response.status, headers, body: await response.text() }
}

describe('GET by id fast path', () => {
  test('answers exactly as the regular routes do, for plain requests and every edge', async () => {
    for (const [path, init] of REQUESTS) {
      const fast = simulatedCrm()
      const regular = simulatedCrm()
      const viaFast = createApp({ engine: fast.engine })
      const viaRoutes = createApp({ engine: regular.engine, fastPath: false })
      const label = `${init?.method ?? 'GET'} ${path} ${JSON.stringify(init?.headers ?? {})}`
      assert.deepEqual(
        await answer(await viaFast.request(path, init)),
        await answer(await viaRoutes.request(path, init)),
        label,
      )
    }
  })

  test('takes only plain GETs of stored records; everything else goes to the routes', () => {
    const { engine } = simulatedCrm()
    const fast = itemFastPath(engine, new Responder(true))
    const taken = (url: string, init?: RequestInit): boolean => {
      const request = new Request(`http://localhost${url}`, init)
      return fast(request, undefined, pathOf(request.url)) !== undefined
    }
    assert.equal(taken('/api/customers/1'), true)
    assert.equal(taken('/api/tags/t1', { headers: ORIGIN }), true)
    for (const [path, init] of REQUESTS.slice(2)) {
      if (path === '/api/notes/2f1c6b8e-8f0a-4c39-9d2e-0b3f6a1e5c7d') continue
      if (path === '/api/tags/t1') continue
      assert.equal(taken(path, init), false, `${init?.method ?? 'GET'} ${path}`)
    }
  })

  test('a simulated request never takes it', async () => {
    const { app } = simulatedCrm({ resources: { customers: { errors: { rate: 1, status: 503 } } } })
    assert.equal((await app.request('/api/customers/1')).status, 503)
    const plain = simulatedCrm()
    assert.equal(
      (await plain.app.request('/api/customers/1', { headers: { prefer: 'status=502' } })).status,
      502,
    )
  })
})
