import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { runInProcess as run, tempDir } from '../support/cli-helpers.ts'
import { serveCli } from '../support/running-cli.ts'
import { serveInProcess } from '../support/serve-in-process.ts'

const DB = { posts: [{ id: 1, title: 'json-server' }] }

describe('restmock db.json --routes routes.json', () => {
  test('serves the rewritten URLs (-r is the short form, as in json-server)', async () => {
    const dir = await tempDir()
    await writeFile(join(dir, 'db.json'), JSON.stringify(DB))
    await writeFile(
      join(dir, 'routes.json'),
      JSON.stringify({ '/api/*': '/$1', '/blog/:id/show': '/posts/:id' }),
    )
    // -r through the real CLI; --routes on the same flags, parsed and served in this process
    const cli = await serveCli(['db.json', '-r', 'routes.json', '--port', '0', '--in-memory', '-q'], dir)
    const long = await serveInProcess([
      join(dir, 'db.json'),
      ...['--routes', join(dir, 'routes.json'), '--port', '0', '--in-memory', '-q'],
    ])
    try {
      for (const url of [cli.url, long.url]) {
        const listed = await fetch(`${url}/api/posts`)
        assert.equal(listed.status, 200)
        assert.deepEqual(await listed.json(), DB.posts)
        const shown = await fetch(`${url}/blog/1/show`)
        assert.deepEqual(await shown.json(), DB.posts[0])
        const rules = await fetch(`${url}/__rules`)
        assert.deepEqual(await rules.json(), { '/api/*': '/$1', '/blog/:id/show': '/posts/:id' })
      }
    } finally {
      cli.child.kill('SIGTERM')
      await cli.exited
      await long.close()
    }
  })

  test('a bad routes file exits 1 naming the file and the rule', async () => {
    const dir = await tempDir()
    await writeFile(join(dir, 'db.json'), JSON.stringify(DB))
    await writeFile(join(dir, 'routes.json'), JSON.stringify({ '/api/*': '/$1', '/x/:id': '/posts/:postId' }))
    const bad = await run(['db.json', '--routes', 'routes.json', '--port', '0', '--in-memory'], dir)
    assert.equal(bad.code, 1)
    assert.match(bad.stderr, /routes\.json has a bad rewrite rule/)
    assert.match(bad.stderr, /"\/x\/:id": maps to ":postId", which the pattern does not have/)
    await writeFile(join(dir, 'routes.json'), '{ "/api/*": ')
    const broken = await run(['db.json', '--routes', 'routes.json', '--port', '0', '--in-memory'], dir)
    assert.equal(broken.code, 1)
    assert.match(broken.stderr, /routes\.json/)
    const missing = await run(['db.json', '--routes', 'nope.json', '--port', '0', '--in-memory'], dir)
    assert.equal(missing.code, 1)
    assert.match(missing.stderr, /routes file .*nope\.json does not exist/)
  })
})
