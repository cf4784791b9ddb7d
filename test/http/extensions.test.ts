import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import { startMock } from '../../src/index.ts'
import { tempDir } from '../support/cli-helpers.ts'
import { expectProblem, json } from '../support/helpers.ts'

const MANIFEST = {
  resources: {
    posts: {
      timestamps: false,
      fields: { title: { type: 'string', required: true }, createdAt: { type: 'number' } },
    },
    comments: { fields: { body: { type: 'string', required: true }, postId: { type: 'integer' } } },
  },
}
const DATA = {
  posts: [
    { id: 1, title: 'json-server' },
    { id: 2, title: 'restmock' },
  ],
  comments: [{ id: 1, body: 'nice', postId: 1 }],
}

type RunningMock = Awaited<ReturnType<typeof startMock>>
const running: RunningMock[] = []
after(() => Promise.all(running.map((mock) => mock.close())))

/** A real server with these modules (file name -> source) as --middlewares, in the order given. */
async function serveWith(modules: Record<string, string>): Promise<RunningMock> {
  const dir = await tempDir('restmock-extensions-')
  const files: string[] = []
  for (const [name, source] of Object.entries(modules)) {
    await writeFile(join(dir, name), source)
    files.push(join(dir, name))
  }
  const mock = await startMock({ manifest: MANIFEST, data: structuredClone(DATA), middlewares: files })
  running.push(mock)
  return mock
}

const STATS = `
export default (api) => {
  api.app.use('*', async (c, next) => {
    await next()
    c.header('x-powered-by', 'restmock-extension')
  })
  api.app.get('/stats', (c) => c.json({
    posts: api.data.list('posts').length,
    comments: api.data.list('comments').length,
  }))
  api.app.post('/posts/:id/publish', async (c) => {
    const post = await api.data.patch('posts', c.req.param('id'), { title: api.data.get('posts', c.req.param('id')).title + ' (published)' })
    return c.json(post)
  })
  api.app.post('/bad-post', async (c) => c.json(await api.data.create('posts', { title: 42 })))
  api.app.post('/import', async (c) => c.json(await api.data.create('posts', await c.req.json()), 201))
}
`

describe('native extensions: (api) => void', () => {
  test('a custom route reads records through api.data; a middleware adds a header to every answer', async () => {
    const mock = await serveWith({ 'stats.mjs': STATS })
    const stats = await fetch(`${mock.url}/stats`)
    assert.equal(stats.status, 200)
    assert.deepEqual(await stats.json(), { posts: 2, comments: 1 })
    assert.equal(stats.headers.get('x-powered-by'), 'restmock-extension')
    assert.equal(stats.headers.get('access-control-allow-origin'), '*')

    // the resource routes still answer behind the extension, with its header added
    const post = await fetch(`${mock.url}/posts/1`)
    assert.equal(post.status, 200)
    assert.deepEqual(await post.json(), { id: 1, title: 'json-server' })
    assert.equal(post.headers.get('x-powered-by'), 'restmock-extension')
    await fetch(`${mock.url}/posts`, json('POST', { title: 'third' }))
    assert.deepEqual(await (await fetch(`${mock.url}/stats`)).json(), { posts: 3, comments: 1 })
  })

  test('writes through api.data are validated (422) and visible through the HTTP API', async () => {
    const mock = await serveWith({ 'stats.mjs': STATS })
    await expectProblem(await fetch(`${mock.url}/bad-post`, { method: 'POST' }), 422, 'validation_failed')
    await expectProblem(
      await fetch(`${mock.url}/import`, json('POST', { title: 'no', extra: true })),
      422,
      'validation_failed',
    )
    await expectProblem(await fetch(`${mock.url}/posts/99/publish`, { method: 'POST' }), 404, 'not_found')

    const published = await fetch(`${mock.url}/posts/2/publish`, { method: 'POST' })
    assert.equal(published.status, 200)
    assert.deepEqual(await published.json(), { id: 2, title: 'restmock (published)' })
    const created = await fetch(`${mock.url}/import`, json('POST', { title: 'imported' }))
    assert.equal(created.status, 201)
    const { id } = (await created.json()) as { id: number }
    assert.deepEqual(await (await fetch(`${mock.url}/posts/${id}`)).json(), { id, title: 'imported' })
    assert.deepEqual(await (await fetch(`${mock.url}/posts/2`)).json(), {
      id: 2,
      title: 'restmock (published)',
    })
    assert.equal(((await (await fetch(`${mock.url}/posts`)).json()) as unknown[]).length, 3)
  })

  test('api.data hands out copies: changing one does not change the stored record', async () => {
    const mock = await serveWith({
      'mutate.mjs': `export default (api) => {
        api.app.get('/mutate', (c) => { api.data.get('posts', 1).title = 'changed'; return c.json(api.data.get('posts', 1)) })
      }`,
    })
    assert.deepEqual(await (await fetch(`${mock.url}/mutate`)).json(), { id: 1, title: 'json-server' })
  })

  test('an exception in an extension at request time is a 500 problem, and the server keeps serving', async () => {
    const errors: unknown[] = []
    const original = console.error
    console.error = (...args: unknown[]) => errors.push(args)
    try {
      const mock = await serveWith({
        'boom.mjs': `export default (api) => { api.app.get('/boom', () => { throw new Error('kaput') }) }`,
      })
      const problem = await expectProblem(await fetch(`${mock.url}/boom`), 500, 'internal')
      assert.doesNotMatch(JSON.stringify(problem), /kaput/)
      assert.equal(errors.length, 1)
      assert.equal((await fetch(`${mock.url}/posts/1`)).status, 200)
    } finally {
      console.error = original
    }
  })
})

