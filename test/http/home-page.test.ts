import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { createMock } from '../../src/index.ts'
import { tempDir } from '../support/cli-helpers.ts'
import { json } from '../support/helpers.ts'
import { serveInProcess } from '../support/serve-in-process.ts'

const DB = {
  posts: [
    { id: 1, title: 'json-server', userId: 1 },
    { id: 2, title: 'restmock', userId: 1 },
  ],
  users: [{ id: 1, name: 'Ada' }],
  profile: { name: 'typicode' },
}

const HTML = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' }

describe('GET <basePath>/db (json-server: the whole database)', () => {
  test('answers every resource in db.json shape, writes included', async () => {
    const app = createMock({ data: structuredClone(DB) })
    await app.request('/posts', json('POST', { title: 'new', userId: 1 }))
    const response = await app.request('/db')
    assert.equal(response.status, 200)
    assert.match(response.headers.get('content-type') ?? '', /^application\/json/)
    const body = (await response.json()) as typeof DB
    assert.deepEqual(Object.keys(body).sort(), ['posts', 'profile', 'users'])
    assert.deepEqual(body.posts.at(-1), { id: 3, title: 'new', userId: 1 })
    assert.deepEqual(body.profile, { name: 'typicode' })
    assert.deepEqual(body.users, DB.users)
  })

  test('sits under the base path', async () => {
    const app = createMock({ data: structuredClone(DB), basePath: '/api' })
    const response = await app.request('/api/db')
    assert.equal(response.status, 200)
    assert.deepEqual(Object.keys((await response.json()) as object).sort(), ['posts', 'profile', 'users'])
    assert.equal((await app.request('/db')).status, 404)
  })

  test('a resource named db keeps its route', async () => {
    const app = createMock({ data: { db: [{ id: 1, engine: 'postgres' }], posts: [] } })
    const response = await app.request('/db')
    assert.equal(response.status, 200)
    assert.deepEqual(await response.json(), [{ id: 1, engine: 'postgres' }])
  })

  test('only GET and HEAD: other methods still meet the resource routes', async () => {
    const app = createMock({ data: structuredClone(DB) })
    const response = await app.request('/db', json('POST', { id: 1 }))
    assert.equal(response.status, 404)
    assert.equal(((await response.json()) as { code: string }).code, 'not_found')
  })
})

describe('GET / (json-server: a home page listing the resources)', () => {
  test('JSON for Accept: application/json: name, and each resource with its URL and count', async () => {
    const app = createMock({ data: structuredClone(DB), basePath: '/api' })
    const response = await app.request('/', { headers: { accept: 'application/json' } })
    assert.equal(response.status, 200)
    assert.match(response.headers.get('content-type') ?? '', /^application\/json/)
    const body = (await response.json()) as { name: string; resources: unknown[] }
    assert.equal(typeof body.name, 'string')
    assert.deepEqual(body.resources, [
      { name: 'posts', url: '/api/posts', count: 2 },
      { name: 'users', url: '/api/users', count: 1 },
      { name: 'profile', url: '/api/profile', singleton: true },
    ])
  })

  test('counts follow writes', async () => {
    const app = createMock({ data: structuredClone(DB) })
    await app.request('/posts/1', { method: 'DELETE' })
    const body = (await (await app.request('/', { headers: { accept: 'application/json' } })).json()) as {
      resources: { name: string; count?: number }[]
    }
    assert.equal(body.resources.find((resource) => resource.name === 'posts')?.count, 1)
  })

  test('HTML for browsers: self-contained, every resource linked with its count', async () => {
    const app = createMock({ data: structuredClone(DB) })
    const response = await app.request('/', { headers: HTML })
    assert.equal(response.status, 200)
    assert.equal(response.headers.get('content-type'), 'text/html; charset=utf-8')
    const html = await response.text()
    assert.match(html, /^<!doctype html>/)
    assert.match(html, /<a href="\/posts">\/posts<\/a> <small>2 records<\/small>/)
    assert.match(html, /<a href="\/users">\/users<\/a> <small>1 record<\/small>/)
    assert.match(html, /<a href="\/profile">\/profile<\/a> <small>singleton<\/small>/)
    assert.match(html, /<a href="\/db">/)
    // no scripts, no external stylesheets, fonts or images
    assert.doesNotMatch(html, /<script|<link|<img|https?:\/\//)
  })

  test('names are escaped in the HTML', async () => {
    const app = createMock({
      manifest: { name: '<script>alert("x")</script> & co', resources: { posts: { fields: {} } } },
    })
    const html = await (await app.request('/', { headers: HTML })).text()
    assert.ok(html.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co'), html)
    assert.doesNotMatch(html, /<script/)
  })
})

describe('pages beside the API', () => {
  test('are neither simulated nor journaled; API requests still are', async () => {
    const app = createMock({ data: structuredClone(DB) })
    const failing = { headers: { prefer: 'status=503', accept: 'application/json' } }
    assert.equal((await app.request('/', failing)).status, 200)
    assert.equal((await app.request('/db', failing)).status, 200)
    assert.equal((await app.request('/posts', failing)).status, 503)
    const journal = await app.requests.list()
    assert.deepEqual(
      journal.map((entry) => entry.path),
      ['/posts'],
    )
  })
})

describe("home page and /db through the CLI's serve command (in-process)", () => {
  test('restmock db.json answers GET / and GET /db', async () => {
    const dir = await tempDir()
    await writeFile(join(dir, 'db.json'), JSON.stringify(DB))
    const cli = await serveInProcess([join(dir, 'db.json'), '--port', '0', '--in-memory', '-q'])
    try {
      const home = await fetch(`${cli.url}/`, { headers: { accept: 'application/json' } })
      assert.equal(home.status, 200)
      const listed = (await home.json()) as { resources: { name: string }[] }
      assert.deepEqual(
        listed.resources.map((resource) => resource.name),
        ['posts', 'users', 'profile'],
      )
      const page = await fetch(`${cli.url}/`, { headers: HTML })
      assert.match(await page.text(), /<a href="\/posts">/)
      const db = await fetch(`${cli.url}/db`)
      assert.deepEqual(await db.json(), DB)
    } finally {
      await cli.close()
    }
  })
})
