import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { runInProcess as run, STACK_LINE, tempDir } from '../support/cli-helpers.ts'
import { serveCli } from '../support/running-cli.ts'
import { serveInProcess } from '../support/serve-in-process.ts'

const fixture = (name: string): string =>
  fileURLToPath(new URL(`../fixtures/openapi/${name}`, import.meta.url))

describe('restmock with an OpenAPI document', () => {
  test('serving lists every operation and how it is served, even with --quiet', async () => {
    const dir = await tempDir('restmock-openapi-')
    const cli = await serveCli([fixture('petstore.yaml'), '--port', '0', '--in-memory', '--quiet'], dir)
    try {
      await new Promise((resolve) => setImmediate(resolve))
      const response = await fetch(`${cli.url}/api/v3/store/inventory`, {
        headers: { api_key: 'demo-api-key' },
      })
      assert.equal(response.status, 200)
      const out = cli.stdout()
      assert.match(out, /operations \(19\) from the OpenAPI document:/)
      assert.match(out, /GET \/api\/v3\/pet\/\{petId\}\s+stateful: resource pet/)
      assert.match(out, /GET \/api\/v3\/store\/inventory\s+stateless: the example of its response/)
      assert.match(out, /GET \/api\/v3\/user\/logout\s+stateless: status only/)
      assert.match(
        out,
        /petstore_auth: Authorization: Bearer demo-token \(or a token from POST \/__restmock\/oauth\/token/,
      )
      assert.match(out, /api_key: api_key: demo-api-key/)
    } finally {
      cli.child.kill('SIGTERM')
      await cli.exited
    }
  })

  test('restmock import writes a manifest that restmock validate accepts and that serves', async () => {
    const dir = await tempDir('restmock-import-')
    const out = join(dir, 'restmock.yaml')
    const imported = await run(['import', fixture('petstore.yaml'), '--out', out], dir)
    assert.equal(imported.code, 0, imported.stderr)
    const text = await readFile(out, 'utf8')
    assert.match(text, /^openapi: .*petstore\.yaml$/m)
    assert.match(text, /^data: \.\/restmock\.data\.json$/m)
    assert.match(text, /name: \{ type: string, required: true \}/)
    const validated = await run(['validate', out], dir)
    assert.equal(validated.code, 0, validated.stderr)
    const direct = await run(['validate', fixture('petstore.yaml')], dir)
    assert.match(direct.stdout, /valid OpenAPI document, 3 resources, 2 seed records/)
    const mock = await serveInProcess([out, '--port', '0', '--in-memory', '-q'])
    try {
      const key = { headers: { api_key: 'demo-api-key' } }
      assert.equal((await fetch(`${mock.url}/api/v3/store/inventory`, key)).status, 200)
      assert.equal((await fetch(`${mock.url}/api/v3/store/order/10`)).status, 200)
    } finally {
      await mock.close()
    }
  })

  test('import --out x.json writes JSON; without --out the manifest goes to stdout', async () => {
    const dir = await tempDir('restmock-import-')
    const printed = await run(['import', fixture('library-3.1.yaml')], dir)
    assert.equal(printed.code, 0, printed.stderr)
    assert.match(printed.stdout, /^basePath: \/v2$/m)
    const out = join(dir, 'library.json')
    assert.equal((await run(['import', fixture('library-3.1.yaml'), '--out', out], dir)).code, 0)
    const manifest = JSON.parse(await readFile(out, 'utf8')) as { resources: Record<string, unknown> }
    assert.deepEqual(Object.keys(manifest.resources), ['authors', 'books'])
  })

  for (const [name, pattern] of [
    ['swagger2.json', /Swagger 2\.0 document[\s\S]*swagger2openapi/],
    [
      'unresolved-ref.yaml',
      /unresolved \$ref[\s\S]*#\/paths\/~1pets~1\{petId\}\/get\/.*\$ref: #\/components\/schemas\/Pett does not exist/,
    ],
    [
      'missing-file-ref.yaml',
      /unresolved \$ref[\s\S]*#\/paths\/~1pets\/get\/.*\$ref: \.\/schemas\/nowhere\.yaml cannot be read/,
    ],
    ['invalid-schema.yaml', /invalid schema[\s\S]*"strng" is not a schema type/],
  ] as const) {
    test(`${name}: exit 1 with the location, no stack`, async () => {
      const result = await run([fixture(name), '--port', '0', '--in-memory'])
      assert.equal(result.code, 1)
      assert.match(result.stderr, pattern)
      assert.doesNotMatch(result.stderr, STACK_LINE)
    })
  }

  test('import of a file that is not OpenAPI: exit 1 saying so', async () => {
    const result = await run(['import', fixture('not-openapi.yaml')])
    assert.equal(result.code, 1)
    assert.match(result.stderr, /is not an OpenAPI document/)
    assert.doesNotMatch(result.stderr, STACK_LINE)
  })
})
