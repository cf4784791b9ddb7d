import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { test } from 'node:test'
import { startMock } from '../../src/index.ts'
import { tempDir } from '../support/cli-helpers.ts'
import { saveAtomically, until } from '../support/file-edits.ts'

test('watch: an edited routes file applies at once (GET /__rules shows it); a broken one keeps the rules', async (t) => {
  const lines: string[] = []
  t.mock.method(console, 'error', (line: string) => lines.push(line))
  const dir = await tempDir('restmock-watch-routes-')
  const db = join(dir, 'db.json')
  const routes = join(dir, 'routes.json')
  await writeFile(db, JSON.stringify({ posts: [{ id: 1, title: 'a' }] }))
  await writeFile(routes, JSON.stringify({ '/api/*': '/$1' }))
  const mock = await startMock({ source: db, routes, watch: true, watchDebounceMs: 5 })
  try {
    assert.equal((await fetch(`${mock.url}/api/posts/1`)).status, 200)
    const reloaded = (): number => lines.filter((line) => /routes reloaded/.test(line)).length

    await saveAtomically(routes, { '/v2/*': '/$1' })
    await until('the reload', () => reloaded() === 1)
    assert.deepEqual(await (await fetch(`${mock.url}/__rules`)).json(), { '/v2/*': '/$1' })
    assert.equal((await fetch(`${mock.url}/v2/posts/1`)).status, 200)
    assert.equal((await fetch(`${mock.url}/api/posts/1`)).status, 404)

    await saveAtomically(routes, '{ "/v3/*": ')
    await until('the problem report', () => lines.some((line) => /not reloaded, still using/.test(line)))
    assert.match(lines.find((line) => /not reloaded/.test(line))!, /routes\.json/)
    assert.equal((await fetch(`${mock.url}/v2/posts/1`)).status, 200, 'the previous rules still apply')

    await saveAtomically(routes, { '/v3/*': '/$1' })
    await until('the next reload', () => reloaded() === 2)
    assert.equal((await fetch(`${mock.url}/v3/posts/1`)).status, 200)
    // the data was not touched by routes reloads
    assert.equal(lines.filter((line) => /changed on disk|reset to it/.test(line)).length, 0)
  } finally {
    await mock.close()
  }
})

test('without watching, the routes file is read once', async (t) => {
  t.mock.method(console, 'error', () => {})
  const dir = await tempDir('restmock-watch-routes-')
  const db = join(dir, 'db.json')
  const routes = join(dir, 'routes.json')
  await writeFile(db, JSON.stringify({ posts: [{ id: 1 }] }))
  await writeFile(routes, JSON.stringify({ '/api/*': '/$1' }))
  const mock = await startMock({ source: db, routes, watch: false })
  try {
    await saveAtomically(routes, { '/v2/*': '/$1' })
    assert.deepEqual(await (await fetch(`${mock.url}/__rules`)).json(), { '/api/*': '/$1' })
  } finally {
    await mock.close()
  }
})
