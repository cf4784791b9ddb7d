import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { ConfigError, createMock } from '../../src/index.ts'
import { runInProcess as run, STACK_LINE, run as spawnCli, tempDir } from '../support/cli-helpers.ts'

/** Writes files into a fresh folder and returns it. */
async function folder(files: Record<string, string>): Promise<string> {
  const dir = await tempDir('restmock-validate-')
  await Promise.all(Object.entries(files).map(([name, text]) => writeFile(join(dir, name), text)))
  return dir
}

/** The problem lines of a failed validate ("  - path: message (line n)"). */
function problemLines(stderr: string): string[] {
  return stderr.split('\n').filter((line) => line.startsWith('  - '))
}

// One mistake of each kind, each on its own line (numbers are 1-based lines).
const EVERYTHING = [
  'data: ./shop.data.json', //                                                          1
  'resources:', //                                                                       2
  '  customers:', //                                                                     3
  '    count: 10', //                                                                    4
  '    fields:', //                                                                      5
  '      name: { type: string, required: true, faker: person.fulName }', //             6
  '      plan: { type: string, enum: [free, pro, team], unique: true }', //             7
  '      vip: { type: boolean, unique: true }', //                                      8
  '      seat: { type: integer, minimum: 1, maximum: 4, unique: true }', //             9
  '  accounts:', //                                                                      10
  '    fields:', //                                                                      11
  '      owner: { type: strng }', //                                                     12
  '  invoices:', //                                                                      13
  '    count: 5', //                                                                     14
  '    fields:', //                                                                      15
  '      vendorId: { type: integer, ref: vendors, required: true }', //                 16
  '  vendors:', //                                                                       17
  '    fields:', //                                                                      18
  '      email: { type: string, format: email, required: true }', //                    19
  '  tags:', //                                                                          20
  '    count: 3', //                                                                     21
  '    fields:', //                                                                      22
  '      code: { type: string, pattern: "^[0-9]{3}$", faker: lorem.word }', //          23
  '  notes:', //                                                                         24
  '    fields:', //                                                                      25
  '      body: { type: string, maxLength: 5 }', //                                      26
].join('\n')

const EVERYTHING_DATA = `{
  "notes": [
    { "id": 1, "body": "short" },
    { "id": 2, "body": "far too long" }
  ]
}
`

