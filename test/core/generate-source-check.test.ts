import assert from 'node:assert/strict'
import { before, describe, test } from 'node:test'
import type { Faker } from '@faker-js/faker'
import { loadFaker } from '../../src/core/generate/faker.ts'
import { checkSource, type SourceCheckResult } from '../../src/core/generate/source-check.ts'
import { parseYamlOrJson } from '../../src/core/manifest/parse-text.ts'
import { checkManifest } from '../../src/core/manifest/validate-manifest.ts'
import { MANIFEST_CHECKS } from '../../src/server/seed-generation.ts'

let faker: Faker

before(async () => {
  faker = await loadFaker('en')
})

/** Runs every stage on a YAML manifest and JSON seed data (undefined: the data could not be read). */
function check(yaml: string, data: unknown): SourceCheckResult {
  const parsed = parseYamlOrJson(yaml, 'shop.yaml')
  const report = checkManifest(parsed.value, { lineOf: parsed.lineOf, checks: MANIFEST_CHECKS })
  const resources = (parsed.value as { resources?: object }).resources ?? {}
  const dataText = JSON.stringify(data, null, 2)
  return checkSource({
    report,
    declared: Object.keys(resources),
    lineOf: parsed.lineOf,
    data,
    dataLabel: 'shop.data.json',
    dataLineOf: (path) => (data === undefined ? undefined : parseYamlOrJson(dataText, 'x.json').lineOf(path)),
    seed: 42,
    faker: () => faker,
  })
}

const located = (result: SourceCheckResult): string[] =>
  [...result.issues, ...result.dataIssues].map(
    (issue) => `${issue.path}${issue.line === undefined ? '' : ` @${issue.line}`}`,
  )

describe('checkSource: every stage in one pass', () => {
  test('a valid source has no problems and says what is generated at start', () => {
    const result = check(
      [
        'resources:',
        '  customers:',
        '    count: 4',
        '    fields:',
        '      name: { type: string, required: true }',
        '  invoices:',
        '    fields:',
        '      customerId: { type: integer, ref: customers, required: true }',
      ].join('\n'),
      { invoices: [{ id: 1, customerId: 1 }], customers: [] },
    )
    // the invoice points at a customer that does not exist in the seed data
    assert.deepEqual(located(result), ['shop.data.json: invoices[0].customerId @5'])
    const fine = check('resources:\n  customers:\n    count: 4\n  invoices: {}\n', {
      invoices: [{ id: 1 }],
    })
    assert.deepEqual(located(fine), [])
    assert.deepEqual(fine.generated, { customers: 4 })
    assert.equal((fine.state?.invoices as unknown[] | undefined)?.length, 1)
  })

  test('problems of the manifest, its seed data and of generating records are all listed', () => {
    const yaml = [
      'resources:', //                                                                   1
      '  customers:', //                                                                 2
      '    count: 10', //                                                                3
      '    fields:', //                                                                  4
      '      name: { type: string, faker: person.fulName }', //                          5
      '      plan: { type: string, enum: [free, pro, team], unique: true }', //          6
      '      vip: { type: boolean, unique: true }', //                                   7
      '      size: { type: strng }', //                                                  8
      '  invoices:', //                                                                  9
      '    count: 3', //                                                                 10
      '    fields:', //                                                                  11
      '      customerId: { type: integer, ref: customers, required: true }', //          12
      '  vendors:', //                                                                   13
      '    fields:', //                                                                  14
      '      email: { type: string, format: email, unique: true }', //                   15
      '  tags:', //                                                                      16
      '    count: 5', //                                                                 17
      '    fields:', //                                                                  18
      '      code: { type: string, pattern: "^[0-9]{3}$", faker: lorem.word }', //      19
      '  labels:', //                                                                    20
      '    count: 2', //                                                                 21
      '    fields:', //                                                                  22
      '      vendorId: { type: integer, ref: vendors, required: true }', //              23
    ].join('\n')
    const data = {
      vendors: [
        { id: 1, email: 'a@example.com' },
        { id: 2, email: 'a@example.com', extra: true },
      ],
    }
    const result = check(yaml, data)
    assert.deepEqual(located(result), [
      'resources.customers.fields.size.type @8',
      'resources.customers.fields.name.faker @5',
      'resources.customers.fields.plan @6',
      'resources.customers.fields.vip @7',
      'resources.tags.fields.code.faker @19',
      'shop.data.json: vendors[1].extra @10',
      'shop.data.json: vendors[1].email @9',
    ])
    const messages = [...result.issues, ...result.dataIssues].map((issue) => issue.message)
    assert.match(messages[1]!, /did you mean "person\.fullName"/)
    assert.match(messages[2]!, /10 records need distinct values but only 3 are possible/)
    assert.match(
      messages[4]!,
      /lorem\.word produced "\w+", which breaks the field's rules \(must match the pattern/,
    )
    // invoices (needs customers, whose definition is broken) and labels (needs vendors, whose seed
    // data is broken) are not generated: "no records to point at" would be a consequence, not a cause
    assert.ok(messages.every((message) => !/no \w+ records to point at/.test(message)))
  })

  test('every resource whose generation fails is reported, not only the first', () => {
    const yaml = [
      'resources:',
      '  a:',
      '    count: 3',
      '    fields:',
      '      code: { type: string, pattern: "^[0-9]{3}$", faker: lorem.word }',
      '  b:',
      '    count: 3',
      '    fields:',
      '      code: { type: string, pattern: "^[A-Z]{2}$", faker: person.fullName }',
      '  c:',
      '    count: 3',
      '    fields:',
      '      aId: { type: integer, ref: a, required: true }',
      '  d:',
      '    count: 3',
      '    fields:',
      '      aId: { type: integer, ref: a }',
    ].join('\n')
    const result = check(yaml, {})
    assert.deepEqual(located(result), [
      'resources.a.fields.code.faker @5',
      'resources.b.fields.code.faker @9',
    ])
  })

  test('seed data that cannot be read leaves generation unchecked: what gets generated depends on it', () => {
    const result = check(
      'resources:\n  a:\n    count: 3\n    fields:\n      x: { type: boolean, unique: true }\n',
      undefined,
    )
    assert.deepEqual(located(result), [])
    assert.equal(result.state, undefined)
  })
})
