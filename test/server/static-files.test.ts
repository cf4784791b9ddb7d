import assert from 'node:assert/strict'
import { mkdir, writeFile } from 'node:fs/promises'
import { request as httpRequest } from 'node:http'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { createMock, startMock } from '../../src/index.ts'
import { contentTypeOf, serveStaticFiles, withDefaultStaticFolder } from '../../src/server/static-files.ts'
import { runInProcess as run, tempDir } from '../support/cli-helpers.ts'
import { json } from '../support/helpers.ts'
import { serveCli } from '../support/running-cli.ts'

const DB = { posts: [{ id: 1, title: 'a' }], profile: { name: 'x' } }

/** root/secret.txt beside root/public/{index.html, app.css, posts/1, docs/index.html, .env} */
async function site(): Promise<{ root: string; folder: string }> {
  const root = await tempDir('restmock-static-')
  const folder = join(root, 'public')
  await mkdir(join(folder, 'posts'), { recursive: true })
  await mkdir(join(folder, 'docs'))
  await writeFile(join(root, 'secret.txt'), 'secret')
  await writeFile(join(root, 'db.json'), JSON.stringify(DB))
  await writeFile(join(folder, 'index.html'), '<h1>my app</h1>')
  await writeFile(join(folder, 'app.css'), 'body { color: red }')
  await writeFile(join(folder, 'posts', '1'), 'a file named like a record')
  await writeFile(join(folder, 'docs', 'index.html'), '<h1>docs</h1>')
  await writeFile(join(folder, '.env'), 'TOKEN=1')
  return { root, folder }
}

/** GET with the path sent exactly as written (fetch would normalize `..` away). */
function rawGet(url: string, path: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve, reject) => {
    const request = httpRequest({ hostname, port, path, method: 'GET' }, (response) => {
      let body = ''
      response.setEncoding('utf8').on('data', (chunk: string) => {
        body += chunk
      })
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }))
    })
    request.on('error', reject)
    request.end()
  })
}

describe('static files (json-server --static, ./public)', () => {
  test('files are served with their content type; index.html answers for / and for a folder', async () => {
    const { folder } = await site()
    const app = createMock({ data: structuredClone(DB), static: folder })
    const home = await app.request('/')
    assert.equal(home.status, 200)
    assert.equal(home.headers.get('content-type'), 'text/html; charset=utf-8')
    assert.equal(await home.text(), '<h1>my app</h1>')
    const css = await app.request('/app.css')
    assert.equal(css.headers.get('content-type'), 'text/css; charset=utf-8')
    assert.equal(css.headers.get('content-length'), String('body { color: red }'.length))
    assert.equal(await css.text(), 'body { color: red }')
    assert.equal(await (await app.request('/docs/')).text(), '<h1>docs</h1>')
    assert.equal(await (await app.request('/docs')).text(), '<h1>docs</h1>')
  })

  test('json-server 0.17 order: an existing file wins over a resource route for GET; writes reach the API', async () => {
    const { folder } = await site()
    const app = createMock({ data: structuredClone(DB), static: [folder] })
    assert.equal(await (await app.request('/posts/1')).text(), 'a file named like a record')
    const patched = await app.request('/posts/1', json('PATCH', { title: 'b' }))
    assert.equal(patched.status, 200)
    assert.deepEqual(await patched.json(), { id: 1, title: 'b' })
  })

  test('a path with no file falls through to the API (records, 404 problems)', async () => {
    const { folder } = await site()
    const app = createMock({ data: structuredClone(DB), static: folder })
    assert.deepEqual(await (await app.request('/posts')).json(), [{ id: 1, title: 'a' }])
    const missing = await app.request('/nothing.js')
    assert.equal(missing.status, 404)
    assert.match(missing.headers.get('content-type') ?? '', /problem\+json/)
  })

  test('HEAD answers the headers only; If-None-Match with the ETag answers 304', async () => {
    const { folder } = await site()
    const app = createMock({ data: structuredClone(DB), static: folder })
    const head = await app.request('/app.css', { method: 'HEAD' })
    assert.equal(head.status, 200)
    assert.equal(await head.text(), '')
    const etag = head.headers.get('etag')
    assert.ok(etag !== null)
    const again = await app.request('/app.css', { headers: { 'if-none-match': etag } })
    assert.equal(again.status, 304)
  })

  test('never a file outside the folder, nor a dotfile', () => {
    return site().then(({ folder }) => {
      const files = serveStaticFiles([folder])!
      const get = (path: string) => files(new Request(`http://localhost${path}`), path)
      for (const path of [
        '/../secret.txt',
        '/%2e%2e/secret.txt',
        '/%2E%2E/secret.txt',
        '/..%2fsecret.txt',
        '/docs/..%2f..%2fsecret.txt',
        '/..%5csecret.txt',
        '/%00index.html',
        '/%E0%A4%A',
        '/.env',
        '/%2eenv',
      ]) {
        assert.equal(get(path), undefined, path)
      }
      assert.equal(get('/app.css')?.status, 200)
    })
  })

  test('content types of common files; unknown extensions are bytes', () => {
    assert.equal(contentTypeOf('a.js'), 'text/javascript; charset=utf-8')
    assert.equal(contentTypeOf('a.JSON'), 'application/json; charset=utf-8')
    assert.equal(contentTypeOf('a.svg'), 'image/svg+xml')
    assert.equal(contentTypeOf('a.woff2'), 'font/woff2')
    assert.equal(contentTypeOf('a.unknown'), 'application/octet-stream')
  })

  test('the CLI adds ./public of the working directory when it exists', async () => {
    const { root, folder } = await site()
    assert.deepEqual(withDefaultStaticFolder([], root), [folder])
    assert.deepEqual(withDefaultStaticFolder(['x'], join(root, 'public')), ['x'])
  })

  test('startMock: a static folder that does not exist stops the start', async () => {
    const { root } = await site()
    await assert.rejects(
      startMock({ source: join(root, 'db.json'), static: join(root, 'nope') }),
      /the static folder .*nope does not exist or is not a folder/,
    )
  })
})

