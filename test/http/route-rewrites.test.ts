import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { createMock } from '../../src/index.ts'
import { tempDir } from '../support/cli-helpers.ts'
import { json } from '../support/helpers.ts'

const DB = {
  posts: [
    { id: 1, title: 'json-server', category: 'javascript' },
    { id: 2, title: 'restmock', category: 'typescript' },
  ],
  comments: [
    { id: 1, body: 'quux', postId: 1, userId: 1 },
    { id: 2, body: 'other', postId: 1, userId: 2 },
  ],
}

const data = (): typeof DB => structuredClone(DB)

async function body(response: Response): Promise<unknown> {
  assert.equal(response.status, 200)
  return response.json()
}

describe('URL rewrite rules (json-server --routes)', () => {
  test("json-server's documented examples", async () => {
    // rules apply in order, each to the URL the previous ones made: "/posts/:category" goes before the rule
    // that produces "/posts/1", or it would turn that into "/posts?category=1"
    const app = createMock({
      data: data(),
      routes: {
        '/api/*': '/$1',
        '/posts/:category': '/posts?category=:category',
        '/:resource/:id/show': '/:resource/:id',
        '/articles?id=:id': '/posts/:id',
      },
    })
    assert.deepEqual(await body(await app.request('/api/posts')), DB.posts)
    assert.deepEqual(await body(await app.request('/posts/1/show')), DB.posts[0])
    assert.deepEqual(await body(await app.request('/posts/javascript')), [DB.posts[0]])
    assert.deepEqual(await body(await app.request('/articles?id=1')), DB.posts[0])
  })

  test('params and a query string in the target, a fixed query, a query in the pattern', async () => {
    const app = createMock({
      data: data(),
      routes: {
        '/blog/posts/:id/show': '/posts/:id',
        '/comments/special/:userId-:body': '/comments?userId=:userId&body=:body',
        '/firstpost': '/posts/1',
        '/articles\\?_id=:id': '/posts/:id',
      },
    })
    assert.deepEqual(await body(await app.request('/blog/posts/2/show')), DB.posts[1])
    assert.deepEqual(await body(await app.request('/comments/special/1-quux')), [DB.comments[0]])
    assert.deepEqual(await body(await app.request('/firstpost')), DB.posts[0])
    assert.deepEqual(await body(await app.request('/articles?_id=2')), DB.posts[1])
  })

  test('the query string of the request goes along when the pattern captures it', async () => {
    const app = createMock({ data: data(), routes: { '/api/*': '/$1' } })
    assert.deepEqual(await body(await app.request('/api/posts?category=typescript')), [DB.posts[1]])
  })

  test('writes are rewritten with their method and body; Location names the real path', async () => {
    const app = createMock({ data: data(), routes: { '/api/*': '/$1' } })
    const created = await app.request('/api/posts', json('POST', { title: 'new', category: 'go' }))
    assert.equal(created.status, 201)
    assert.equal(created.headers.get('location'), '/posts/3')
    assert.deepEqual(await created.json(), { id: 3, title: 'new', category: 'go' })
    const patched = await app.request('/api/posts/3', json('PATCH', { title: 'newer' }))
    assert.equal(patched.status, 200)
    assert.equal(((await patched.json()) as { title: string }).title, 'newer')
    assert.equal((await app.request('/api/posts/3', { method: 'DELETE' })).status, 200)
    assert.equal((await app.request('/posts/3')).status, 404)
  })

  test('the original paths keep working next to the rules', async () => {
    const app = createMock({ data: data(), routes: { '/api/*': '/$1' } })
    assert.deepEqual(await body(await app.request('/posts/1')), DB.posts[0])
  })

  test('a rewritten URL no route answers is the usual 404 problem, for the rewritten path', async () => {
    const app = createMock({ data: data(), routes: { '/old/*': '/gone/$1' } })
    const response = await app.request('/old/1')
    assert.equal(response.status, 404)
    assert.equal(response.headers.get('content-type'), 'application/problem+json')
    assert.equal(((await response.json()) as { instance: string }).instance, '/gone/1')
  })

  test('the admin API is never rewritten', async () => {
    const app = createMock({ data: data(), routes: { '/__restmock/*': '/posts', '/*': '/posts/1' } })
    const health = await app.request('/__restmock/health')
    assert.equal(health.status, 200)
    assert.notDeepEqual(await health.json(), DB.posts[0])
    // and everything else is
    assert.deepEqual(await body(await app.request('/anything')), DB.posts[0])
  })

  test('rules read from a routes.json file', async () => {
    const dir = await tempDir('restmock-routes-')
    const file = join(dir, 'routes.json')
    await writeFile(file, JSON.stringify({ '/api/*': '/$1' }))
    const app = createMock({ data: data(), routes: file })
    assert.deepEqual(await body(await app.request('/api/posts/2')), DB.posts[1])
  })

  test('a bad rules file or object stops createMock, naming the file and the rule', async () => {
    const dir = await tempDir('restmock-routes-')
    const file = join(dir, 'routes.json')
    await writeFile(file, '{"/api/*": "/$1",}')
    assert.throws(() => createMock({ data: data(), routes: file }), {
      name: 'ConfigError',
      message: /routes\.json/,
    })
    await writeFile(file, JSON.stringify({ '/a/:id': '/b/:name' }))
    assert.throws(
      () => createMock({ data: data(), routes: file }),
      (error: Error & { format(): string }) => {
        assert.match(error.message, /routes\.json has a bad rewrite rule/)
        assert.match(error.format(), /"\/a\/:id": maps to ":name"/)
        return true
      },
    )
    assert.throws(
      () => createMock({ data: data(), routes: { '/a': 'b' } }),
      /options\.routes has a bad rewrite rule/,
    )
    assert.throws(
      () => createMock({ data: data(), routes: join(dir, 'missing.json') }),
      /routes file .*missing\.json does not exist/,
    )
    assert.throws(
      () => createMock({ data: data(), routes: 3 as never }),
      /options\.routes must be a routes\.json path or an object/,
    )
  })
})
