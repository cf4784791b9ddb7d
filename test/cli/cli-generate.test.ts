import assert from 'node:assert/strict'
import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { progressBar, renderProgress } from '../../src/cli/generate.ts'
import { ROOT, runInProcess as run, STACK_LINE, run as spawnCli, tempDir } from '../support/cli-helpers.ts'

const DEMO = join(ROOT, 'seeds', 'restmock.yaml')

type Data = Record<string, Array<Record<string, unknown>> | Record<string, unknown>>
const collection = (data: Data, name: string) => data[name] as Array<Record<string, unknown>>

/** A manifest without seed data or seed, written to a temp folder. */
async function plainManifest(dir: string, extra = ''): Promise<string> {
  const path = join(dir, 'shop.yaml')
  await writeFile(
    path,
    [
      'name: Shop',
      'resources:',
      '  customers:',
      '    count: 5',
      '    fields:',
      '      name: { type: string, required: true }',
      '      email: { type: string, format: email, unique: true, required: true }',
      '  orders:',
      '    timestamps: true',
      '    fields:',
      '      customerId: { type: integer, ref: customers, required: true }',
      '      total: { type: number, minimum: 0, required: true }',
      '  settings:',
      '    singleton: true',
      '    fields:',
      '      shopName: { type: string, required: true }',
      extra,
    ].join('\n'),
  )
  return path
}