const AUTH = `
module.exports = (req, res, next) => {
  if (req.headers.authorization === 'Bearer letmein' || req.path === '/open') next()
  else res.status(401).json({ error: 'unauthorized', method: req.method, path: req.path })
}
`
const STAMP = `
module.exports = (req, res, next) => {
  if (req.method === 'POST') req.body.createdAt = 1700000000000
  res.header('X-Hello', 'World')
  next()
}
`

describe('Express middlewares: (req, res, next) as in json-server 0.17', () => {
  test('a middleware rejects a request without the header with res.status(401).json()', async () => {
    const mock = await serveWith({ 'auth.cjs': AUTH })
    const refused = await fetch(`${mock.url}/posts?title=x`)
    assert.equal(refused.status, 401)
    assert.match(refused.headers.get('content-type') ?? '', /^application\/json/)
    assert.deepEqual(await refused.json(), { error: 'unauthorized', method: 'GET', path: '/posts' })
    const allowed = await fetch(`${mock.url}/posts/1`, { headers: { authorization: 'Bearer letmein' } })
    assert.equal(allowed.status, 200)
    assert.deepEqual(await allowed.json(), { id: 1, title: 'json-server' })
  })

  test('a middleware that stamps req.body before next() changes what is stored; res.header reaches the answer', async () => {
    const mock = await serveWith({ 'auth.cjs': AUTH, 'stamp.cjs': STAMP })
    const headers = { authorization: 'Bearer letmein' }
    const created = await fetch(`${mock.url}/posts`, json('POST', { title: 'stamped' }, headers))
    assert.equal(created.status, 201)
    assert.equal(created.headers.get('x-hello'), 'World')
    const body = (await created.json()) as { id: number; createdAt: number }
    assert.equal(body.createdAt, 1700000000000)
    const stored = await fetch(`${mock.url}/posts/${body.id}`, { headers })
    assert.deepEqual(await stored.json(), { id: body.id, title: 'stamped', createdAt: 1700000000000 })

    // the stamped body is validated like any other
    await expectProblem(await fetch(`${mock.url}/posts`, json('POST', {}, headers)), 422, 'validation_failed')
    // a GET passes through untouched
    const list = await fetch(`${mock.url}/posts?title=json-server`, { headers })
    assert.deepEqual(await list.json(), [{ id: 1, title: 'json-server' }])
  })

  test('a body the API would refuse stays refused when a middleware stamps it: 1e400, invalid UTF-8, deep nesting', async () => {
    const mock = await serveWith({ 'auth.cjs': AUTH, 'stamp.cjs': STAMP })
    const post = (body: string | Uint8Array) =>
      fetch(`${mock.url}/posts`, {
        method: 'POST',
        headers: { authorization: 'Bearer letmein', 'content-type': 'application/json' },
        body,
      })
    await expectProblem(await post('{"title":"huge","views":1e400}'), 400, 'invalid_body')
    const bytes = Buffer.concat([Buffer.from('{"title":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')])
    await expectProblem(await post(bytes), 400, 'malformed_json')
    await expectProblem(
      await post(`{"title":"deep","x":${'['.repeat(150)}${']'.repeat(150)}}`),
      400,
      'invalid_body',
    )
    const list = (await (
      await fetch(`${mock.url}/posts`, { headers: { authorization: 'Bearer letmein' } })
    ).json()) as unknown[]
    assert.equal(list.length, DATA.posts.length)
  })

  test('res.send, res.sendStatus, res.jsonp, res.set answer as Express does', async () => {
    const mock = await serveWith({
      'answers.mjs': `export default function (req, res, next) {
        if (req.path === '/text') return res.set({ 'X-A': '1' }).send('<p>hi</p>')
        if (req.path === '/gone') return res.sendStatus(410)
        if (req.path === '/padded') return res.jsonp({ ok: true })
        if (req.path === '/query') return res.json(req.query)
        next()
      }`,
    })
    const text = await fetch(`${mock.url}/text`)
    assert.equal(text.headers.get('x-a'), '1')
    assert.match(text.headers.get('content-type') ?? '', /^text\/html/)
    assert.equal(await text.text(), '<p>hi</p>')
    const gone = await fetch(`${mock.url}/gone`)
    assert.equal(gone.status, 410)
    assert.equal(await gone.text(), 'Gone')
    const padded = await fetch(`${mock.url}/padded?callback=cb`)
    assert.match(padded.headers.get('content-type') ?? '', /^text\/javascript/)
    assert.equal(await padded.text(), `/**/ typeof cb === 'function' && cb({"ok":true});`)
    assert.deepEqual(await (await fetch(`${mock.url}/padded`)).json(), { ok: true })
    assert.deepEqual(await (await fetch(`${mock.url}/query?a=1&b=2&b=3`)).json(), { a: '1', b: ['2', '3'] })
  })

  test('a changed req.url is what the API serves; HEAD and OPTIONS pass through', async () => {
    const mock = await serveWith({
      'rewrite.mjs': `export default (req, res, next) => {
        if (req.path.startsWith('/api/')) req.url = req.url.slice(4)
        next()
      }`,
    })
    const rewritten = await fetch(`${mock.url}/api/posts?title=restmock`)
    assert.equal(rewritten.status, 200)
    assert.deepEqual(await rewritten.json(), [{ id: 2, title: 'restmock' }])
    assert.equal((await fetch(`${mock.url}/posts/1`, { method: 'HEAD' })).status, 200)
    assert.equal((await fetch(`${mock.url}/posts`, { method: 'OPTIONS' })).status, 204)
  })

  test('a middleware that throws, or passes an error to next(), is a 500 problem; the server keeps serving', async () => {
    const errors: unknown[] = []
    const original = console.error
    console.error = (...args: unknown[]) => errors.push(args)
    try {
      const mock = await serveWith({
        'fails.cjs': `module.exports = (req, res, next) => {
          if (req.path === '/throw') throw new Error('thrown')
          if (req.path === '/next-error') return next(new Error('passed'))
          next()
        }`,
      })
      await expectProblem(await fetch(`${mock.url}/throw`), 500, 'internal')
      await expectProblem(await fetch(`${mock.url}/next-error`), 500, 'internal')
      assert.equal(errors.length, 2)
      assert.equal((await fetch(`${mock.url}/posts/1`)).status, 200)
    } finally {
      console.error = original
    }
  })
})

