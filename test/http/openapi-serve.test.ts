import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { createMock, startMock } from '../../src/index.ts'
import { tempDir } from '../support/cli-helpers.ts'
import { expectProblem, json } from '../support/helpers.ts'

const fixture = (name: string): string =>
  fileURLToPath(new URL(`../fixtures/openapi/${name}`, import.meta.url))

describe('serving the Petstore 3.0 document', () => {
  const mock = () => createMock({ source: fixture('petstore.yaml'), seed: 1 })
  // addPet and updatePet declare petstore_auth (oauth2), getInventory an api_key header: the schemes
  // map onto the auth simulation, with demo credentials
  const bearer = { authorization: 'Bearer demo-token' }

  test('operations declaring security need a well-formed credential of that kind (401 otherwise)', async () => {
    const app = mock()
    const refused = await app.request('/api/v3/pet', json('POST', { name: 'Rex', photoUrls: [] }))
    const problem = await expectProblem(refused, 401, 'unauthenticated')
    assert.match(problem.detail, /Authorization: Bearer/)
    assert.equal(refused.headers.get('www-authenticate'), 'Bearer realm="restmock"')
    await expectProblem(await app.request('/api/v3/store/inventory'), 401, 'unauthenticated')
    const bad = { authorization: 'Basic abc' }
    await expectProblem(await app.request('/api/v3/pet', json('POST', {}, bad)), 401, 'unauthenticated')
    assert.equal((await app.request('/api/v3/pet/1')).status, 200)
  })

  test('the security schemes are the auth simulation: demo credentials, real tokens, unknown ones refused', async () => {
    const app = mock()
    const pet = { name: 'Rex', photoUrls: [] }
    const unknown = await app.request('/api/v3/pet', json('POST', pet, { authorization: 'Bearer made-up' }))
    await expectProblem(unknown, 401, 'unauthenticated')
    assert.match(unknown.headers.get('www-authenticate') ?? '', /error="invalid_token"/)
    assert.equal((await app.request('/api/v3/pet', json('POST', pet, bearer))).status, 200)
    // the OAuth 2 scheme is the token endpoint: the demo client gets a JWT that the resource accepts
    const issued = await app.request('/__restmock/oauth/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&client_id=demo-client&client_secret=demo-secret',
    })
    assert.equal(issued.status, 200)
    const { access_token: token, scope } = (await issued.json()) as { access_token: string; scope: string }
    assert.deepEqual(scope.split(' ').sort(), ['read:pets', 'write:pets'])
    const withJwt = { authorization: `Bearer ${token}` }
    assert.equal((await app.request('/api/v3/pet', json('POST', pet, withJwt))).status, 200)
  })

  test('pets are a stateful resource: create, read, update, delete', async () => {
    const app = mock()
    const created = await app.request(
      '/api/v3/pet',
      json('POST', { name: 'Rex', photoUrls: ['a.png'] }, bearer),
    )
    // the document declares 200 for addPet
    assert.equal(created.status, 200)
    assert.match(created.headers.get('location') ?? '', /^\/api\/v3\/pet\/\d+$/)
    const pet = (await created.json()) as { id: number; name: string }
    const read = await app.request(`/api/v3/pet/${pet.id}`)
    assert.equal(read.status, 200)
    assert.equal(((await read.json()) as { name: string }).name, 'Rex')
    // every write to a resource whose writes declare security needs a credential, PATCH included
    const unsigned = await app.request(`/api/v3/pet/${pet.id}`, json('PATCH', { status: 'sold' }))
    await expectProblem(unsigned, 401, 'unauthenticated')
    const patched = await app.request(`/api/v3/pet/${pet.id}`, json('PATCH', { status: 'sold' }, bearer))
    assert.equal(((await patched.json()) as { status: string }).status, 'sold')
    // the document declares 200 (no body) for deletePet
    const deleted = await app.request(`/api/v3/pet/${pet.id}`, { method: 'DELETE', headers: bearer })
    assert.equal(deleted.status, 200)
    assert.equal(await deleted.text(), '')
    await expectProblem(await app.request(`/api/v3/pet/${pet.id}`), 404, 'not_found')
  })

  test('a body breaking the schema is a 422 naming the field', async () => {
    const app = mock()
    const problem = await expectProblem(
      await app.request('/api/v3/pet', json('POST', { name: 'Rex', status: 'lost' }, bearer)),
      422,
      'validation_failed',
    )
    const pointers = problem.errors?.map((e) => e.pointer).sort()
    assert.deepEqual(pointers, ['/photoUrls', '/status'])
  })

  test('list queries work on a resource the document never lists', async () => {
    const app = mock()
    const response = await app.request('/api/v3/pet?_limit=3&_page=1')
    assert.equal(response.status, 200)
    assert.equal(((await response.json()) as unknown[]).length, 3)
    assert.equal(response.headers.get('x-total-count'), '10')
  })

  test('examples are seed records, served under the document path (/store/order) and the resource path', async () => {
    const app = mock()
    const order = await app.request('/api/v3/store/order/10')
    assert.equal(order.status, 200)
    assert.deepEqual(await order.json(), { id: 10, quantity: 7, status: 'approved' })
    assert.equal((await app.request('/api/v3/order/10')).status, 200)
    // created under the document path: Location names that path, and it reads back
    const placed = await app.request('/api/v3/store/order', json('POST', { quantity: 2, status: 'placed' }))
    const location = placed.headers.get('location') ?? ''
    assert.match(location, /^\/api\/v3\/store\/order\/\d+$/)
    assert.equal((await app.request(location)).status, 200)
    const user = await app.request('/api/v3/user/theUser')
    assert.equal(((await user.json()) as { firstName: string }).firstName, 'John')
  })

  test('a stateless operation answers its example', async () => {
    const app = mock()
    const response = await app.request('/api/v3/store/inventory', { headers: { api_key: 'demo-api-key' } })
    assert.equal(response.status, 200)
    assert.deepEqual(await response.json(), { available: 7, pending: 2, sold: 11 })
    const login = await app.request('/api/v3/user/login?username=a&password=b')
    assert.equal(await login.json(), 'logged in user session:1234567890')
  })

  test('a stateless operation checks its credential with the auth simulation too', async () => {
    const app = mock()
    const inventory = (headers: Record<string, string>) => app.request('/api/v3/store/inventory', { headers })
    await expectProblem(await inventory({}), 401, 'unauthenticated')
    await expectProblem(await inventory({ api_key: 'made-up' }), 401, 'unauthenticated')
    assert.equal((await inventory({ api_key: 'demo-api-key' })).status, 200)
    // getInventory's alternative is the API key alone: a token for the OAuth scheme is a credential too
    assert.equal((await inventory(bearer)).status, 200)
  })

  test('literal paths win over the item route: /pet/findByStatus is not pet "findByStatus"', async () => {
    const app = mock()
    const response = await app.request('/api/v3/pet/findByStatus?status=sold')
    assert.equal(response.status, 200)
    const pets = (await response.json()) as { name: string }[]
    assert.ok(Array.isArray(pets) && pets.length > 0)
    assert.equal(pets[0]!.name, 'doggie')
  })

  test('a query parameter breaking its schema is a 400', async () => {
    const app = mock()
    const problem = await expectProblem(
      await app.request('/api/v3/pet/findByStatus?status=lost'),
      400,
      'invalid_query',
    )
    assert.equal(problem.errors?.[0]?.pointer, '/query/status')
    await expectProblem(
      await app.request('/api/v3/pet/abc/uploadImage', { method: 'POST' }),
      400,
      'bad_request',
    )
  })

  test('generated answers are seeded: the same seed answers the same body', async () => {
    const first = await (await mock().request('/api/v3/pet/findByTags')).text()
    const second = await (await mock().request('/api/v3/pet/findByTags')).text()
    assert.equal(first, second)
  })

  test('a form body is accepted and validated as an object', async () => {
    const app = mock()
    const form = { 'content-type': 'application/x-www-form-urlencoded', ...bearer }
    const good = await app.request('/api/v3/pet', {
      method: 'PUT',
      headers: form,
      body: 'name=Rex&photoUrls=a.png',
    })
    assert.equal(good.status, 200)
    const bad = await app.request('/api/v3/pet', { method: 'PUT', headers: form, body: 'status=lost' })
    await expectProblem(bad, 422, 'validation_failed')
  })

  test('a form body on a resource route (addPet declares one) creates the record, values read by the schema', async () => {
    const app = mock()
    const form = { 'content-type': 'application/x-www-form-urlencoded', ...bearer }
    const created = await app.request('/api/v3/pet', {
      method: 'POST',
      headers: form,
      body: 'name=Rex&photoUrls=a.png&status=sold',
    })
    assert.equal(created.status, 200, await created.clone().text())
    const pet = (await created.json()) as { id: number; name: string; photoUrls: string[]; status: string }
    assert.equal(pet.name, 'Rex')
    assert.deepEqual(pet.photoUrls, ['a.png'])
    assert.equal(pet.status, 'sold')
    const multipart = new FormData()
    multipart.set('name', 'Tom')
    multipart.set('photoUrls', 'b.png')
    const viaMultipart = await app.request('/api/v3/pet', {
      method: 'POST',
      headers: bearer,
      body: multipart,
    })
    assert.equal(viaMultipart.status, 200, await viaMultipart.clone().text())
    const bad = await app.request('/api/v3/pet', {
      method: 'POST',
      headers: form,
      body: 'name=Rex&status=lost',
    })
    await expectProblem(bad, 422, 'validation_failed')
    // the body limit holds for forms, and a multipart body that cannot be read is the client's problem
    const small = createMock({ source: fixture('petstore.yaml'), seed: 1, bodyLimit: 64 })
    const big = `name=${'x'.repeat(100)}&photoUrls=a.png`
    await expectProblem(
      await small.request('/api/v3/pet', { method: 'POST', headers: form, body: big }),
      413,
      'payload_too_large',
    )
    const broken = await app.request('/api/v3/pet', {
      method: 'POST',
      headers: { ...bearer, 'content-type': 'multipart/form-data; boundary=nope' },
      body: 'not multipart at all',
    })
    await expectProblem(broken, 400, 'invalid_body')
  })

  test('--base-path (the basePath option) overrides the server URL, for resources and operations', async () => {
    const app = createMock({ source: fixture('petstore.yaml'), seed: 1, basePath: '/v9' })
    assert.equal((await app.request('/v9/pet/1')).status, 200)
    assert.equal((await app.request('/v9/user/logout')).status, 200)
    assert.equal((await app.request('/v9/store/order/10')).status, 200)
    assert.equal((await app.request('/api/v3/pet/1')).status, 404)
  })

  test('the admin API and simulation work as on a manifest', async () => {
    const app = mock()
    const failed = await app.request('/api/v3/store/inventory', {
      headers: { prefer: 'status=503', api_key: 'demo-api-key' },
    })
    assert.equal(failed.status, 503)
    const info = await app.request('/__restmock')
    assert.equal(info.status, 200)
  })
})

