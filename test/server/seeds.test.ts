import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { createMock, type InProcessMock } from '../../src/index.ts'
import { json } from '../support/helpers.ts'

/** The shipped examples in seeds/ load, serve every seeded record, and behave as their README says. */

type Row = Record<string, unknown>

const seedPath = (name: string): string => fileURLToPath(new URL(`../../seeds/${name}`, import.meta.url))
const readSeed = (name: string): Record<string, Row[] | Row> =>
  JSON.parse(readFileSync(seedPath(name), 'utf8'))

const demoData = readSeed('restmock.data.json')
const dbJson = readSeed('db.json')
const demo = (): InProcessMock => createMock({ source: seedPath('restmock.yaml') })
const zeroConfig = (): InProcessMock => createMock({ source: seedPath('db.json') })

function rows(data: Record<string, Row[] | Row>, name: string): Row[] {
  const value = data[name]
  assert.ok(Array.isArray(value), `${name} is a collection in the seed data`)
  return value
}

async function getJson<T = Row>(app: InProcessMock, path: string): Promise<T> {
  const response = await app.request(path)
  assert.equal(response.status, 200, `GET ${path}`)
  return (await response.json()) as T
}

async function send(app: InProcessMock, method: string, path: string, body?: unknown): Promise<Response> {
  return body === undefined ? app.request(path, { method }) : app.request(path, json(method, body))
}

/** Asserts a 422 whose field errors point exactly at `pointers`. */
async function expectInvalid(response: Response, pointers: string[]): Promise<void> {
  assert.equal(response.status, 422)
  const problem = (await response.json()) as { code: string; errors: { pointer: string }[] }
  assert.equal(problem.code, 'validation_failed')
  assert.deepEqual(problem.errors.map((error) => error.pointer).sort(), [...pointers].sort())
}

async function expectCode(response: Response, status: number, code: string): Promise<void> {
  assert.equal(response.status, status)
  assert.equal(((await response.json()) as { code: string }).code, code)
}

async function servesEveryRecord(app: InProcessMock, data: Record<string, Row[] | Row>, basePath: string) {
  for (const [name, value] of Object.entries(data)) {
    const served = await getJson<Row | Row[]>(app, `${basePath}/${name}`)
    assert.deepEqual(served, value, `${basePath}/${name} serves the seed unchanged`)
    if (!Array.isArray(value)) continue
    for (const record of value) {
      const item = await getJson(app, `${basePath}/${name}/${encodeURIComponent(String(record.id))}`)
      assert.deepEqual(item, record)
    }
  }
}