describe('restmock generate', { concurrency: 4 }, () => {
  test('writes the seed data plus generated records, valid for the manifest, byte-identical for a seed', async () => {
    const dir = await tempDir()
    const first = join(dir, 'a.json')
    const second = join(dir, 'b.json')
    const args = ['generate', DEMO, '--seed', '42', '--count', '30']
    const [a, b] = await Promise.all([spawnCli([...args, '--out', first]), run([...args, '--out', second])])
    assert.equal(a.code, 0, a.stderr)
    assert.equal(b.code, 0, b.stderr)
    const text = await readFile(first, 'utf8')
    assert.equal(await readFile(second, 'utf8'), text)
    const data = JSON.parse(text) as Data
    // 12 hand-written customers are kept, 30 are added with ids after theirs
    assert.equal(collection(data, 'customers').length, 42)
    assert.equal(collection(data, 'customers')[12]?.id, 13)
    assert.equal(collection(data, 'reviews').length, 30)
    assert.match(
      a.stderr,
      /^restmock: generated 180 records \(customers 30, .*reviews 30\) to .*a\.json, seed 42\n$/,
    )
    assert.equal(a.stdout, '')
    // no progress bar when stderr is not a terminal
    assert.doesNotMatch(a.stderr, /\r|generating \[/)

    // the file is valid seed data for the manifest: every record passes the same checks as a POST
    const check = await run(['validate', DEMO, '--data', first])
    assert.equal(check.code, 0, check.stderr)
    assert.match(check.stdout, /valid manifest, 7 resources, 2\d\d seed records/)
  })

  test('different seeds give different data', async () => {
    const dir = await tempDir()
    const manifest = await plainManifest(dir)
    const [a, b] = await Promise.all([
      run(['generate', manifest, '--seed', '1']),
      run(['generate', manifest, '--seed', '2']),
    ])
    assert.equal(a.code, 0, a.stderr)
    assert.notEqual(a.stdout, b.stdout)
  })

  test('without a seed one is chosen, printed, and reproduces the run', async () => {
    const dir = await tempDir()
    const manifest = await plainManifest(dir)
    const first = await run(['generate', manifest, '--out', join(dir, 'first.json')])
    assert.equal(first.code, 0, first.stderr)
    const seed = /chosen at random: pass --seed (\d+) to reproduce/.exec(first.stderr)?.[1]
    assert.ok(seed !== undefined, first.stderr)
    const again = await run(['generate', manifest, '--seed', seed, '--out', join(dir, 'again.json')])
    assert.equal(again.code, 0, again.stderr)
    assert.doesNotMatch(again.stderr, /chosen at random/)
    assert.equal(
      await readFile(join(dir, 'again.json'), 'utf8'),
      await readFile(join(dir, 'first.json'), 'utf8'),
    )
  })

  test('writes to standard output without --out; counts default to the resource count, else 10', async () => {
    const dir = await tempDir()
    const result = await run(['generate', await plainManifest(dir), '--seed', '3'])
    assert.equal(result.code, 0, result.stderr)
    const data = JSON.parse(result.stdout) as Data
    assert.equal(collection(data, 'customers').length, 5)
    assert.equal(collection(data, 'orders').length, 10)
    assert.equal(typeof (data.settings as Record<string, unknown>).shopName, 'string')
    const customerIds = new Set(collection(data, 'customers').map((c) => c.id))
    assert.ok(collection(data, 'orders').every((o) => customerIds.has(o.customerId)))
    assert.match(result.stderr, /to standard output, seed 3\n$/)
  })

  test('--only generates the named resources and keeps the rest of the seed data as it is', async () => {
    const result = await run(['generate', DEMO, '--seed', '5', '--only', 'reviews', '--count', '7'])
    assert.equal(result.code, 0, result.stderr)
    const data = JSON.parse(result.stdout) as Data
    assert.equal(collection(data, 'reviews').length, 7)
    assert.equal(collection(data, 'customers').length, 12)
    assert.match(result.stderr, /generated 7 records \(reviews 7\)/)
  })

  test('--locale picks the faker locale', async () => {
    const dir = await tempDir()
    const manifest = await plainManifest(dir)
    const german = await run(['generate', manifest, '--seed', '1', '--locale', 'de', '--count', '40'])
    const english = await run(['generate', manifest, '--seed', '1', '--count', '40'])
    assert.equal(german.code, 0, german.stderr)
    assert.notEqual(german.stdout, english.stdout)
    assert.match(german.stdout, /@(gmail|hotmail|yahoo)\.com|\.de"/)
  })

  test('usage errors exit 2 with a hint', async () => {
    const dir = await tempDir()
    const manifest = await plainManifest(dir)
    const only = await run(['generate', manifest, '--only', 'customer'])
    assert.equal(only.code, 2)
    assert.match(
      only.stderr,
      /--only: "customer" is not a resource of the manifest \(did you mean "customers"\?\)/,
    )
    const locale = await run(['generate', manifest, '--locale', 'xx_YY'])
    assert.equal(locale.code, 2)
    assert.match(locale.stderr, /--locale: unknown locale "xx_YY"/)
    const count = await run(['generate', manifest, '--count', '-3'])
    assert.equal(count.code, 2)
    assert.match(count.stderr, /--count must be a whole number >= 0, got "-3"/)
    const word = await run(['generate', manifest, '-n', 'abc'])
    assert.equal(word.code, 2)
    assert.match(word.stderr, /--count must be a whole number >= 0, got "abc"/)
    for (const result of [only, locale, count, word]) assert.doesNotMatch(result.stderr, STACK_LINE)
  })

  test('manifest problems (an unknown faker method, a unique field too small) exit 1 naming the field', async () => {
    const dir = await tempDir()
    const badFaker = await plainManifest(
      dir,
      '  tags:\n    fields:\n      label: { type: string, faker: lorem.wrd }',
    )
    const faker = await run(['generate', badFaker])
    assert.equal(faker.code, 1)
    assert.match(
      faker.stderr,
      /resources\.tags\.fields\.label\.faker: unknown faker method "lorem\.wrd" \(did you mean "lorem\.word"/,
    )
    const tooSmall = join(dir, 'small.yaml')
    await writeFile(
      tooSmall,
      'resources:\n  seats:\n    count: 11\n    fields:\n      n: { type: integer, minimum: 1, maximum: 10, unique: true }\n',
    )
    const unique = await run(['generate', tooSmall])
    assert.equal(unique.code, 1)
    assert.match(
      unique.stderr,
      /resources\.seats\.fields\.n: unique: 11 records need distinct values but only 10 are possible/,
    )
    for (const result of [faker, unique]) assert.doesNotMatch(result.stderr, STACK_LINE)
  })
})

describe('restmock generate: the data file', { concurrency: 4 }, () => {
  /** A manifest whose `data` names shop.data.json, which does not exist yet. */
  async function withDataKey(dir: string): Promise<string> {
    const path = join(dir, 'shop.yaml')
    await writeFile(
      path,
      [
        'data: ./shop.data.json',
        'seed: 9',
        'resources:',
        '  customers:',
        '    count: 3',
        '    fields:',
        '      email: { type: string, format: email, unique: true, required: true }',
        '  orders:',
        '    count: 4',
        '    fields:',
        '      customerId: { type: integer, ref: customers, required: true }',
        '  settings:',
        '    singleton: true',
        '    fields:',
        '      shopName: { type: string, required: true }',
      ].join('\n'),
    )
    return path
  }

  test("the manifest's data file may not exist yet: generate creates it, and it validates", async () => {
    const dir = await tempDir()
    const manifest = await withDataKey(dir)
    const out = join(dir, 'shop.data.json')
    const result = await run(['generate', manifest, '--out', out], dir)
    assert.equal(result.code, 0, result.stderr)
    assert.equal(
      result.stderr,
      'restmock: shop.data.json does not exist yet: no seed data to keep\nrestmock: generated 7 records (customers 3, orders 4) to ' +
        `${out}, seed 9\n`,
    )
    const data = JSON.parse(await readFile(out, 'utf8')) as Data
    assert.equal(collection(data, 'customers').length, 3)
    assert.equal(typeof (data.settings as Record<string, unknown>).shopName, 'string')
    const check = await run(['validate', manifest], dir)
    assert.equal(check.code, 0, check.stderr)
    assert.match(check.stdout, /valid manifest, 3 resources, 7 seed records\n$/)
    // a --data file that does not exist is a mistake, not a start
    const typo = await run(['generate', manifest, '--data', join(dir, 'nope.json')], dir)
    assert.equal(typo.code, 1)
    assert.match(typo.stderr, /--data: nope\.json does not exist/)
    assert.doesNotMatch(typo.stderr, STACK_LINE)
  })

  test('without --fresh records are added to the seed data; --fresh replaces them', async () => {
    const dir = await tempDir()
    const manifest = await withDataKey(dir)
    const out = join(dir, 'shop.data.json')
    const first = await run(['generate', manifest, '--out', out], dir)
    assert.equal(first.code, 0, first.stderr)
    const fromNothing = await readFile(out, 'utf8')
    const appended = await run(['generate', manifest, '--out', out], dir)
    assert.equal(appended.code, 0, appended.stderr)
    const twice = JSON.parse(await readFile(out, 'utf8')) as Data
    assert.equal(collection(twice, 'customers').length, 6)
    assert.equal(collection(twice, 'orders').length, 8)
    const fresh = await run(['generate', manifest, '--out', out, '--fresh'], dir)
    assert.equal(fresh.code, 0, fresh.stderr)
    // the same as generating with no data at all
    assert.equal(await readFile(out, 'utf8'), fromNothing)
    // --fresh --only: the named resources start over, the others keep their records
    const only = await run(['generate', manifest, '--fresh', '--only', 'orders', '--count', '2'], dir)
    assert.equal(only.code, 0, only.stderr)
    const onlyOrders = JSON.parse(only.stdout) as Data
    assert.equal(collection(onlyOrders, 'orders').length, 2)
    assert.deepEqual(onlyOrders.customers, (JSON.parse(fromNothing) as Data).customers)
  })

  test('--fresh --only refuses to leave kept records pointing at replaced ones', async () => {
    const dir = await tempDir()
    const manifest = await withDataKey(dir)
    const out = join(dir, 'shop.data.json')
    assert.equal((await run(['generate', manifest, '--out', out], dir)).code, 0)
    const before = await readFile(out, 'utf8')
    const result = await run(
      ['generate', manifest, '--out', out, '--fresh', '--only', 'customers', '--count', '1'],
      dir,
    )
    assert.equal(result.code, 1)
    assert.match(
      result.stderr,
      /the records kept from the seed data do not fit the records --fresh generated; add their resources to --only, or leave out --fresh\n {2}- orders\[\d\]\.customerId: refers to customers [23], which does not exist/,
    )
    assert.doesNotMatch(result.stderr, STACK_LINE)
    assert.equal(await readFile(out, 'utf8'), before)
  })

  test('--fresh for every resource does not need the old data to be readable', async () => {
    const dir = await tempDir()
    const manifest = await withDataKey(dir)
    await writeFile(join(dir, 'shop.data.json'), '{ "customers": [ oops ] }')
    const kept = await run(['generate', manifest], dir)
    assert.equal(kept.code, 1)
    assert.match(kept.stderr, /shop\.data\.json: Unexpected token 'o'/)
    const fresh = await run(['generate', manifest, '--fresh', '--out', join(dir, 'shop.data.json')], dir)
    assert.equal(fresh.code, 0, fresh.stderr)
    assert.equal(
      collection(JSON.parse(await readFile(join(dir, 'shop.data.json'), 'utf8')) as Data, 'orders').length,
      4,
    )
  })
})

test('the progress bar redraws one line and ends it', () => {
  assert.equal(
    renderProgress(45_000, 100_000),
    `generating [${'#'.repeat(14)}${'.'.repeat(16)}]  45%  45000/100000`,
  )
  assert.equal(renderProgress(10, 10), `generating [${'#'.repeat(30)}] 100%  10/10`)
  let written = ''
  const bar = progressBar((text) => {
    written += text
  })
  bar.update(1000, 2000)
  bar.update(2000, 2000)
  bar.finish()
  assert.equal(written, `\r${renderProgress(1000, 2000)}\r${renderProgress(2000, 2000)}\n`)
})

describe('restmock generate --out failures', () => {
  test('an unwritable --out exits 1 with a clear message and leaves no temp file', async () => {
    const dir = await tempDir('restmock-generate-')
    const result = await run([
      'generate',
      join(ROOT, 'seeds', 'restmock.yaml'),
      '--out',
      join(dir, 'missing', 'x.json'),
    ])
    assert.equal(result.code, 1)
    assert.match(result.stderr, /cannot write --out: .*x\.json is in a folder that does not exist/)
    assert.doesNotMatch(result.stderr, STACK_LINE)
    assert.deepEqual(await readdir(dir), [])
  })
})

describe('restmock generate on json-server data', () => {
  test('a db.js module is refused in one line, like a db.json, without running it', async () => {
    const dir = await tempDir()
    const marker = join(dir, 'ran.txt')
    await writeFile(
      join(dir, 'db.mjs'),
      `import { writeFileSync } from 'node:fs'\nwriteFileSync(${JSON.stringify(marker)}, 'ran')\nexport default { posts: [] }\n`,
    )
    await writeFile(join(dir, 'db.json'), JSON.stringify({ posts: [{ id: 1 }] }))
    const module = await run(['generate', 'db.mjs'], dir)
    assert.equal(module.code, 2)
    assert.equal(
      module.stderr,
      'restmock: db.mjs is a json-server data module, which makes its own records: generate needs a manifest with field rules\n',
    )
    assert.deepEqual(await readdir(dir), ['db.json', 'db.mjs'], 'the module was not run')
    const data = await run(['generate', 'db.json'], dir)
    assert.equal(data.code, 2)
    assert.match(data.stderr, /^restmock: db\.json is a json-server data file: generate needs a manifest/)
    const missing = await run(['generate', 'nope.js'], dir)
    assert.equal(missing.code, 1)
    assert.match(missing.stderr, /^restmock: source .*nope\.js does not exist\n$/)
  })
})