describe('serving other documents', () => {
  test("a list declared as an envelope answers it, paged by the document's own parameters", async () => {
    const app = createMock({ source: fixture('shapes.yaml'), seed: 2 })
    const page = await app.request('/articles?page=2&limit=3')
    assert.equal(page.status, 200)
    const body = (await page.json()) as Record<string, unknown>
    assert.equal(body.object, 'list')
    assert.deepEqual([body.page, body.limit, body.total, body.has_more], [2, 3, 10, true])
    assert.equal(body.next, '/articles?page=3&limit=3')
    assert.equal((body.data as unknown[]).length, 3)
    const all = (await (await app.request('/articles')).json()) as Record<string, unknown>
    assert.equal((all.data as unknown[]).length, 10)
    assert.equal(all.next, null)
  })

  test('3.1 with a oneOf body: each alternative validates as such', async () => {
    const app = createMock({ source: fixture('shapes.yaml') })
    const payment = (body: unknown) => app.request('/payments', json('POST', body))
    assert.equal((await payment({ cardNumber: '4111111111111111' })).status, 200)
    assert.equal((await payment({ iban: 'DE89370400440532013000' })).status, 200)
    await expectProblem(await payment({ cardNumber: '4111' }), 422, 'validation_failed')
    const vehicle = await app.request('/vehicles', json('POST', { name: 'Bus', wheels: 1 }))
    await expectProblem(vehicle, 422, 'validation_failed')
  })

  test('3.1: nested collection paths and a 202 answer from examples', async () => {
    const app = createMock({ source: fixture('library-3.1.yaml'), seed: 3 })
    const author = (await (
      await app.request('/v2/authors', json('POST', { name: 'Ada', email: null }))
    ).json()) as {
      id: string
    }
    const book = await app.request('/v2/books', json('POST', { title: 'Notes', authorId: author.id }))
    assert.equal(book.status, 201)
    const books = (await (await app.request(`/v2/authors/${author.id}/books`)).json()) as unknown[]
    assert.equal(books.length, 1)
    const borrowed = await app.request('/v2/books/1/borrow', json('POST', { memberId: 'm1', days: 7 }))
    assert.equal(borrowed.status, 202)
    assert.equal(((await borrowed.json()) as { dueDate: string }).dueDate, '2026-12-14')
    await expectProblem(await app.request('/v2/search?q=a'), 400, 'invalid_query')
    await expectProblem(await app.request('/v2/search'), 400, 'invalid_query')
  })

  const running: { close(): Promise<void> }[] = []
  after(() => Promise.all(running.map((mock) => mock.close())))

  test('startMock resolves $refs to other files and circular ones', async () => {
    const mock = await startMock({ source: fixture('catalog.yaml'), seed: 5 })
    running.push(mock)
    const created = await fetch(`${mock.url}/categories`, json('POST', { name: 'Tools' }))
    assert.equal(created.status, 201)
    const product = await fetch(
      `${mock.url}/products`,
      json('POST', { name: 'Saw', price: 0, categoryId: 1 }),
    )
    assert.equal(product.status, 422)
    const ok = await fetch(
      `${mock.url}/products`,
      json('POST', { name: 'Saw', price: 9.5, categoryId: 1, dimensions: { width: 1 } }),
    )
    assert.equal(ok.status, 201)
    const tree = await fetch(`${mock.url}/tree`)
    assert.equal(tree.status, 200)
    assert.equal(typeof ((await tree.json()) as { label: unknown }).label, 'string')
  })
})