describe('loading', () => {
  test('a module that is not a function, or throws while loading, stops the start naming the file', async () => {
    const dir = await tempDir('restmock-extensions-')
    await writeFile(join(dir, 'object.mjs'), 'export default { not: "a function" }')
    await writeFile(join(dir, 'throws.mjs'), 'throw new Error("no config")\nexport default () => {}')
    const start = (file: string) =>
      startMock({ manifest: MANIFEST, data: structuredClone(DATA), middlewares: join(dir, file) })
    await assert.rejects(start('object.mjs'), /object\.mjs must default-export a function.*got an object/)
    await assert.rejects(start('throws.mjs'), /throws\.mjs failed to load: no config/)
    await assert.rejects(start('missing.mjs'), /missing\.mjs does not exist/)
  })

  test('a native extension whose setup fails stops the start naming the file', async () => {
    const dir = await tempDir('restmock-extensions-')
    await writeFile(join(dir, 'setup.mjs'), 'export default async () => { throw new Error("db down") }')
    await assert.rejects(
      startMock({ manifest: MANIFEST, data: structuredClone(DATA), middlewares: join(dir, 'setup.mjs') }),
      /setup\.mjs failed while setting up: db down/,
    )
  })

  test('a manifest `extensions` that is not a list of paths is a manifest error', async () => {
    await assert.rejects(
      startMock({ manifest: { ...MANIFEST, extensions: './auth.js' }, data: structuredClone(DATA) }),
      (error: { issues?: { path: string; message: string }[] }) => {
        assert.equal(error.issues?.[0]?.path, 'extensions')
        assert.match(error.issues?.[0]?.message ?? '', /must be a list of module paths/)
        return true
      },
    )
  })

  test('manifest `extensions` are relative to the manifest and run before --middlewares', async () => {
    const dir = await tempDir('restmock-extensions-')
    await writeFile(
      join(dir, 'restmock.json'),
      JSON.stringify({ ...MANIFEST, extensions: ['./ext/hello.mjs'] }),
    )
    const { mkdir } = await import('node:fs/promises')
    await mkdir(join(dir, 'ext'))
    await writeFile(
      join(dir, 'ext', 'hello.mjs'),
      `export default (api) => { api.app.get('/hello', (c) => c.text('hello ' + api.data.list('posts').length)) }`,
    )
    const mock = await startMock({ source: join(dir, 'restmock.json') })
    running.push(mock)
    assert.equal(await (await fetch(`${mock.url}/hello`)).text(), 'hello 0')
  })
})
