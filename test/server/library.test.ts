import assert from 'node:assert/strict'
import { copyFile, mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import {
  AdminApiError,
  ConfigError,
  connectMock,
  createMock,
  type InProcessMock,
  type Mock,
  startMock,
} from '../../src/index.ts'

const fixture = (name: string): string =>
  fileURLToPath(new URL(`../support/fixtures/${name}`, import.meta.url))
const SEED_DB = fileURLToPath(new URL('../../seeds/db.json', import.meta.url))

const running: Mock[] = []
const dirs: string[] = []
after(async () => {
  await Promise.all(running.splice(0).map((mock) => mock.close()))
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })))
})

async function crm(options: { adminToken?: string } = {}): Promise<Mock> {
  const mock = await startMock({
    manifest: await readFile(fixture('crm.yaml'), 'utf8'),
    data: JSON.parse(await readFile(fixture('crm.data.json'), 'utf8')),
    ...options,
  })
  running.push(mock)
  return mock
}

function post(body: unknown): RequestInit {
  return { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }
}

async function rejectsWithProblem(
  promise: Promise<unknown>,
  status: number,
  code: string,
): Promise<AdminApiError> {
  let caught: unknown
  await promise.catch((error: unknown) => {
    caught = error
  })
  assert.ok(caught instanceof AdminApiError, `expected an AdminApiError, got ${String(caught)}`)
  assert.equal(caught.status, status)
  assert.equal(caught.code, code)
  assert.equal(caught.problem.status, status)
  assert.equal(caught.detail, caught.problem.detail)
  return caught
}