test('a delete declared 200 with a body answers 200 and the deleted record', async () => {
  const dir = await tempDir()
  const source = join(dir, 'notes.yaml')
  await writeFile(
    source,
    `openapi: 3.1.0
info: { title: Notes, version: "1" }
paths:
  /notes:
    post:
      requestBody: { content: { application/json: { schema: { $ref: "#/components/schemas/Note" } } } }
      responses: { "201": { description: created } }
  /notes/{id}:
    get:
      parameters: [{ name: id, in: path, required: true, schema: { type: integer } }]
      responses: { "200": { description: one, content: { application/json: { schema: { $ref: "#/components/schemas/Note" } } } } }
    delete:
      parameters: [{ name: id, in: path, required: true, schema: { type: integer } }]
      responses: { "200": { description: the deleted note, content: { application/json: { schema: { $ref: "#/components/schemas/Note" } } } } }
components:
  schemas:
    Note:
      type: object
      properties: { id: { type: integer, readOnly: true }, text: { type: string } }
`,
  )
  const app = createMock({ source })
  const created = (await (await app.request('/notes', json('POST', { text: 'keep me' }))).json()) as {
    id: number
  }
  const deleted = await app.request(`/notes/${created.id}`, { method: 'DELETE' })
  assert.equal(deleted.status, 200)
  assert.deepEqual(await deleted.json(), { id: created.id, text: 'keep me' })
  await expectProblem(await app.request(`/notes/${created.id}`), 404, 'not_found')
  await expectProblem(await app.request(`/notes/${created.id}`, { method: 'DELETE' }), 404, 'not_found')
})

