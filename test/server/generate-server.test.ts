import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { createMock, startMock } from '../../src/index.ts'

const DEMO = fileURLToPath(new URL('../../seeds/restmock.yaml', import.meta.url))

const tempDirs: string[] = []
after(async () => {
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })))
})

async function manifestFile(text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'restmock-generate-server-'))
  tempDirs.push(dir)
  const path = join(dir, 'm.yaml')
  await writeFile(path, text)
  return path
}

type Row = Record<string, unknown>

test('createMock generates the count records a collection has no seed data for, the same every time', async () => {
  const first = createMock({ source: DEMO })
  const reviews = (await (await first.request('/api/reviews?_limit=100')).json()) as Row[]
  assert.equal(reviews.length, 20)
  const customers = (await (await first.request('/api/customers?_limit=100')).json()) as Row[]
  assert.equal(customers.length, 12, 'collections with seed records are not generated')
  const customerIds = new Set(customers.map((c) => c.id))
  assert.ok(reviews.every((r) => customerIds.has(r.customerId)))

  const second = createMock({ source: DEMO })
  assert.deepEqual(await (await second.request('/api/reviews?_limit=100')).json(), reviews)

  // reset returns to the same generated records
  assert.equal((await first.request('/api/reviews/1', { method: 'DELETE' })).status, 204)
  await first.reset()
  assert.deepEqual(await (await first.request('/api/reviews?_limit=100')).json(), reviews)
})

test('a different seed or locale gives different records', async () => {
  const base = (await (await createMock({ source: DEMO }).request('/api/reviews')).json()) as Row[]
  const seeded = (await (await createMock({ source: DEMO, seed: 1 }).request('/api/reviews')).json()) as Row[]
  assert.notDeepEqual(seeded, base)
  const manifest = [
    'resources:',
    '  people:',
    '    count: 30',
    '    fields:',
    '      city: { type: string }',
    '',
  ].join('\n')
  const cities = async (locale?: string): Promise<unknown[]> => {
    const app = createMock(locale === undefined ? { manifest, seed: 4 } : { manifest, seed: 4, locale })
    return ((await (await app.request('/people?_limit=30')).json()) as Row[]).map((p) => p.city)
  }
  assert.notDeepEqual(await cities('de'), await cities())
  assert.deepEqual(await cities('de'), await cities('de'))
})

test('startMock serves generated records; a manifest with a bad faker method does not start', async () => {
  const good = await manifestFile(
    [
      'seed: 3',
      'resources:',
      '  authors:',
      '    count: 4',
      '    fields:',
      '      name: { type: string, required: true }',
      '  posts:',
      '    count: 12',
      '    timestamps: true',
      '    fields:',
      '      authorId: { type: integer, ref: authors, required: true }',
      '      title: { type: string, required: true, maxLength: 80 }',
      '',
    ].join('\n'),
  )
  const mock = await startMock({ source: good, port: 0, persist: false })
  try {
    const posts = (await (await fetch(`${mock.url}/posts?_limit=50`)).json()) as Row[]
    assert.equal(posts.length, 12)
    assert.ok(
      posts.every(
        (p) => typeof p.title === 'string' && (p.authorId as number) >= 1 && (p.authorId as number) <= 4,
      ),
    )
  } finally {
    await mock.close()
  }

  const bad = await manifestFile(
    'resources:\n  posts:\n    count: 2\n    fields:\n      title: { type: string, faker: lorem.sentance }\n',
  )
  await assert.rejects(
    startMock({ source: bad, port: 0, persist: false }),
    (error: Error & { issues?: Array<{ path: string; message: string }> }) => {
      assert.equal(error.issues?.[0]?.path, 'resources.posts.fields.title.faker')
      assert.match(error.issues?.[0]?.message ?? '', /did you mean "lorem.sentence"/)
      return true
    },
  )
})