describe('startMock', () => {
  test('listens on a free port in memory: a db.json source and its folder are left untouched', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'restmock-library-'))
    dirs.push(dir)
    const source = join(dir, 'db.json')
    await copyFile(SEED_DB, source)
    const before = await readFile(source, 'utf8')

    const mock = await startMock({ source })
    running.push(mock)
    assert.notEqual(mock.port, 3000)
    assert.ok(mock.port > 0)
    assert.equal(mock.url, `http://127.0.0.1:${mock.port}`)
    assert.equal(typeof mock.seed, 'number')
    const created = await fetch(`${mock.url}/posts`, post({ title: 'written in memory' }))
    assert.equal(created.status, 201)
    assert.equal(await mock.requests.count({ method: 'POST', path: '/posts' }), 1)
    await mock.close()
    await mock.close() // a second close is harmless

    assert.deepEqual(await readdir(dir), ['db.json'])
    assert.equal(await readFile(source, 'utf8'), before)
  })

  test('with db given, state is kept in that file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'restmock-library-'))
    dirs.push(dir)
    const db = join(dir, 'state.json')
    const mock = await startMock({ source: fixture('crm.yaml'), data: {}, db })
    running.push(mock)
    await fetch(`${mock.url}/api/customers`, post({ name: 'Kept', email: 'kept@example.com' }))
    await mock.close()
    const saved = JSON.parse(await readFile(db, 'utf8')) as { customers: { name: string }[] }
    assert.ok(saved.customers.some((customer) => customer.name === 'Kept'))
  })

  test('faults: add, list, remove, clear; an added fault fails the next matching request', async () => {
    const mock = await crm()
    const fault = await mock.faults.add({ method: 'POST', path: '/invoices', status: 503, times: 1 })
    assert.equal(fault.status, 503)
    assert.equal(fault.remaining, 1)
    assert.equal((await fetch(`${mock.url}/api/invoices`, post({ customerId: 1, amount: 5 }))).status, 503)
    assert.equal((await fetch(`${mock.url}/api/invoices`, post({ customerId: 1, amount: 5 }))).status, 201)
    const [listed] = await mock.faults.list()
    assert.equal(listed?.id, fault.id)
    assert.equal(listed?.applied, 1)
    assert.equal(listed?.remaining, 0)

    const other = await mock.faults.add({ path: '/customers/:id', fault: 'reset', after: 2 })
    await mock.faults.remove(other.id)
    assert.deepEqual(
      (await mock.faults.list()).map((each) => each.id),
      [fault.id],
    )
    await rejectsWithProblem(mock.faults.remove(other.id), 404, 'not_found')
    await mock.faults.clear()
    assert.deepEqual(await mock.faults.list(), [])
  })

  test('a bad fault rejects with the problem: status, code, detail and field errors', async () => {
    const mock = await crm()
    const error = await rejectsWithProblem(
      mock.faults.add({ path: '/invoices', status: 200 }),
      422,
      'validation_failed',
    )
    assert.equal(error.problem.errors?.[0]?.pointer, '/status')
    assert.match(error.message, /POST \/__restmock\/faults failed: 422 validation_failed/)
    assert.match(error.message, /\/status: must be an HTTP error status/)
  })

  test('simulation: get, set, clear, and one resource', async () => {
    const mock = await crm()
    assert.deepEqual(await mock.simulation.get(), {})
    assert.deepEqual(await mock.simulation.set({ errors: { rate: 1, status: 502 } }), {
      errors: { rate: 1, status: 502, retryAfter: 1 },
    })
    assert.equal((await fetch(`${mock.url}/api/customers`)).status, 502)
    assert.deepEqual(await mock.simulation.set({}), {})
    assert.equal((await fetch(`${mock.url}/api/customers`)).status, 200)

    const invoices = mock.simulation.resource('invoices')
    assert.deepEqual(await invoices.set({ errors: { rate: 1, status: 500 } }), {
      errors: { rate: 1, status: 500, retryAfter: 1 },
    })
    assert.deepEqual(await invoices.get(), { errors: { rate: 1, status: 500, retryAfter: 1 } })
    assert.equal((await fetch(`${mock.url}/api/invoices`)).status, 500)
    assert.equal((await fetch(`${mock.url}/api/customers`)).status, 200)
    await mock.simulation.clear()
    assert.deepEqual(await invoices.get(), {})
    assert.equal((await fetch(`${mock.url}/api/invoices`)).status, 200)

    assert.deepEqual(
      await mock.simulation.routes.set({ 'POST /invoices': { errors: { rate: 1, status: 504 } } }),
      {
        'POST /invoices': { errors: { rate: 1, status: 504, retryAfter: 1 } },
      },
    )
    assert.equal((await fetch(`${mock.url}/api/invoices`, post({ customerId: 1, amount: 2 }))).status, 504)
    assert.equal((await fetch(`${mock.url}/api/invoices`)).status, 200)
    assert.deepEqual(await mock.simulation.routes.set({}), {})
    assert.deepEqual(await mock.simulation.routes.get(), {})

    await rejectsWithProblem(mock.simulation.resource('invoice').get(), 404, 'not_found')
    await rejectsWithProblem(mock.simulation.set({ latency: 'slow' }), 422, 'validation_failed')
  })

  test('requests: list and count with filters, clear', async () => {
    const mock = await crm()
    await fetch(`${mock.url}/api/customers?plan=pro`)
    await fetch(`${mock.url}/api/customers/99`)
    await fetch(`${mock.url}/api/invoices`, post({ customerId: 1, amount: 3 }))

    assert.equal(await mock.requests.count(), 3)
    assert.equal(await mock.requests.count({ method: 'post', path: '/invoices' }), 1)
    assert.equal(await mock.requests.count({ status: '4xx' }), 1)
    assert.equal(await mock.requests.count({ status: 404, path: '/customers/:id' }), 1)
    const [entry] = await mock.requests.list({ method: 'POST' })
    assert.equal(entry?.path, '/api/invoices')
    assert.equal(entry?.status, 201)
    assert.deepEqual(entry?.requestBody, { customerId: 1, amount: 3 })
    assert.equal(entry?.response?.status, 201)
    assert.equal((entry?.response?.body as { amount?: number } | undefined)?.amount, 3)
    assert.ok(!Number.isNaN(Date.parse(entry?.time ?? '')))
    assert.deepEqual((await mock.requests.list({ path: '/customers' }))[0]?.query, { plan: 'pro' })

    await mock.requests.clear()
    assert.deepEqual(await mock.requests.list(), [])
    await rejectsWithProblem(mock.requests.count({ status: 'teapot' }), 400, 'invalid_query')
  })

  test('db: get and put the whole state; reset goes back to the seed', async () => {
    const mock = await crm()
    const state = await mock.db.get()
    assert.equal((state.customers as unknown[]).length, 2)
    await mock.db.put({
      ...state,
      customers: [{ id: 1, name: 'Only', email: 'only@example.com' }],
      invoices: [],
      notes: [],
      tags: [],
    })
    assert.equal(((await mock.db.get()).customers as unknown[]).length, 1)
    await rejectsWithProblem(mock.db.put({ customers: [{ id: 1 }] }), 422, 'validation_failed')

    await mock.faults.add({ path: '/customers', status: 500 })
    await mock.reset()
    assert.equal(((await mock.db.get()).customers as unknown[]).length, 2)
    assert.deepEqual(await mock.faults.list(), [])
    assert.equal(await mock.requests.count(), 0)
  })

  test('health answers ok', async () => {
    const mock = await crm()
    const health = await mock.health()
    assert.equal(health.status, 'ok')
    assert.equal(typeof health.uptimeSeconds, 'number')
  })

  test('with an adminToken, its own client sends it and others are refused', async () => {
    const mock = await crm({ adminToken: 'sesame' })
    assert.equal((await mock.health()).status, 'ok')
    await rejectsWithProblem(connectMock(mock.url).health(), 401, 'unauthenticated')
    assert.equal((await connectMock(mock.url, { adminToken: 'sesame' }).health()).status, 'ok')
  })
})