test('a create declaring another answer than the record answers that shape, filled from the stored record', async () => {
  const dir = await tempDir()
  const source = join(dir, 'shop.yaml')
  await writeFile(
    source,
    `openapi: 3.1.0
info: { title: Shop, version: "1" }
paths:
  /things:
    post:
      requestBody: { content: { application/json: { schema: { $ref: "#/components/schemas/Thing" } } } }
      responses:
        "201":
          description: wrapped
          content: { application/json: { schema: { type: object, properties: { data: { $ref: "#/components/schemas/Thing" }, ok: { type: boolean } } } } }
  /things/{id}:
    get:
      parameters: [{ name: id, in: path, required: true, schema: { type: integer } }]
      responses: { "200": { description: one, content: { application/json: { schema: { $ref: "#/components/schemas/Thing" } } } } }
  /orders:
    post:
      requestBody: { content: { application/json: { schema: { $ref: "#/components/schemas/Order" } } } }
      responses:
        "201":
          description: a receipt
          content: { application/json: { schema: { type: object, properties: { id: { type: integer }, status: { type: string } } } } }
  /orders/{id}:
    get:
      parameters: [{ name: id, in: path, required: true, schema: { type: integer } }]
      responses: { "200": { description: one, content: { application/json: { schema: { $ref: "#/components/schemas/Order" } } } } }
components:
  schemas:
    Thing:
      type: object
      properties: { id: { type: integer, readOnly: true }, name: { type: string } }
    Order:
      type: object
      properties: { id: { type: integer, readOnly: true }, item: { type: string }, status: { type: string } }
`,
  )
  const app = createMock({ source })
  const thing = await app.request('/things', json('POST', { name: 'lamp' }))
  assert.equal(thing.status, 201)
  const wrapped = (await thing.json()) as { data: { id: number; name: string } }
  assert.deepEqual(wrapped, { data: { id: wrapped.data.id, name: 'lamp' } })
  assert.match(thing.headers.get('location') ?? '', /^\/things\/\d+$/)
  const order = await app.request('/orders', json('POST', { item: 'lamp', status: 'placed' }))
  const receipt = (await order.json()) as { id: number }
  assert.deepEqual(receipt, { id: receipt.id, status: 'placed' })
  // the record itself is stored whole
  assert.deepEqual(await (await app.request(`/orders/${receipt.id}`)).json(), {
    id: receipt.id,
    item: 'lamp',
    status: 'placed',
  })
})

test('with auth off, an OpenAPI document asks for no credentials at all', async () => {
  const app = createMock({ source: fixture('petstore.yaml'), seed: 1, auth: false })
  const created = await app.request('/api/v3/pet', json('POST', { name: 'Rex', photoUrls: [] }))
  assert.equal(created.status, 200)
  assert.equal((await app.request('/api/v3/store/inventory')).status, 200)
})
