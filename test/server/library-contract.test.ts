import assert from 'node:assert/strict'
import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import {
  AdminApiError,
  type AdminClient,
  ConfigError,
  connectMock,
  type Mock,
  startMock,
} from '../../src/index.ts'

/**
 * The test author's contract over real HTTP: every admin helper answers the same on the handle
 * startMock returns and on connectMock's client of that mock (with its admin token), the journal
 * records what was answered, a source folder is never written without `db`, and wrong options are a
 * ConfigError naming the option.
 */

const fixture = (name: string): string =>
  fileURLToPath(new URL(`../support/fixtures/${name}`, import.meta.url))

const running: Mock[] = []
const dirs: string[] = []
after(async () => {
  await Promise.all(running.splice(0).map((mock) => mock.close()))
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })))
})

const TOKEN = 'contract-token'
const AUTH = {
  users: { ada: { password: 'pw', scopes: ['read', 'write'] } },
  clients: { ci: { secret: 'ci-secret', scopes: ['read'] } },
}

async function crmWithAuth(): Promise<Mock> {
  const manifest = await readFile(fixture('crm.yaml'), 'utf8')
  const mock = await startMock({
    manifest: `${manifest}\nauth:\n  users: ${JSON.stringify(AUTH.users)}\n  clients: ${JSON.stringify(AUTH.clients)}\n`,
    data: JSON.parse(await readFile(fixture('crm.data.json'), 'utf8')),
    adminToken: TOKEN,
  })
  running.push(mock)
  return mock
}

const json = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
})

async function everyHelper(admin: AdminClient, url: string): Promise<void> {
  await admin.reset()
  // faults
  const fault = await admin.faults.add({ method: 'POST', path: '/invoices', status: 503, times: 1 })
  assert.deepEqual(
    (await admin.faults.list()).map((listed) => listed.id),
    [fault.id],
  )
  assert.equal((await fetch(`${url}/api/invoices`, json({ customerId: 1, amount: 2 }))).status, 503)
  const second = await admin.faults.add({ path: '/customers', status: 500 })
  await admin.faults.remove(second.id)
  await admin.faults.add({ path: '/customers', status: 500 })
  await admin.faults.clear()
  assert.deepEqual(await admin.faults.list(), [])
  // simulation: every level
  await admin.simulation.set({ errors: { rate: 1, status: 502 } })
  assert.equal(((await admin.simulation.get()).errors as { rate: number }).rate, 1)
  assert.equal((await fetch(`${url}/api/customers`)).status, 502)
  await admin.simulation.set({})
  await admin.simulation.resource('tags').set({ errors: 1 })
  assert.equal(((await admin.simulation.resource('tags').get()).errors as { rate: number }).rate, 1)
  await admin.simulation.routes.set({ 'GET /notes': { errors: 1 } })
  assert.deepEqual(Object.keys(await admin.simulation.routes.get()), ['GET /notes'])
  assert.equal((await fetch(`${url}/api/tags`)).status, 500)
  await admin.simulation.clear()
  assert.equal((await fetch(`${url}/api/tags`)).status, 200)
  // the journal, with what was answered
  await admin.requests.clear()
  const created = await fetch(`${url}/api/invoices`, json({ customerId: 1, amount: 7 }))
  assert.equal(created.status, 201)
  const [entry] = await admin.requests.list({ method: 'POST', path: '/invoices' })
  assert.ok(entry?.response !== undefined, 'the entry records the response')
  assert.equal(entry.status, 201)
  assert.deepEqual(entry.requestBody, { customerId: 1, amount: 7 })
  assert.equal(entry.response.status, 201)
  assert.equal(entry.response.headers.location, created.headers.get('location'))
  assert.match(String(entry.response.headers['content-type']), /application\/json/)
  assert.equal((entry.response.body as { amount: number }).amount, 7)
  assert.equal(await admin.requests.count({ status: '2xx' }), 1)
  await admin.requests.clear()
  assert.equal(await admin.requests.count(), 0)
  // state
  const state = await admin.db.get()
  assert.equal((state.invoices as unknown[]).length, 3)
  await admin.db.put({ ...state, invoices: [] })
  assert.deepEqual((await admin.db.get()).invoices, [])
  await admin.reset()
  assert.equal(((await admin.db.get()).invoices as unknown[]).length, 2)
  // the rest: health, the OpenAPI document, auth tokens, sessions
  assert.equal((await admin.health()).status, 'ok')
  assert.ok((await admin.openapi()).paths['/customers'] !== undefined)
  const tokens = await admin.auth.token({ user: 'ada', scopes: ['read'] })
  assert.equal(tokens.token_type, 'Bearer')
  assert.equal((await admin.auth.token({ client: 'ci' })).scope, 'read')
  const session = admin.session('worker-1')
  await session.faults.add({ method: 'GET', path: '/customers', status: 418 })
  assert.equal((await session.fetch('/api/customers')).status, 418)
  assert.equal((await fetch(`${url}/api/customers`)).status, 200)
  assert.equal(await session.requests.count({ status: 418 }), 1)
  await session.reset()
  assert.equal((await fetch(`${session.url}/api/customers`)).status, 200)
}