describe('connectMock', () => {
  test('drives a mock running elsewhere: the same state, faults and journal', async () => {
    const mock = await crm()
    const remote = connectMock(mock.url)
    await remote.faults.add({ method: 'GET', path: '/customers', status: 503 })
    assert.equal((await mock.faults.list()).length, 1)
    assert.equal((await fetch(`${mock.url}/api/customers`)).status, 503)
    assert.equal(await remote.requests.count({ status: 503 }), 1)
    await remote.reset()
    assert.equal(await mock.requests.count(), 0)
    assert.equal(((await remote.db.get()).customers as unknown[]).length, 2)
    assert.equal((await connectMock(new URL(`${mock.url}/`)).health()).status, 'ok')
  })

  test('a url that is not a mock root is a ConfigError', () => {
    assert.throws(() => connectMock('localhost:3000'), ConfigError)
    assert.throws(() => connectMock('not a url'), /connectMock: the url "not a url" is not a valid URL/)
    assert.throws(() => connectMock('http://127.0.0.1:3000/api'), /must have no path/)
    assert.throws(() => connectMock(3000 as unknown as string), /must be a string, got number 3000/)
    assert.throws(
      () => connectMock('http://127.0.0.1:3000', { token: 'x' } as never),
      /options.token is not an option/,
    )
  })
})

describe('createMock', () => {
  const make = async (): Promise<InProcessMock> =>
    createMock({
      manifest: await readFile(fixture('crm.yaml'), 'utf8'),
      data: JSON.parse(await readFile(fixture('crm.data.json'), 'utf8')),
    })

  test('answers request() with a path or a Request, and fetch()', async () => {
    const mock = await make()
    assert.equal(mock.seed, 7)
    assert.equal((await mock.request('/api/customers/1')).status, 200)
    assert.equal((await mock.request('/api/invoices', post({ customerId: 1, amount: 1 }))).status, 201)
    assert.equal((await mock.request(new Request('http://localhost/api/invoices'))).status, 200)
    const fetched = await mock.fetch(new Request('http://localhost/api/invoices/3'))
    assert.equal(((await fetched.json()) as { amount: number }).amount, 1)
  })

  test('has the same admin client, in process', async () => {
    const mock = await make()
    await mock.faults.add({ method: 'DELETE', path: '/customers/:id', status: 409 })
    assert.equal((await mock.request('/api/customers/2', { method: 'DELETE' })).status, 409)
    assert.equal(await mock.requests.count({ method: 'DELETE' }), 1)
    await mock.simulation.set({ errors: 1 })
    assert.equal((await mock.request('/api/customers')).status, 500)
    await mock.reset()
    assert.equal((await mock.request('/api/customers')).status, 200)
    assert.equal(((await mock.db.get()).customers as unknown[]).length, 2)
    assert.equal((await mock.health()).status, 'ok')
  })
})

describe('bad arguments are a ConfigError naming the option', () => {
  const cases: Array<[string, unknown, RegExp]> = [
    [
      'a manifest object as source',
      { source: { resources: {} } },
      /^options\.source must be a file path \(string\), got an object; pass a manifest object as options\.manifest$/,
    ],
    [
      'a port that is not a number',
      { data: {}, port: 'x' },
      /^options\.port must be a port from 0 to 65535 \(0 picks a free one\), got the string "x"$/,
    ],
    ['a fractional seed', { data: {}, seed: 1.5 }, /^options\.seed must be an integer, got number 1\.5$/],
    ['an unknown key', { data: {}, prot: 0 }, /^options\.prot is not an option \(did you mean "port"\?\)$/],
    [
      'a log that is not a function',
      { data: {}, log: true },
      /^options\.log must be a function, got boolean true$/,
    ],
    [
      'options that are not an object',
      'db.json',
      /^startMock needs an options object .*, got the string "db\.json"$/,
    ],
  ]
  for (const [name, options, message] of cases) {
    test(`startMock: ${name}`, async () => {
      await assert.rejects(startMock(options as never), (error: unknown) => {
        assert.ok(error instanceof ConfigError)
        assert.match(error.message, message)
        return true
      })
    })
  }

  test('several problems are reported together', async () => {
    await assert.rejects(startMock({ source: 1, errorRate: 2 } as never), (error: unknown) => {
      assert.ok(error instanceof ConfigError)
      assert.match(
        error.message,
        /^startMock: 2 problems: options\.source must be .*; options\.errorRate must be a probability/,
      )
      assert.deepEqual(
        error.issues.map((issue) => issue.path),
        ['options.source', 'options.errorRate'],
      )
      return true
    })
  })

  test('createMock throws at once, and names startMock-only options', () => {
    assert.throws(
      () => createMock({ source: {} } as never),
      /^ConfigError: options\.source must be a file path/,
    )
    assert.throws(
      () => createMock({ data: {}, port: 0 } as never),
      /^ConfigError: options\.port is a startMock option; createMock serves in process/,
    )
    assert.throws(
      () => createMock({ data: [] } as never),
      /options\.data must be seed data in db\.json shape/,
    )
  })

  test('undefined values count as not given', () => {
    const mock = createMock({ data: { posts: [] }, seed: undefined } as never)
    assert.equal(typeof mock.seed, 'number')
  })
})
