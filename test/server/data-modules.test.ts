import assert from 'node:assert/strict'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { type ConfigError, createMock, startMock } from '../../src/index.ts'
import { runInProcess, STACK_LINE, tempDir } from '../support/cli-helpers.ts'
import { json } from '../support/helpers.ts'
import { serveCli } from '../support/running-cli.ts'
import { serveInProcess } from '../support/serve-in-process.ts'

/** A module file in a fresh folder (no package.json above it in the temp dir: .js is CommonJS). */
async function moduleFile(name: string, text: string): Promise<{ dir: string; file: string }> {
  const dir = await tempDir('restmock-module-')
  const file = join(dir, name)
  await writeFile(file, text)
  return { dir, file }
}

async function served(file: string): Promise<Record<string, unknown>> {
  const mock = await startMock({ source: file })
  try {
    return (await (await fetch(`${mock.url}/db`)).json()) as Record<string, unknown>
  } finally {
    await mock.close()
  }
}

describe('db.js modules (json-server 0.17 accepts a db.js)', () => {
  test('CommonJS db.js exporting a function that returns the data', async () => {
    const { file } = await moduleFile(
      'db.js',
      'module.exports = () => ({ posts: [{ id: 1, title: "a", at: new Date(0) }], profile: { name: "x" } })\n',
    )
    assert.deepEqual(await served(file), {
      posts: [{ id: 1, title: 'a', at: '1970-01-01T00:00:00.000Z' }],
      profile: { name: 'x' },
    })
  })

  test('ES module db.mjs exporting the data itself', async () => {
    const { file } = await moduleFile('db.mjs', 'export default { users: [{ id: 1, name: "Ada" }] }\n')
    assert.deepEqual(await served(file), { users: [{ id: 1, name: 'Ada' }] })
  })

  test('db.cjs exporting an async function', async () => {
    const { file } = await moduleFile(
      'db.cjs',
      'module.exports = async () => ({ tags: Array.from({ length: 3 }, (_, i) => ({ id: i + 1 })) })\n',
    )
    assert.deepEqual(await served(file), { tags: [{ id: 1 }, { id: 2 }, { id: 3 }] })
  })

  test('served zero-config: relations by <singular>Id, numeric ids stay numeric', async () => {
    const { file } = await moduleFile(
      'db.mjs',
      'export default () => ({ posts: [{ id: 1 }], comments: [{ id: 1, postId: 1 }] })\n',
    )
    const mock = await startMock({ source: file })
    try {
      const created = await fetch(`${mock.url}/posts/1/comments`, json('POST', { body: 'hi' }))
      assert.equal(created.status, 201)
      assert.deepEqual(await created.json(), { body: 'hi', postId: 1, id: 2 })
      assert.deepEqual(await (await fetch(`${mock.url}/posts?_embed=comments`)).json(), [
        {
          id: 1,
          comments: [
            { id: 1, postId: 1 },
            { body: 'hi', postId: 1, id: 2 },
          ],
        },
      ])
    } finally {
      await mock.close()
    }
  })

  test('createMock (synchronous) refuses a module, saying to pass its data', () => {
    assert.throws(
      () => createMock({ source: 'db.js' }),
      /db\.js is a JavaScript module: it is loaded by startMock/,
    )
  })
})

