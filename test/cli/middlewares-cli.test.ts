import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { run, runInProcess, STACK_LINE, tempDir } from '../support/cli-helpers.ts'
import { json } from '../support/helpers.ts'
import { serveCli } from '../support/running-cli.ts'
import { serveInProcess } from '../support/serve-in-process.ts'

const DB = { posts: [{ id: 1, title: 'json-server' }] }

// json-server 0.17's documented middleware examples, as a user would have them on disk (CommonJS)
const AUTH = `module.exports = (req, res, next) => {
  if (req.get('authorization') === 'Bearer token') next()
  else res.sendStatus(401)
}`
const STAMP = `module.exports = (req, res, next) => {
  if (req.method === 'POST') req.body.createdAt = 1700000000000
  res.header('X-Hello', 'World')
  next()
}`

async function project(files: Record<string, string>): Promise<string> {
  const dir = await tempDir('restmock-middlewares-')
  await writeFile(join(dir, 'db.json'), JSON.stringify(DB))
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text)
  return dir
}

describe('restmock --middlewares', () => {
  test('json-server middlewares run unchanged, in the order given (repeatable, -m alias)', async () => {
    const dir = await project({ 'auth.js': AUTH, 'stamp.js': STAMP })
    const cli = await serveCli(
      ['db.json', '--port', '0', '--in-memory', '--middlewares', 'auth.js', '-m', 'stamp.js'],
      dir,
    )
    const refused = await fetch(`${cli.url}/posts`)
    assert.equal(refused.status, 401)
    assert.equal(await refused.text(), 'Unauthorized')

    const headers = { authorization: 'Bearer token' }
    const created = await fetch(`${cli.url}/posts`, json('POST', { title: 'new' }, headers))
    assert.equal(created.status, 201)
    assert.equal(created.headers.get('x-hello'), 'World')
    assert.deepEqual(await created.json(), { id: 2, title: 'new', createdAt: 1700000000000 })
    const list = await fetch(`${cli.url}/posts`, { headers })
    assert.deepEqual(await list.json(), [
      { id: 1, title: 'json-server' },
      { id: 2, title: 'new', createdAt: 1700000000000 },
    ])
    cli.child.kill('SIGTERM')
    assert.equal((await cli.exited).code, 0)
  })

  test('a native extension adds a route next to the generated CRUD', async () => {
    const dir = await project({
      'stats.mjs': `export default (api) => {
        api.app.get('/stats', (c) => c.json({ posts: api.data.list('posts').length }))
      }`,
    })
    const mock = await serveInProcess([
      join(dir, 'db.json'),
      ...['--port', '0', '--in-memory', '-q', '--middlewares', join(dir, 'stats.mjs')],
    ])
    await fetch(`${mock.url}/posts`, json('POST', { title: 'two' }))
    assert.deepEqual(await (await fetch(`${mock.url}/stats`)).json(), { posts: 2 })
    await mock.close()
  })

  test('a module that is not a function exits 1 naming the file, without a stack trace', async () => {
    const dir = await project({ 'config.js': 'module.exports = { port: 3000 }' })
    const result = await runInProcess(['db.json', '--port', '0', '--middlewares', 'config.js'], dir)
    assert.equal(result.code, 1)
    assert.match(result.stderr, /config\.js must default-export a function/)
    assert.doesNotMatch(result.stderr, STACK_LINE)
  })

  test('a module that throws while loading exits 1 naming the file', async () => {
    const dir = await project({ 'broken.js': 'throw new Error("missing API key")' })
    const result = await runInProcess(['db.json', '--port', '0', '--middlewares', 'broken.js'], dir)
    assert.equal(result.code, 1)
    assert.match(result.stderr, /broken\.js failed to load: missing API key/)
    assert.doesNotMatch(result.stderr, STACK_LINE)
  })

  // a real process: this one has a TypeScript loader
  test('a TypeScript module without a loader exits 1 saying to compile it or use .js', async () => {
    const dir = await project({
      'auth.ts': 'export default (req: unknown, res: unknown, next: () => void) => next()',
    })
    const result = await run(['db.json', '--port', '0', '--middlewares', 'auth.ts'], dir)
    assert.equal(result.code, 1)
    assert.match(result.stderr, /auth\.ts is TypeScript.*compile it to \.js, write it as \.js\/\.mjs/)
    assert.doesNotMatch(result.stderr, STACK_LINE)
  })

  test('a file that does not exist exits 1 naming it', async () => {
    const dir = await project({})
    const result = await runInProcess(['db.json', '--port', '0', '--middlewares', 'nope.js'], dir)
    assert.equal(result.code, 1)
    assert.match(result.stderr, /nope\.js does not exist/)
  })
})
