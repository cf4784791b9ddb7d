import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { after, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { ConfigError, connectMock, createMock, type Mock, startMock } from '../../src/index.ts'

const fixture = (name: string): string =>
  fileURLToPath(new URL(`../support/fixtures/${name}`, import.meta.url))

const running: Mock[] = []
after(async () => {
  await Promise.all(running.splice(0).map((mock) => mock.close()))
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

const customer = (name: string, email: string): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ name, email }),
})

async function names(response: Response): Promise<string[]> {
  return ((await response.json()) as Array<{ name: string }>).map((each) => each.name)
}

describe('library: mock.session(id)', () => {
  test('headers, url and fetch reach the same session; others never see it', async () => {
    const mock = await crm()
    const worker = mock.session('worker-1')
    assert.equal(worker.id, 'worker-1')
    assert.deepEqual(worker.headers, { 'X-Restmock-Session': 'worker-1' })
    assert.equal(worker.url, `${mock.url}/__session/worker-1`)
    const created = await worker.fetch('/api/customers', customer('Ann', 'ann@example.com'))
    assert.equal(created.status, 201)
    // the url prefix, as an app with only a configurable base URL would use it
    const viaUrl = await fetch(`${worker.url}/api/customers`)
    assert.deepEqual(await names(viaUrl), ['Ada Lovelace', 'Grace Hopper', 'Ann'])
    const viaHeaders = await fetch(`${mock.url}/api/customers`, { headers: worker.headers })
    assert.deepEqual(await names(viaHeaders), ['Ada Lovelace', 'Grace Hopper', 'Ann'])
    assert.deepEqual(await names(await fetch(`${mock.url}/api/customers`)), ['Ada Lovelace', 'Grace Hopper'])
    assert.deepEqual(await names(await mock.session('worker-2').fetch('/api/customers')), [
      'Ada Lovelace',
      'Grace Hopper',
    ])
    // a full URL and a Request work too
    const full = await worker.fetch(new Request(`${mock.url}/api/customers/3`))
    assert.equal(((await full.json()) as { name: string }).name, 'Ann')
  })

  test('reset, faults, simulation and the journal of a session', async () => {
    const mock = await crm()
    const worker = mock.session('w')
    await worker.fetch('/api/customers/1', { method: 'DELETE' })
    await worker.faults.add({ method: 'GET', path: '/invoices', status: 503 })
    assert.equal((await worker.fetch('/api/invoices')).status, 503)
    assert.equal((await fetch(`${mock.url}/api/invoices`)).status, 200)
    assert.equal(await worker.requests.count({ method: 'GET' }), 1)
    assert.equal(await worker.requests.count(), 2)
    await worker.simulation.set({ errors: { rate: 1, status: 500 } })
    assert.equal((await worker.fetch('/api/tags')).status, 500)
    await worker.reset()
    assert.deepEqual(await worker.faults.list(), [])
    assert.deepEqual(await names(await worker.fetch('/api/customers')), ['Ada Lovelace', 'Grace Hopper'])
  })

  test('a connection fault scripted for a session cuts only that session off (real socket)', async () => {
    const mock = await crm()
    const worker = mock.session('cut')
    await worker.faults.add({ method: 'GET', path: '/customers', fault: 'reset' })
    await assert.rejects(worker.fetch('/api/customers'), TypeError)
    assert.equal((await fetch(`${mock.url}/api/customers`)).status, 200)
    assert.equal((await worker.fetch('/api/customers')).status, 200)
  })

  test('connectMock(url).session(id) drives the same session from elsewhere (with the admin token)', async () => {
    const mock = await crm({ adminToken: 'secret-token' })
    await mock.session('shared-worker').fetch('/api/customers', customer('Far', 'far@example.com'))
    const remote = connectMock(mock.url, { adminToken: 'secret-token' }).session('shared-worker')
    assert.equal(remote.url, `${mock.url}/__session/shared-worker`)
    assert.deepEqual((await names(await remote.fetch('/api/customers'))).at(-1), 'Far')
    await remote.reset()
    assert.deepEqual(await names(await mock.session('shared-worker').fetch('/api/customers')), [
      'Ada Lovelace',
      'Grace Hopper',
    ])
  })

  test('createMock: sessions in process', async () => {
    const mock = createMock({ data: { posts: [{ id: 1, title: 'seed' }] } })
    const one = mock.session('one')
    assert.equal(one.url, 'http://localhost/__session/one')
    await one.fetch('/posts', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'mine' }),
    })
    assert.equal(((await (await one.fetch(`${one.url}/posts`)).json()) as unknown[]).length, 2)
    assert.equal(((await (await mock.request('/posts')).json()) as unknown[]).length, 1)
  })

  test('a bad session id or session option is a ConfigError naming it', async () => {
    const mock = createMock({ data: { posts: [] } })
    assert.throws(() => mock.session('no spaces'), ConfigError)
    assert.throws(() => mock.session(''), /session id must be 1 to 64 characters/)
    assert.throws(
      () => createMock({ data: {}, sessionTtl: 'later' }),
      /options\.sessionTtl must be a duration/,
    )
    assert.throws(
      () => createMock({ data: {}, maxSessions: 0 }),
      /options\.maxSessions must be a whole number >= 1/,
    )
    assert.throws(
      () => createMock({ data: {}, maxSessionBytes: 'huge' }),
      /options\.maxSessionBytes must be a number of bytes or a size such as "256MB"/,
    )
    const limited = createMock({
      data: { posts: [] },
      maxSessions: 1,
      sessionTtl: '90s',
      maxSessionBytes: '1MB',
    })
    await limited.session('a').fetch('/posts')
    await limited.session('b').fetch('/posts')
    const listed = (await (await limited.request('/__restmock/sessions')).json()) as Array<{ id: string }>
    assert.deepEqual(
      listed.map((session) => session.id),
      ['b'],
    )
  })
})

test('auth holds inside a session: owned rows, 401 without a token, by header or by URL prefix', async () => {
  const mock = await startMock({
    source: fileURLToPath(new URL('../../seeds/auth-demo.yaml', import.meta.url)),
  })
  running.push(mock)
  const ada = (await mock.auth.token({ user: 'ada' })).access_token
  const bob = (await mock.auth.token({ user: 'bob' })).access_token
  const session = mock.session('auth-1')
  const as = (token: string) => ({ ...session.headers, authorization: `Bearer ${token}` })
  const created = await fetch(`${mock.url}/api/notes`, {
    method: 'POST',
    headers: { ...as(ada), 'content-type': 'application/json' },
    body: JSON.stringify({ text: 'only mine' }),
  })
  assert.equal(created.status, 201)
  const note = (await created.json()) as { id: number; ownerId: string }
  assert.equal(note.ownerId, 'ada', 'the owner comes from the token')
  assert.equal((await fetch(`${mock.url}/api/notes/${note.id}`, { headers: as(ada) })).status, 200)
  assert.equal((await fetch(`${mock.url}/api/notes/${note.id}`, { headers: as(bob) })).status, 404)
  const prefixed = `${session.url}/api/notes/${note.id}`
  assert.equal((await fetch(prefixed)).status, 401, 'the prefix does not get past auth')
  assert.equal((await fetch(prefixed, { headers: { authorization: `Bearer ${bob}` } })).status, 404)
  assert.equal(
    (await fetch(`${mock.url}/api/notes/${note.id}`, { headers: { authorization: `Bearer ${ada}` } })).status,
    404,
    'the shared state never saw it',
  )
})
