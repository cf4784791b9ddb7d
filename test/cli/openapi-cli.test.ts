import assert from 'node:assert/strict'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { parse } from 'yaml'
import { startMock } from '../../src/index.ts'
import { ROOT, run, runInProcess, STACK_LINE, tempDir } from '../support/cli-helpers.ts'

/** `restmock openapi`: the same document as a running mock's GET /__restmock/openapi.json. */

const DEMO = join(ROOT, 'seeds', 'restmock.yaml')

describe('restmock openapi', () => {
  test('writes JSON to standard output, byte for byte what a running mock answers', async () => {
    const result = await run(['openapi', DEMO])
    assert.equal(result.code, 0, result.stderr)
    assert.equal(result.stderr, '')
    const document = JSON.parse(result.stdout) as { openapi: string; paths: Record<string, unknown> }
    assert.equal(document.openapi, '3.1.0')
    assert.ok(document.paths['/customers/{id}'])

    const mock = await startMock({ source: DEMO, port: 0 })
    try {
      const response = await fetch(`${mock.url}/__restmock/openapi.json`)
      assert.equal(response.status, 200)
      assert.equal(response.headers.get('content-type'), 'application/json; charset=utf-8')
      assert.equal(await response.text(), result.stdout)
      assert.deepEqual(await mock.openapi(), document, 'the admin client reads the same document')
      const admin = await mock.openapi({ includeAdmin: true })
      assert.ok(admin.paths['/__restmock/reset'])
    } finally {
      await mock.close()
    }
  })

  test('--out writes YAML for .yaml (JSON otherwise); --include-admin adds the admin API', async () => {
    const dir = await tempDir('restmock-openapi-')
    const yamlFile = join(dir, 'api.yaml')
    const result = await runInProcess(['openapi', DEMO, '--out', yamlFile, '--include-admin'], dir)
    assert.equal(result.code, 0, result.stderr)
    assert.equal(result.stdout, '')
    assert.match(result.stderr, /^wrote api\.yaml: OpenAPI 3\.1, \d+ operations\n$/)
    const text = await readFile(yamlFile, 'utf8')
    assert.ok(text.startsWith('openapi: 3.1.0\n'))
    assert.ok(!/[&*]a\d+\b/.test(text), 'no YAML anchors or aliases')
    const fromYaml = parse(text) as { paths: Record<string, unknown> }
    assert.ok(fromYaml.paths['/__restmock/openapi.json'])

    const jsonResult = await runInProcess(['openapi', 'db.json', '-o', 'api.json'], await dbFolder(dir))
    assert.equal(jsonResult.code, 0, jsonResult.stderr)
    const written = JSON.parse(await readFile(join(dir, 'db', 'api.json'), 'utf8')) as { paths: object }
    assert.ok(Object.keys(written.paths).includes('/posts/{id}/comments'))
  })

  test('a bad source or --out: exit 1 with a message, no stack', async () => {
    const dir = await tempDir('restmock-openapi-')
    await writeFile(
      join(dir, 'bad.yaml'),
      'resources:\n  customers:\n    fields:\n      name: { type: strng }\n',
    )
    const bad = await runInProcess(['openapi', 'bad.yaml'], dir)
    assert.equal(bad.code, 1)
    assert.match(bad.stderr, /resources\.customers\.fields\.name\.type/)
    assert.doesNotMatch(bad.stderr, STACK_LINE)
    assert.equal(bad.stdout, '')
    const missing = await runInProcess(['openapi', 'nope.yaml'], dir)
    assert.equal(missing.code, 1)
    assert.match(missing.stderr, /nope\.yaml does not exist/)
    const badOut = await runInProcess(['openapi', DEMO, '--out', join(dir, 'missing', 'api.json')], dir)
    assert.equal(badOut.code, 1)
    assert.match(badOut.stderr, /--out .*api\.json is in a folder that does not exist/)
    assert.doesNotMatch(badOut.stderr, STACK_LINE)
  })
})

async function dbFolder(parent: string): Promise<string> {
  const dir = join(parent, 'db')
  const { mkdir } = await import('node:fs/promises')
  await mkdir(dir)
  await writeFile(
    join(dir, 'db.json'),
    JSON.stringify({ posts: [{ id: 1 }], comments: [{ id: 1, postId: 1 }] }),
  )
  return dir
}