describe('restmock validate', { concurrency: 4 }, () => {
  test('lists every problem of every stage at once, each with its location and a fix, exit 1', async () => {
    const dir = await folder({ 'shop.yaml': EVERYTHING, 'shop.data.json': EVERYTHING_DATA })
    const result = await spawnCli(['validate', 'shop.yaml'], dir)
    assert.equal(result.code, 1, result.stderr)
    assert.equal(result.stdout, '')
    assert.doesNotMatch(result.stderr, STACK_LINE)
    assert.deepEqual(problemLines(result.stderr), [
      '  - resources.customers.fields.name.faker: unknown faker method "person.fulName" (did you mean "person.fullName" or "person.firstName" or "person.lastName"?) (line 6)',
      "  - resources.customers.fields.plan: unique: 10 records need distinct values but only 3 are possible (the 3 values of its enum); lower the count, widen the field's rules, or drop `unique` (line 7)",
      "  - resources.customers.fields.vip: unique: 10 records need distinct values but only 2 are possible (true and false); lower the count, widen the field's rules, or drop `unique` (line 8)",
      "  - resources.customers.fields.seat: unique: 10 records need distinct values but only 4 are possible (integers 1..4); lower the count, widen the field's rules, or drop `unique` (line 9)",
      '  - resources.accounts.fields.owner.type: must be one of string, integer, number, boolean, object, array, got the string "strng" (did you mean "string"?) (line 12)',
      '  - resources.invoices.fields.vendorId.ref: there are no vendors records to point at; give vendors a count or seed records, or make the field nullable or optional (line 16)',
      ...problemLines(result.stderr).filter((line) => line.startsWith('  - resources.tags.')),
      '  - shop.data.json: notes[1].body: must be at most 5 characters long (line 4)',
    ])
    assert.match(
      result.stderr,
      /resources\.tags\.fields\.code\.faker: lorem\.word produced "[^"]+", which breaks the field's rules \(must match the pattern \^\[0-9\]\{3\}\$\); pick a faker method that fits them \(line 23\)/,
    )
    assert.match(result.stderr, /^restmock: shop\.yaml and shop\.data\.json have 8 problems:\n/)
  })

  test('a valid manifest: exit 0 and a one-line summary, counting the records generated at start', async () => {
    const dir = await folder({
      'shop.yaml': [
        'data: ./shop.data.json',
        'resources:',
        '  customers:',
        '    count: 25',
        '    fields:',
        '      email: { type: string, format: email, unique: true, required: true }',
        '  invoices:',
        '    fields:',
        '      customerId: { type: integer, ref: customers, required: true }',
      ].join('\n'),
      'shop.data.json': '{ "invoices": [] }',
    })
    const result = await run(['validate', 'shop.yaml'], dir)
    assert.equal(result.code, 0, result.stderr)
    assert.equal(result.stderr, '')
    assert.equal(
      result.stdout,
      'shop.yaml: valid manifest, 2 resources, 0 seed records (+25 generated at start from `count`)\n',
    )
  })

  test('a required ref to a collection with no records and no count', async () => {
    const manifest = (invoiceCount: string): string =>
      [
        'resources:',
        '  customers:',
        '    fields:',
        '      name: { type: string }',
        '  invoices:',
        invoiceCount,
        '    fields:',
        '      customerId: { type: integer, ref: customers, required: true }',
      ].join('\n')
    const dir = await folder({ 'generated.yaml': manifest('    count: 5'), 'empty.yaml': manifest('') })
    // invoices generated at start would have no customer to point at: serving cannot start
    const generated = await run(['validate', 'generated.yaml'], dir)
    assert.equal(generated.code, 1)
    assert.deepEqual(problemLines(generated.stderr), [
      '  - resources.invoices.fields.customerId.ref: there are no customers records to point at; give customers a count or seed records, or make the field nullable or optional (line 8)',
    ])
    // nothing generated: the API starts empty and an invoice can be created once a customer is
    const empty = await run(['validate', 'empty.yaml'], dir)
    assert.equal(empty.code, 0, empty.stderr)
  })

  test('unique values that count cannot satisfy, on every kind of finite field', async () => {
    const dir = await folder({
      'seats.yaml': [
        'resources:',
        '  users:',
        '    count: 2',
        '  seats:',
        '    count: 3',
        '    fields:',
        '      row: { type: integer, exclusiveMinimum: 0, exclusiveMaximum: 3, unique: true }',
        '      userId: { type: integer, ref: users, unique: true, required: true }',
        '      level: { type: number, minimum: 0, maximum: 0.01, unique: true }',
      ].join('\n'),
    })
    const result = await run(['validate', 'seats.yaml'], dir)
    assert.equal(result.code, 1)
    assert.deepEqual(
      problemLines(result.stderr).map((line) => line.replace(/; lower the count.*\(line/, ' (line')),
      [
        '  - resources.seats.fields.row: unique: 3 records need distinct values but only 2 are possible (integers 1..2) (line 7)',
        '  - resources.seats.fields.userId: unique: 3 records need distinct values but only 2 are possible (one per users record) (line 8)',
        '  - resources.seats.fields.level: unique: 3 records need distinct values but only 2 are possible (numbers 0..0.01) (line 9)',
      ],
    )
  })

  test("a missing data file, or one that is not JSON, is reported with the manifest's problems", async () => {
    const manifest =
      'data: ./shop.data.json\nresources:\n  tags:\n    fields:\n      label: { type: string, faker: lorem.wrd }\n'
    const dir = await folder({
      'shop.yaml': manifest,
      'broken.json': '{\n  "tags": [\n    { "id": 1 },\n  ]\n}\n',
    })
    const missing = await run(['validate', 'shop.yaml'], dir)
    assert.equal(missing.code, 1)
    assert.deepEqual(problemLines(missing.stderr), [
      '  - resources.tags.fields.label.faker: unknown faker method "lorem.wrd" (did you mean "lorem.word" or "lorem.words"?) (line 5)',
      '  - data: shop.data.json does not exist; fix the path, or create the file with `restmock generate shop.yaml --out shop.data.json` (line 1)',
    ])
    assert.match(missing.stderr, /^restmock: shop\.yaml has 2 problems:/)
    const broken = await run(['validate', 'shop.yaml', '--data', 'broken.json'], dir)
    assert.equal(broken.code, 1)
    assert.deepEqual(problemLines(broken.stderr).slice(1), ["  - broken.json: Unexpected token ']' (line 4)"])
    assert.doesNotMatch(broken.stderr, STACK_LINE)
  })

  test('a manifest that cannot be parsed stops there, with the line', async () => {
    const dir = await folder({ 'shop.yaml': 'resources:\n  tags: [\n' })
    const result = await run(['validate', 'shop.yaml'], dir)
    assert.equal(result.code, 1)
    assert.match(result.stderr, /shop\.yaml is not valid YAML\n {2}- .*\(line \d\)/)
    assert.doesNotMatch(result.stderr, STACK_LINE)
  })

  test('serving runs the same checks: it refuses exactly what validate refuses, for the same reasons', async () => {
    const dir = await folder({
      'everything.yaml': EVERYTHING,
      'shop.data.json': EVERYTHING_DATA,
      'ref.yaml':
        'resources:\n  customers: {}\n  invoices:\n    count: 2\n    fields:\n      customerId: { type: integer, ref: customers, required: true }\n',
      'unique.yaml':
        'resources:\n  flags:\n    count: 3\n    fields:\n      on: { type: boolean, unique: true }\n',
      'seed.yaml':
        'data: ./shop.data.json\nresources:\n  notes:\n    fields:\n      body: { type: string, maxLength: 5 }\n',
      'valid.yaml':
        'resources:\n  flags:\n    count: 2\n    fields:\n      on: { type: boolean, unique: true }\n',
    })
    const names = ['everything.yaml', 'ref.yaml', 'unique.yaml', 'seed.yaml', 'valid.yaml']
    const results = await Promise.all(names.map((name) => run(['validate', name], dir)))
    for (const [index, name] of names.entries()) {
      const validated = results[index]!
      let served: unknown
      try {
        createMock({ source: join(dir, name), seed: 1 })
      } catch (error) {
        served = error
      }
      if (validated.code === 0) {
        assert.equal(served, undefined, `${name}: validate accepts it, serving refuses it`)
        continue
      }
      assert.equal(validated.code, 1, `${name}: ${validated.stderr}`)
      assert.ok(served instanceof ConfigError, `${name}: validate refuses it, serving starts`)
      // serving stops at the first stage with problems; each of them is one validate lists
      for (const issue of served.issues) {
        assert.ok(
          validated.stderr.includes(`${issue.path}: ${issue.message}`),
          `${name}: validate misses ${issue.path}: ${issue.message}\n${validated.stderr}`,
        )
      }
    }
  })
})