describe('every admin helper over HTTP', () => {
  test('on the mock startMock returns', async () => {
    const mock = await crmWithAuth()
    await everyHelper(mock, mock.url)
  })

  test('on connectMock(url, { adminToken }) of that mock; without the token each call is refused', async () => {
    const mock = await crmWithAuth()
    await everyHelper(connectMock(mock.url, { adminToken: TOKEN }), mock.url)
    const anonymous = connectMock(mock.url)
    for (const call of [
      () => anonymous.faults.list(),
      () => anonymous.reset(),
      () => anonymous.db.get(),
      () => anonymous.session('worker-1').reset(),
    ]) {
      await assert.rejects(call(), (error: unknown) => error instanceof AdminApiError && error.status === 401)
    }
  })
})

describe('startMock writes no file without db', () => {
  test('a manifest source, its data file and their folder stay byte-identical after writes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'restmock-contract-'))
    dirs.push(dir)
    await copyFile(fixture('crm.yaml'), join(dir, 'crm.yaml'))
    await copyFile(fixture('crm.data.json'), join(dir, 'crm.data.json'))
    await writeFile(
      join(dir, 'crm.yaml'),
      `${await readFile(join(dir, 'crm.yaml'), 'utf8')}data: crm.data.json\n`,
    )
    const before = await Promise.all(['crm.yaml', 'crm.data.json'].map((name) => readFile(join(dir, name))))

    const mock = await startMock({ source: join(dir, 'crm.yaml') })
    running.push(mock)
    assert.equal((await fetch(`${mock.url}/api/invoices`, json({ customerId: 1, amount: 3 }))).status, 201)
    assert.equal((await fetch(`${mock.url}/api/invoices/1`, { method: 'DELETE' })).status, 204)
    await mock.close()

    assert.deepEqual((await readdir(dir)).sort(), ['crm.data.json', 'crm.yaml'])
    const now = await Promise.all(['crm.yaml', 'crm.data.json'].map((name) => readFile(join(dir, name))))
    assert.deepEqual(now, before)
  })
})

describe('wrong options are a ConfigError naming the option', () => {
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ idField: 5 }, /^options\.idField must be a field name/],
    [{ auth: 'off' }, /^options\.auth must be true or false, got the string "off"$/],
    [{ showSecrets: 1 }, /^options\.showSecrets must be true or false/],
    [{ static: 3 }, /^options\.static must be a folder path or a list of folder paths/],
    [{ routes: 4 }, /^options\.routes must be a routes\.json path or an object of rewrite rules/],
    [{ middlewares: [1] }, /^options\.middlewares must be a module path or a list of module paths/],
    [{ watch: 'yes' }, /^options\.watch must be true, false or 'auto'/],
    [{ sessionTtl: 'later' }, /^options\.sessionTtl must be a duration/],
    [{ maxSessionBytes: 'huge' }, /^options\.maxSessionBytes must be a number of bytes/],
    [{ adminToken: 'two words' }, /^options\.adminToken must be one or more visible ASCII characters/],
    [{ adminOrigin: 'http://localhost:5173/app' }, /^options\.adminOrigin must be an origin such as/],
    [{ sesionTtl: '1m' }, /^options\.sesionTtl is not an option \(did you mean "sessionTtl"\?\)$/],
  ]
  for (const [options, message] of cases) {
    test(Object.keys(options)[0]!, async () => {
      await assert.rejects(startMock({ data: {}, ...options } as never), (error: unknown) => {
        assert.ok(error instanceof ConfigError)
        assert.match(error.message, message)
        return true
      })
    })
  }

  test('a well-formed admin origin with a trailing slash is accepted', async () => {
    const mock = await startMock({ data: {}, adminOrigin: 'http://localhost:5173/' })
    running.push(mock)
    assert.equal((await mock.health()).status, 'ok')
  })
})