describe('seeds/restmock.yaml (demo manifest)', () => {
  test('loads and serves every seeded record of every resource unchanged', async () => {
    await servesEveryRecord(demo(), demoData, '/api')
  })

  test('serves the count-only reviews resource; its records reference real customers', async () => {
    const app = demo()
    const customers = new Set(rows(demoData, 'customers').map((customer) => customer.id))
    for (const review of await getJson<Row[]>(app, '/api/reviews')) {
      assert.ok(customers.has(review.customerId), `review ${String(review.id)} has a real customer`)
      assert.ok(Number(review.rating) >= 1 && Number(review.rating) <= 5)
    }
    await expectInvalid(await send(app, 'POST', '/api/reviews', { customerId: 3, rating: 6 }), ['/rating'])
    const created = await send(app, 'POST', '/api/reviews', { customerId: 3, stylistId: 1, rating: 5 })
    assert.equal(created.status, 201)
  })

  test('customers: create with defaults, readOnly ignored; unique email; field rules', async () => {
    const app = demo()
    const response = await send(app, 'POST', '/api/customers', {
      firstName: 'Ana',
      lastName: 'Lima',
      email: 'ana.lima@example.com',
      phone: '+15035550199',
      loyaltyPoints: 5000,
    })
    assert.equal(response.status, 201)
    assert.equal(response.headers.get('location'), '/api/customers/13')
    const created = (await response.json()) as Row
    assert.equal(created.id, 13)
    assert.equal(created.loyaltyTier, 'standard')
    assert.equal(created.loyaltyPoints, 0, 'readOnly: the body cannot set it')
    assert.equal(created.marketingOptIn, false)
    assert.deepEqual(created.tags, [])
    assert.equal(typeof created.createdAt, 'string')

    const taken = { firstName: 'M', lastName: 'O', email: 'maya.okafor@example.com' }
    await expectCode(await send(app, 'POST', '/api/customers', taken), 409, 'conflict')
    await expectInvalid(
      await send(app, 'POST', '/api/customers', {
        firstName: '',
        email: 'not-an-email',
        phone: '503-555-0199',
        address: { street: '1 Main St', city: 'Portland', postalCode: 'ABCDE' },
        tags: ['a', 'b', 'c', 'd', 'e', 'f'],
      }),
      ['/firstName', '/lastName', '/email', '/phone', '/address/postalCode', '/tags'],
    )
  })

  test('customers: invoices restrict the delete; without invoices, appointments cascade', async () => {
    const app = demo()
    await expectCode(await send(app, 'DELETE', '/api/customers/1'), 409, 'conflict')
    await getJson(app, '/api/customers/1')

    const before = rows(demoData, 'appointments')
    assert.ok(before.some((appointment) => appointment.customerId === 2))
    assert.equal((await send(app, 'DELETE', '/api/customers/2')).status, 204)
    const after = await getJson<Row[]>(app, '/api/appointments')
    assert.deepEqual(
      after.map((appointment) => appointment.id),
      before.filter((appointment) => appointment.customerId !== 2).map((appointment) => appointment.id),
    )
  })

  test('stylists: deleting one sets stylistId to null on their appointments', async () => {
    const app = demo()
    const theirs = rows(demoData, 'appointments').filter((appointment) => appointment.stylistId === 2)
    assert.ok(theirs.length > 0)
    assert.equal((await send(app, 'DELETE', '/api/stylists/2')).status, 204)
    for (const appointment of theirs) {
      const now = await getJson(app, `/api/appointments/${String(appointment.id)}`)
      assert.equal(now.stylistId, null)
    }
    await expectInvalid(
      await send(app, 'POST', '/api/stylists', { name: 'Kai', email: 'kai@x.example', specialties: [] }),
      ['/specialties'],
    )
  })

  test('services: slug ids, restrict while booked, exclusive minimum price', async () => {
    const app = demo()
    assert.equal((await getJson(app, '/api/services/balayage')).price, 245)
    await expectCode(await send(app, 'DELETE', '/api/services/balayage'), 409, 'conflict')
    assert.equal((await send(app, 'DELETE', '/api/services/bridal-styling')).status, 204, 'never booked')

    const service = { name: 'Beard trim', category: 'cut', durationMinutes: 15, price: 20 }
    const created = await send(app, 'POST', '/api/services', service)
    assert.equal(created.status, 201)
    assert.equal(typeof ((await created.json()) as Row).id, 'string')
    await expectInvalid(
      await send(app, 'POST', '/api/services', { ...service, name: 'Free trim', price: 0 }),
      ['/price'],
    )
  })

  test('appointments: uuid ids, refs checked, enum and bounds, PATCH with If-Match', async () => {
    const app = demo()
    const booking = {
      customerId: 12,
      serviceId: 'mens-cut',
      stylistId: 3,
      startsAt: '2026-12-15T10:00:00-08:00',
      durationMinutes: 30,
    }
    const response = await send(app, 'POST', '/api/appointments', booking)
    assert.equal(response.status, 201)
    const created = (await response.json()) as Row
    assert.match(String(created.id), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    assert.equal(created.status, 'booked')
    assert.equal(response.headers.get('location'), `/api/appointments/${String(created.id)}`)

    await expectInvalid(await send(app, 'POST', '/api/appointments', { ...booking, customerId: 999 }), [
      '/customerId',
    ])
    await expectInvalid(
      await send(app, 'POST', '/api/appointments', { ...booking, durationMinutes: 10, status: 'pending' }),
      ['/durationMinutes', '/status'],
    )

    const item = await app.request(`/api/appointments/${String(created.id)}`)
    const etag = item.headers.get('etag')!
    const patched = await app.request(
      `/api/appointments/${String(created.id)}`,
      json('PATCH', { status: 'confirmed' }, { 'if-match': etag }),
    )
    assert.equal(patched.status, 200)
    assert.equal(((await patched.json()) as Row).status, 'confirmed')
    const stale = await app.request(
      `/api/appointments/${String(created.id)}`,
      json('PATCH', { status: 'cancelled' }, { 'if-match': etag }),
    )
    await expectCode(stale, 412, 'precondition_failed')
  })

  test('invoices: deleting the appointment sets appointmentId to null; lines and amounts are checked', async () => {
    const app = demo()
    const invoice = rows(demoData, 'invoices').find((candidate) => candidate.appointmentId !== null)!
    assert.equal(
      (await send(app, 'DELETE', `/api/appointments/${String(invoice.appointmentId)}`)).status,
      204,
    )
    assert.equal((await getJson(app, `/api/invoices/${String(invoice.id)}`)).appointmentId, null)

    const draft = {
      number: 'INV-2026-0200',
      customerId: 4,
      lines: [{ description: "Men's cut", quantity: 1, unitPrice: 45 }],
      amount: 45,
      dueDate: '2026-12-10',
    }
    const created = await send(app, 'POST', '/api/invoices', draft)
    assert.equal(created.status, 201)
    assert.equal(((await created.json()) as Row).status, 'draft')
    await expectCode(await send(app, 'POST', '/api/invoices', draft), 409, 'conflict')
    await expectInvalid(
      await send(app, 'POST', '/api/invoices', {
        ...draft,
        number: 'INV-26-1',
        lines: [],
        amount: -1,
        dueDate: '10/12/2026',
      }),
      ['/number', '/lines', '/amount', '/dueDate'],
    )
    const paid = await send(app, 'PATCH', '/api/invoices/9', {
      status: 'paid',
      paidAt: '2026-11-26T12:00:00Z',
    })
    assert.equal(paid.status, 200)
    assert.equal(((await paid.json()) as Row).status, 'paid')
  })

  test('settings: singleton merge patch, nested rules, additional fields allowed', async () => {
    const app = demo()
    const patched = await send(app, 'PATCH', '/api/settings', {
      openingHours: { monday: { open: '10:00', close: '15:00' } },
      kioskMode: true,
    })
    assert.equal(patched.status, 200)
    const settings = (await patched.json()) as { openingHours: Row; kioskMode: boolean }
    assert.deepEqual(settings.openingHours.monday, { open: '10:00', close: '15:00' })
    assert.deepEqual(settings.openingHours.tuesday, { open: '09:00', close: '18:00' })
    assert.equal(settings.kioskMode, true)

    await expectInvalid(
      await send(app, 'PATCH', '/api/settings', {
        openingHours: { sunday: { open: '25:00', close: '12:00' } },
      }),
      ['/openingHours/sunday/open'],
    )
    await expectInvalid(await send(app, 'PUT', '/api/settings', { timezone: 'UTC', openingHours: {} }), [
      '/businessName',
    ])
  })
})

describe('seeds/db.json (zero-config)', () => {
  test('loads and serves every record unchanged, numeric ids numeric', async () => {
    const app = zeroConfig()
    await servesEveryRecord(app, dbJson, '')
    assert.equal((await getJson(app, '/posts/1')).id, 1)
    assert.equal((await getJson(app, '/tags/intro')).id, 'intro')
  })

  test('POST continues numeric ids, generates string ids, accepts any object body', async () => {
    const app = zeroConfig()
    const post = await send(app, 'POST', '/posts', { title: 'New', extra: { nested: [1, 2] } })
    assert.equal(post.status, 201)
    assert.equal(((await post.json()) as Row).id, rows(dbJson, 'posts').length + 1)
    const tag = await send(app, 'POST', '/tags', { label: 'News' })
    assert.equal(tag.status, 201)
    assert.equal(typeof ((await tag.json()) as Row).id, 'string')
  })

  test('DELETE answers the deleted record and removes dependents by the <singular>Id convention', async () => {
    const app = zeroConfig()
    const deleted = await send(app, 'DELETE', '/posts/1')
    assert.equal(deleted.status, 200)
    assert.deepEqual(await deleted.json(), rows(dbJson, 'posts')[0])
    const comments = await getJson<Row[]>(app, '/comments')
    assert.deepEqual(
      comments.map((comment) => comment.id),
      rows(dbJson, 'comments')
        .filter((comment) => comment.postId !== 1)
        .map((comment) => comment.id),
    )
  })

  test('the profile singleton can be replaced and patched', async () => {
    const app = zeroConfig()
    assert.equal((await send(app, 'PUT', '/profile', { name: 'Renamed' })).status, 200)
    const patched = await send(app, 'PATCH', '/profile', { theme: 'dark' })
    assert.deepEqual(await patched.json(), { name: 'Renamed', theme: 'dark' })
  })
})
