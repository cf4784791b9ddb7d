import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, test } from 'node:test'
import { type RunningMock, startMock } from '../../src/server/start-mock.ts'
import { fixture } from '../support/helpers.ts'

let dir: string
const running: RunningMock[] = []

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'restmock-socket-'))
})
afterEach(async () => {
  await Promise.all(running.splice(0).map((mock) => mock.close()))
  await rm(dir, { recursive: true, force: true })
})

async function start(options: Parameters<typeof startMock>[0]): Promise<RunningMock> {
  const mock = await startMock({ port: 0, persist: true, ...options })
  running.push(mock)
  return mock
}

const post = (url: string, body: unknown) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

describe('real socket, port 0', () => {
  test('serves over HTTP with keep-alive, and state survives a restart; the seed is untouched', async () => {
    const manifest = join(dir, 'crm.yaml')
    const seedText = await readFile(fixture('crm.data.json'), 'utf8')
    await writeFile(join(dir, 'crm.data.json'), seedText)
    await writeFile(
      manifest,
      (await readFile(fixture('crm.yaml'), 'utf8')).replace('seed: 7', 'seed: 7\ndata: ./crm.data.json'),
    )

    const first = await start({ source: manifest })
    assert.match(first.url, /^http:\/\/127\.0\.0\.1:\d+$/)
    assert.notEqual(first.port, 0)
    assert.equal(first.stateFile, join(dir, 'crm.state.json'))
    const created = await post(`${first.url}/api/customers`, { name: 'Alan', email: 'alan@example.com' })
    assert.equal(created.status, 201)
    const patched = await fetch(`${first.url}/api/settings`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: '{"taxRate":0.5}',
    })
    assert.equal(patched.status, 200)
    assert.equal((await fetch(`${first.url}/api/invoices/2`, { method: 'DELETE' })).status, 204)
    await first.close()
    running.splice(running.indexOf(first), 1)

    const second = await start({ source: manifest })
    const customers = (await (await fetch(`${second.url}/api/customers`)).json()) as { email: string }[]
    assert.deepEqual(
      customers.map((customer) => customer.email),
      ['ada@example.com', 'grace@example.com', 'alan@example.com'],
    )
    assert.equal(
      ((await (await fetch(`${second.url}/api/settings`)).json()) as { taxRate: number }).taxRate,
      0.5,
    )
    assert.equal((await fetch(`${second.url}/api/invoices/2`)).status, 404)
    assert.equal(await readFile(join(dir, 'crm.data.json'), 'utf8'), seedText, 'seed data is never written')

    await second.reset()
    assert.equal((await fetch(`${second.url}/api/invoices/2`)).status, 200)
    await second.close()
    running.splice(running.indexOf(second), 1)
    const third = await start({ source: manifest })
    assert.equal((await fetch(`${third.url}/api/invoices/2`)).status, 200, 'reset is persisted')
  })

  test('--reset discards the saved state', async () => {
    const db = join(dir, 'db.json')
    await writeFile(db, JSON.stringify({ posts: [{ id: 1, title: 'a' }] }))
    const state = join(dir, 'state.json')
    const first = await start({ source: db, db: state })
    await post(`${first.url}/posts`, { title: 'b' })
    await first.close()
    running.splice(0)
    const second = await start({ source: db, db: state, reset: true })
    assert.equal(((await (await fetch(`${second.url}/posts`)).json()) as unknown[]).length, 1)
  })

  test('group commit: 200 concurrent POSTs are all acknowledged, all saved, in far fewer writes', async () => {
    const db = join(dir, 'db.json')
    await writeFile(db, JSON.stringify({ posts: [] }))
    // fsync makes each write take long enough for concurrent requests to queue behind it, as under real
    // load; without it an in-process client on a fast disk may find every write already finished
    const mock = await start({ source: db, sync: true })
    const statuses = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        post(`${mock.url}/posts`, { n: i }).then((response) => response.status),
      ),
    )
    assert.ok(statuses.every((status) => status === 201))
    const appends = mock.persistenceStats()?.appends ?? 0
    assert.ok(appends > 0 && appends < 100, `${appends} journal writes for 200 requests`)
    await mock.close()
    running.splice(0)
    const saved = JSON.parse(await readFile(db, 'utf8')) as { posts: { n: number }[] }
    assert.equal(saved.posts.length, 200)
    assert.deepEqual(new Set(saved.posts.map((p) => p.n)).size, 200)
  })

  test('a state file that is not JSON is refused and left untouched', async () => {
    const db = join(dir, 'db.json')
    await writeFile(db, JSON.stringify({ posts: [] }))
    const state = join(dir, 'state.json')
    await writeFile(state, '{"posts": [')
    await assert.rejects(start({ source: db, db: state }), (error: Error) => {
      assert.match(error.message, /state\.json/)
      return true
    })
    assert.equal(await readFile(state, 'utf8'), '{"posts": [')
  })

  test('in memory: nothing is written', async () => {
    const db = join(dir, 'db.json')
    const text = JSON.stringify({ posts: [] })
    await writeFile(db, text)
    const mock = await start({ source: db, persist: false })
    assert.equal(mock.stateFile, undefined)
    assert.equal((await post(`${mock.url}/posts`, { a: 1 })).status, 201)
    assert.equal(await readFile(db, 'utf8'), text)
  })
})