describe('db.js modules through the CLI', () => {
  test('restmock db.js serves the module and keeps state in db.state.json beside it', async () => {
    const { dir, file } = await moduleFile('db.js', 'module.exports = { posts: [{ id: 1, title: "a" }] }\n')
    const cli = await serveCli(['db.js', '--port', '0', '-q'], dir)
    try {
      assert.match(cli.stdout(), /state: .*db\.state\.json/)
      const created = await fetch(`${cli.url}/posts`, json('POST', { title: 'b' }))
      assert.equal(created.status, 201)
    } finally {
      cli.child.kill('SIGTERM')
      await cli.exited
    }
    const state = JSON.parse(await readFile(join(dir, 'db.state.json'), 'utf8')) as { posts: unknown[] }
    assert.deepEqual(state.posts, [
      { id: 1, title: 'a' },
      { title: 'b', id: 2 },
    ])
    // the module itself is never written
    assert.equal(await readFile(file, 'utf8'), 'module.exports = { posts: [{ id: 1, title: "a" }] }\n')
    // the next start continues from the saved state
    const again = await serveInProcess([join(dir, 'db.js'), '--port', '0', '-q'])
    try {
      assert.equal(((await (await fetch(`${again.url}/posts`)).json()) as unknown[]).length, 2)
    } finally {
      await again.close()
    }
  })

  test('restmock validate db.js loads the module and checks its data', async () => {
    const { dir } = await moduleFile(
      'db.js',
      'module.exports = async () => ({ posts: [{ id: 1 }], profile: {} })\n',
    )
    const valid = await runInProcess(['validate', 'db.js'], dir)
    assert.equal(valid.code, 0, valid.stderr)
    assert.match(valid.stdout, /db\.js: valid json-server data module, 2 resources/)
    const broken = await moduleFile('db.js', 'module.exports = { posts: 3 }\n')
    const invalid = await runInProcess(['validate', 'db.js'], broken.dir)
    assert.equal(invalid.code, 1)
    assert.match(invalid.stderr, /posts: must be an array/)
    assert.doesNotMatch(invalid.stderr, STACK_LINE)
  })

  // [what the module does, its text, the message]; the last one is an ES module (db.mjs)
  const failures: [string, string, RegExp][] = [
    [
      'throws',
      'module.exports = () => { throw new Error("no database today") }\n',
      /db\.js failed to load: no database today/,
    ],
    ['has a syntax error', 'module.exports = {\n', /db\.js failed to load: /],
    [
      'exports an array',
      'module.exports = [1, 2]\n',
      /db\.js must default-export an object keyed by resource name .*got an array/,
    ],
    ['exports nothing', 'export const posts = []\n', /db\.mjs must default-export .*got no default export/],
    [
      'exports a bad resource',
      'module.exports = { posts: 3 }\n',
      /db\.js cannot be served:\n {2}- posts: must be an array/,
    ],
  ]
  for (const [what, text, message] of failures) {
    test(`a module that ${what} exits 1 naming the file`, async () => {
      const name = text.startsWith('export') ? 'db.mjs' : 'db.js'
      const { dir } = await moduleFile(name, text)
      const result = await runInProcess([name, '--port', '0', '--in-memory'], dir)
      assert.equal(result.code, 1, result.stderr)
      assert.match(result.stderr, message)
      assert.doesNotMatch(result.stderr, STACK_LINE)
    })
  }
})

describe("a manifest's data (or --data) naming a module", () => {
  const MANIFEST = `resources:
  authors:
    fields:
      name: { type: string, required: true }
  books:
    fields:
      title: { type: string, required: true }
      authorId: { type: integer, ref: authors, required: true }
data: ./data.mjs
`
  const DATA =
    'export default async () => ({ authors: [{ id: 1, name: "Ada" }], books: [{ id: 1, title: "Notes", authorId: 1 }] })\n'

  test('startMock runs the module and serves its records under the manifest', async () => {
    const { dir } = await moduleFile('data.mjs', DATA)
    await writeFile(join(dir, 'shop.yaml'), MANIFEST)
    const mock = await startMock({ source: join(dir, 'shop.yaml') })
    try {
      const book = await (await fetch(`${mock.url}/books/1?_expand=author`)).json()
      assert.deepEqual(book, { id: 1, title: 'Notes', authorId: 1, author: { id: 1, name: 'Ada' } })
      // the records are checked against the manifest's rules like any seed data
      assert.equal((await fetch(`${mock.url}/books`, json('POST', { title: 'x', authorId: 9 }))).status, 422)
    } finally {
      await mock.close()
    }
  })

  test('records that break the rules are reported; createMock says to pass the data; validate and generate read it', async () => {
    const { dir } = await moduleFile('data.mjs', 'export default { authors: [{ id: 1 }], books: [] }\n')
    await writeFile(join(dir, 'shop.yaml'), MANIFEST)
    await assert.rejects(startMock({ source: join(dir, 'shop.yaml') }), (error: ConfigError) => {
      assert.match(error.format(), /data\.mjs has 1 problem:[\s\S]*authors\[0\][\s\S]*name/)
      return true
    })
    assert.throws(
      () => createMock({ source: join(dir, 'shop.yaml') }),
      /data module .*data\.mjs is run by startMock/,
    )
    await writeFile(join(dir, 'data.mjs'), DATA)
    const validated = await runInProcess(['validate', 'shop.yaml'], dir)
    assert.equal(validated.code, 0, validated.stderr)
    assert.match(validated.stdout, /valid manifest, 2 resources, 2 seed records/)
    const generated = await runInProcess(['generate', 'shop.yaml', '--only', 'books', '--count', '3'], dir)
    assert.equal(generated.code, 0, generated.stderr)
    const data = JSON.parse(generated.stdout) as { authors: unknown[]; books: { authorId: number }[] }
    assert.equal(data.authors.length, 1)
    assert.equal(data.books.length, 4)
    for (const book of data.books) assert.equal(book.authorId, 1)
    await writeFile(join(dir, 'data.mjs'), 'export default 42\n')
    const broken = await runInProcess(['validate', 'shop.yaml'], dir)
    assert.equal(broken.code, 1)
    assert.match(broken.stderr, /data\.mjs must default-export an object/)
    assert.doesNotMatch(broken.stderr, STACK_LINE)
  })
})