describe('static files through the CLI', () => {
  test('./public is served by default, its index.html takes over /, and `..` never leaves it', async () => {
    const { root } = await site()
    const cli = await serveCli(['db.json', '--port', '0', '--in-memory', '-q'], root)
    try {
      assert.equal(await (await fetch(`${cli.url}/`)).text(), '<h1>my app</h1>')
      assert.deepEqual(await (await fetch(`${cli.url}/profile`)).json(), { name: 'x' })
      for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt']) {
        const answer = await rawGet(cli.url, path)
        assert.notEqual(answer.body, 'secret', path)
        assert.equal(answer.status, 404, path)
      }
    } finally {
      cli.child.kill('SIGTERM')
      await cli.exited
    }
  })

  test('--static (repeatable) serves more folders; the first holding a path wins', async () => {
    const { root } = await site()
    await mkdir(join(root, 'a'))
    await mkdir(join(root, 'b'))
    await writeFile(join(root, 'a', 'x.json'), '{"from":"a"}')
    await writeFile(join(root, 'b', 'x.json'), '{"from":"b"}')
    await writeFile(join(root, 'b', 'y.txt'), 'from b')
    const cli = await serveCli(
      ['--static', 'a', '-s', 'b', 'db.json', '--port', '0', '--in-memory', '-q'],
      root,
    )
    try {
      const x = await fetch(`${cli.url}/x.json`)
      assert.equal(x.headers.get('content-type'), 'application/json; charset=utf-8')
      assert.deepEqual(await x.json(), { from: 'a' })
      assert.equal(await (await fetch(`${cli.url}/y.txt`)).text(), 'from b')
      // ./public still comes after the folders given
      assert.equal(await (await fetch(`${cli.url}/app.css`)).text(), 'body { color: red }')
    } finally {
      cli.child.kill('SIGTERM')
      await cli.exited
    }
  })

  test('--static naming a missing folder exits 1 naming it', async () => {
    const { root } = await site()
    const result = await run(['db.json', '--static', 'missing', '--port', '0', '--in-memory'], root)
    assert.equal(result.code, 1, result.stderr)
    assert.match(result.stderr, /the static folder .*missing does not exist or is not a folder/)
  })
})
