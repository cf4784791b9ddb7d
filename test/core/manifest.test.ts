import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, test } from 'node:test'
import { ConfigError } from '../../src/core/errors.ts'
import type { Issue, Manifest } from '../../src/core/manifest/model.ts'
import { parseJsonText, parseYamlOrJson } from '../../src/core/manifest/parse-text.ts'
import { checkManifest, validateManifest } from '../../src/core/manifest/validate-manifest.ts'
import { inferManifest } from '../../src/core/manifest/zero-config.ts'

const seedFile = (name: string): string => new URL(`../../seeds/${name}`, import.meta.url).pathname

/** Parse + validate like the server does (YAML or JSON text, lines attached to issues). */
function load(text: string, fileName = 'restmock.yaml'): Manifest {
  const parsed = parseYamlOrJson(text, fileName)
  return validateManifest(parsed.value, { source: fileName, lineOf: parsed.lineOf })
}

function configError(run: () => unknown): ConfigError {
  try {
    run()
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`)
    return error
  }
  assert.fail('expected a ConfigError')
}

function issueAt(error: ConfigError, path: string): Issue {
  const issue = error.issues.find((candidate) => candidate.path === path)
  assert.ok(issue, `no issue at ${path}; got:\n${error.format()}`)
  return issue
}

describe('validateManifest: the demo manifest', () => {
  const manifest = load(readFileSync(seedFile('restmock.yaml'), 'utf8'), 'seeds/restmock.yaml')

  test('keeps the top-level settings', () => {
    assert.equal(manifest.name, 'Willow & Wren Hair Studio')
    assert.equal(manifest.basePath, '/api')
    assert.equal(manifest.data, './restmock.data.json')
    assert.equal(manifest.seed, 42)
    assert.equal(manifest.zeroConfig, false)
    assert.deepEqual(Object.keys(manifest.resources), [
      'customers',
      'stylists',
      'services',
      'appointments',
      'invoices',
      'reviews',
      'settings',
    ])
  })

  test('fills in resource defaults', () => {
    const { customers, stylists, services, appointments, reviews, settings } = manifest.resources
    assert.equal(customers?.id, 'integer')
    assert.equal(customers?.timestamps, true)
    assert.equal(customers?.singleton, false)
    assert.equal(customers?.additionalFields, false, 'declared fields reject unknown properties')
    assert.equal(stylists?.id, 'integer', 'integer is the default id strategy')
    assert.equal(stylists?.timestamps, false)
    assert.equal(services?.id, 'string')
    assert.equal(appointments?.id, 'uuid')
    assert.equal(reviews?.count, 20)
    assert.equal(settings?.singleton, true)
    assert.equal(settings?.additionalFields, true)
  })

  test('normalizes field definitions', () => {
    const fields = manifest.resources.customers?.fields
    assert.ok(fields)
    assert.deepEqual(fields.firstName, {
      type: 'string',
      required: true,
      nullable: false,
      readOnly: false,
      unique: false,
      minLength: 1,
      maxLength: 60,
      faker: { method: 'person.firstName', args: [] },
    })
    assert.equal(fields.email?.unique, true)
    assert.equal(fields.email?.format, 'email')
    assert.equal(fields.loyaltyPoints?.readOnly, true)
    assert.equal(fields.loyaltyPoints?.default, 0)
    assert.deepEqual(fields.phone?.faker, { method: 'phone.number', args: [{ style: 'international' }] })
    assert.equal(fields.birthday?.nullable, true)
    assert.deepEqual(fields.tags?.default, [])
    assert.equal(fields.tags?.items?.type, 'string')
    assert.equal(fields.address?.properties?.postalCode?.required, true)
    const monday = manifest.resources.settings?.fields?.openingHours?.properties?.monday
    assert.equal(monday?.nullable, true, 'a YAML anchor is expanded')
    assert.equal(manifest.resources.settings?.fields?.openingHours?.properties?.sunday?.type, 'object')
  })

  test('derives relations from every ref with its onDelete rule', () => {
    assert.deepEqual(
      manifest.relations.map(
        (r) => `${r.child}.${r.field} -> ${r.parent} (${r.onDelete}${r.many === true ? ', many' : ''})`,
      ),
      [
        'stylists.serviceIds -> services (cascade, many)',
        'appointments.customerId -> customers (cascade)',
        'appointments.serviceId -> services (restrict)',
        'appointments.stylistId -> stylists (set-null)',
        'invoices.customerId -> customers (restrict)',
        'invoices.appointmentId -> appointments (set-null)',
        'reviews.customerId -> customers (cascade)',
        'reviews.stylistId -> stylists (set-null)',
        'reviews.serviceIds -> services (cascade, many)',
      ],
    )
  })
})

describe('validateManifest: defaults of a minimal manifest', () => {
  test('fills in name, basePath and resource defaults', () => {
    const manifest = validateManifest({ resources: { things: {}, notes: null } })
    assert.equal(manifest.name, 'restmock')
    assert.equal(manifest.basePath, '')
    assert.deepEqual(manifest.relations, [])
    assert.deepEqual(manifest.resources.things, {
      name: 'things',
      singleton: false,
      id: 'integer',
      idField: 'id',
      timestamps: false,
      additionalFields: true,
    })
    assert.equal(manifest.resources.notes?.additionalFields, true, 'a null resource is an empty one')
    assert.equal(manifest.data, undefined)
    assert.equal(manifest.seed, undefined)
  })

  test('normalizes basePath', () => {
    const base = (basePath: string): string => validateManifest({ basePath, resources: { a: {} } }).basePath
    assert.equal(base('/api/'), '/api')
    assert.equal(base('/'), '')
    assert.equal(base('/v1/shop'), '/v1/shop')
    const error = configError(() => base('api'))
    assert.match(issueAt(error, 'basePath').message, /must start with "\/"/)
  })

  test('onDelete defaults to restrict, or set-null for a nullable ref', () => {
    const manifest = validateManifest({
      resources: {
        users: {},
        posts: {
          fields: {
            authorId: { type: 'integer', ref: 'users', required: true },
            editorId: { type: 'integer', ref: 'users', nullable: true },
          },
        },
      },
    })
    assert.deepEqual(manifest.relations, [
      { child: 'posts', field: 'authorId', parent: 'users', onDelete: 'restrict' },
      { child: 'posts', field: 'editorId', parent: 'users', onDelete: 'set-null' },
    ])
  })

  test('a valid default and nested defaults are kept', () => {
    const manifest = validateManifest({
      resources: {
        shops: {
          fields: {
            open: { type: 'boolean', default: true },
            address: {
              type: 'object',
              properties: { country: { type: 'string', default: 'NL', minLength: 2, maxLength: 2 } },
            },
            note: { type: 'string', nullable: true, default: null },
          },
        },
      },
    })
    const fields = manifest.resources.shops?.fields
    assert.equal(fields?.open?.default, true)
    assert.equal(fields?.address?.properties?.country?.default, 'NL')
    assert.equal(fields?.note?.default, null)
  })

  test('extra checks run on a valid manifest and their issues are reported', () => {
    const check = (manifest: Manifest): Issue[] =>
      Object.keys(manifest.resources).includes('bad') ? [{ path: 'resources.bad', message: 'nope' }] : []
    assert.doesNotThrow(() => validateManifest({ resources: { good: {} } }, { checks: [check] }))
    const error = configError(() => validateManifest({ resources: { bad: {} } }, { checks: [check] }))
    assert.deepEqual(error.issues, [{ path: 'resources.bad', message: 'nope' }])
  })

  test('extra checks also run when the manifest has structural problems: one pass lists both', () => {
    const check = (manifest: Manifest): Issue[] =>
      Object.keys(manifest.resources).map((name) => ({
        path: `resources.${name}.fields`,
        message: 'checked',
      }))
    const text = 'resources:\n  good: {}\n  bad:\n    fields:\n      x: { type: strng }\n'
    const parsed = parseYamlOrJson(text, 'm.yaml')
    const report = checkManifest(parsed.value, { lineOf: parsed.lineOf, checks: [check] })
    assert.deepEqual(
      report.structural.map((issue) => [issue.path, issue.line]),
      [['resources.bad.fields.x.type', 5]],
    )
    assert.match(report.structural[0]!.message, /got the string "strng" \(did you mean "string"\?\)/)
    // the checks see what could be read (bad without its broken field) and get lines too
    assert.deepEqual(report.checks, [
      { path: 'resources.good.fields', message: 'checked', line: 2 },
      { path: 'resources.bad.fields', message: 'checked', line: 5 },
    ])
    assert.deepEqual(report.manifest?.resources.bad?.fields, {})
    const error = configError(() => validateManifest(parsed.value, { checks: [check] }))
    assert.equal(error.issues.length, 3)
  })

  test('a manifest that is not an object has nothing to check further', () => {
    const report = checkManifest([1, 2], { checks: [() => assert.fail('no check runs')] })
    assert.equal(report.manifest, undefined)
    assert.equal(report.structural.length, 1)
  })
})

// Every line of this manifest after the first has a mistake or holds one; numbers are 1-based lines.
const BROKEN = [
  'name: Broken', //                                                            1
  'resorces: {}', //                                                            2
  'resources:', //                                                              3
  '  customers:', //                                                            4
  '    id: uuid', //                                                            5
  '    timestamps: true', //                                                    6
  '    fields:', //                                                             7
  '      email: { type: string, unique: true, colour: red }', //                8
  '      age: { type: integer, minLength: 2 }', //                              9
  '      score: { type: number, minimum: 10, maximum: 5 }', //                  10
  '      code: { type: string, pattern: "([a-z" }', //                          11
  '      nickname: { type: string, maxLength: 3, default: toolong }', //       12
  '      plan: { type: string, enum: [free, 3] }', //                           13
  '      note: { type: string, onDelete: cascade }', //                         14
  '      id: { type: integer }', //                                             15
  '      createdAt: { type: string }', //                                       16
  '  invoices:', //                                                             17
  '    fields:', //                                                             18
  '      customerId: { type: integer, ref: customer }', //                      19
  '      ownerId: { type: integer, ref: customers, onDelete: set-null }', //    20
  '  settings:', //                                                             21
  '    singleton: true', //                                                     22
  '    count: 3', //                                                            23
  '    id: uuid', //                                                            24
].join('\n')

const EXPECTED: Array<[path: string, line: number, message: RegExp]> = [
  ['resorces', 2, /^unknown manifest key "resorces" \(did you mean "resources"\?\)$/],
  ['resources.customers.fields.email.colour', 8, /^unknown field key "colour"$/],
  ['resources.customers.fields.age.minLength', 9, /only applies to string fields, not integer/],
  ['resources.customers.fields.score.minimum', 10, /minimum \(10\) is greater than maximum \(5\)/],
  ['resources.customers.fields.code.pattern', 11, /is not a valid regular expression/],
  ['resources.customers.fields.nickname.default', 12, /"toolong" must be at most 3 characters long/],
  ['resources.customers.fields.plan.enum.1', 13, /number 3 must be a string/],
  ['resources.customers.fields.note.onDelete', 14, /only applies to a field with `ref`/],
  ['resources.customers.fields.id', 15, /managed by restmock/],
  ['resources.customers.fields.createdAt', 16, /`timestamps: true`/],
  [
    'resources.invoices.fields.customerId.ref',
    19,
    /^unknown resource "customer" \(did you mean "customers"\?\)$/,
  ],
  ['resources.invoices.fields.ownerId.type', 20, /must be string to hold ids of "customers" \(id: uuid\)/],
  ['resources.invoices.fields.ownerId.onDelete', 20, /set-null needs the field to be `nullable: true`/],
  ['resources.settings.count', 23, /does not apply to a singleton resource/],
  ['resources.settings.id', 24, /does not apply to a singleton resource/],
]

describe('validateManifest: a manifest with many mistakes', () => {
  const error = configError(() => load(BROKEN, 'broken.yaml'))

  test('lists every problem at once, and nothing else', () => {
    assert.deepEqual(
      error.issues.map((issue) => issue.path).sort(),
      EXPECTED.map(([path]) => path).sort(),
      error.format(),
    )
    assert.equal(error.message, `broken.yaml has ${EXPECTED.length} problems:`)
    assert.equal(error.source, 'broken.yaml')
  })

  for (const [path, line, message] of EXPECTED) {
    test(`${path} (line ${line})`, () => {
      const issue = issueAt(error, path)
      assert.match(issue.message, message)
      assert.equal(issue.line, line)
    })
  }

  test('format() prints one line per problem with location and line', () => {
    const lines = error.format().split('\n')
    assert.equal(lines[0], error.message)
    assert.equal(lines.length, EXPECTED.length + 1)
    assert.ok(
      lines.includes(
        '  - resources.invoices.fields.customerId.ref: unknown resource "customer" (did you mean "customers"?) (line 19)',
      ),
      error.format(),
    )
  })
})

describe('validateManifest: other mistakes', () => {
  test('unknown field key suggests the close one', () => {
    const error = configError(() =>
      validateManifest({ resources: { a: { fields: { x: { type: 'string', requried: true } } } } }),
    )
    assert.deepEqual(error.issues, [
      {
        path: 'resources.a.fields.x.requried',
        message: 'unknown field key "requried" (did you mean "required"?)',
      },
    ])
    assert.equal(error.message, 'the manifest has 1 problem:')
  })

  test('unknown resource key and bad types of known keys', () => {
    const error = configError(() =>
      validateManifest({
        seed: 1.5,
        resources: { a: { timestamp: true, singleton: 'yes', id: 'int', fields: { x: { type: 'strng' } } } },
      }),
    )
    assert.match(issueAt(error, 'seed').message, /whole number/)
    assert.match(issueAt(error, 'resources.a.timestamp').message, /did you mean "timestamps"\?/)
    assert.match(issueAt(error, 'resources.a.singleton').message, /must be true or false/)
    assert.match(issueAt(error, 'resources.a.id').message, /must be one of integer, uuid, string/)
    assert.match(issueAt(error, 'resources.a.fields.x.type').message, /did you mean "string"\?/)
  })

  test('a field without a type, and a nested field with ref/unique', () => {
    const error = configError(() =>
      validateManifest({
        resources: {
          a: {},
          b: {
            fields: {
              x: { required: true },
              y: { type: 'object', properties: { z: { type: 'integer', ref: 'a', unique: true } } },
            },
          },
        },
      }),
    )
    assert.match(issueAt(error, 'resources.b.fields.x.type').message, /is required/)
    assert.match(
      issueAt(error, 'resources.b.fields.y.properties.z.ref').message,
      /only supported on top-level/,
    )
    assert.match(
      issueAt(error, 'resources.b.fields.y.properties.z.unique').message,
      /only supported on top-level/,
    )
  })

  test('a default nested inside an object is checked against the nested rules', () => {
    const error = configError(() =>
      validateManifest({
        resources: {
          a: {
            fields: {
              address: { type: 'object', properties: { zip: { type: 'string' } }, default: { zip: 12 } },
            },
          },
        },
      }),
    )
    assert.match(issueAt(error, 'resources.a.fields.address.default').message, /at \/zip must be a string/)
  })

  test('a ref must point at a collection', () => {
    const error = configError(() =>
      validateManifest({
        resources: {
          settings: { singleton: true },
          a: { fields: { s: { type: 'integer', ref: 'settings' } } },
        },
      }),
    )
    assert.match(issueAt(error, 'resources.a.fields.s.ref').message, /is a singleton/)
  })

  test('not an object, no resources, empty resources, a bad auth block', () => {
    assert.match(configError(() => validateManifest([])).issues[0]?.message ?? '', /must be an object/)
    assert.match(
      issueAt(
        configError(() => validateManifest({ name: 'x' })),
        'resources',
      ).message,
      /required/,
    )
    assert.match(
      issueAt(
        configError(() => validateManifest({ resources: {} })),
        'resources',
      ).message,
      /declares no resources/,
    )
    assert.match(
      issueAt(
        configError(() => validateManifest({ auth: [], resources: { a: {} } })),
        'auth',
      ).message,
      /must be an object/,
    )
  })

  test('bad resource name', () => {
    const error = configError(() => validateManifest({ resources: { 'my posts': {} } }))
    assert.match(issueAt(error, 'resources.my posts').message, /URL-safe/)
  })

  test('the line of a missing key is its parent’s line', () => {
    const error = configError(() => load('resources:\n  a:\n    fields:\n      x: { required: true }\n'))
    assert.equal(issueAt(error, 'resources.a.fields.x.type').line, 4)
  })
})

describe('parseYamlOrJson', () => {
  test('hugely nested files: read when valid, a clear problem when not, never a crash', () => {
    const deep = (depth: number): string => `{"a":${'['.repeat(depth)}${']'.repeat(depth)}}`
    // read twice: the YAML reader used to overflow, then run out of memory on the second file
    for (let i = 0; i < 2; i++) assert.ok(parseYamlOrJson(deep(3000), 'db.json').value)
    const problem = (text: string, name: string): string => {
      try {
        parseYamlOrJson(text, name)
      } catch (error) {
        assert.ok(error instanceof ConfigError)
        return error.issues.map((issue) => issue.message).join('; ')
      }
      return 'no problem'
    }
    assert.match(problem('['.repeat(20_000), 'db.json'), /Unexpected end of JSON input/)
    assert.match(problem(`a: ${'['.repeat(3000)}${']'.repeat(3000)}\n`, 'm.yaml'), /nested too deeply/)
  })

  test('parses YAML and JSON', () => {
    assert.deepEqual(parseYamlOrJson('a: 1\nb: [x, y]\n', 'm.yaml').value, { a: 1, b: ['x', 'y'] })
    assert.deepEqual(parseYamlOrJson('{"a": {"b": true}}', 'm.json').value, { a: { b: true } })
  })

  test('lineOf finds nodes by dotted path, list items included', () => {
    const parsed = parseYamlOrJson('a:\n  b:\n    - x\n    - y\n', 'm.yaml')
    assert.equal(parsed.lineOf('a'), 2)
    assert.equal(parsed.lineOf('a.b.1'), 4)
    assert.equal(parsed.lineOf('a.missing'), undefined)
  })

  test('a YAML syntax error is a ConfigError naming the file', () => {
    const error = configError(() => parseYamlOrJson('name: x\nresources: [a, b\n', 'bad.yaml'))
    assert.equal(error.message, 'bad.yaml is not valid YAML')
    assert.ok(error.issues.length >= 1)
  })

  test('a JSON syntax error is a ConfigError saying JSON', () => {
    const error = configError(() => parseYamlOrJson('{\n  "resources": {\n    "a": [1, 2\n}', 'bad.json'))
    assert.equal(error.message, 'bad.json is not valid JSON')
  })

  test('a JSON syntax error reads as one line, without the text around it (the line says where)', () => {
    for (const [text, message, line] of [
      ['{\n  "tags": [\n    { "id": 1 },\n  ]\n}\n', "Unexpected token ']'", 4],
      ['{\n  "a": 1,\n}', 'Expected double-quoted property name', 3],
      ['{"a": 1', "Expected ',' or '}' after property value", 1],
    ] as const) {
      const error = configError(() => parseJsonText(text, 'x.json'))
      assert.deepEqual(error.issues, [{ path: '', message, line }])
    }
  })

  test('duplicate keys are rejected, in YAML and JSON', () => {
    const yaml = configError(() => parseYamlOrJson('resources:\n  a: {}\n  a: {}\n', 'dup.yaml'))
    assert.match(yaml.issues[0]?.message ?? '', /unique/)
    const json = configError(() => parseYamlOrJson('{\n  "name": "a",\n  "name": "b"\n}', 'dup.json'))
    assert.match(json.issues[0]?.message ?? '', /unique/)
  })

  test('syntax errors and duplicate keys carry their line', {}, () => {
    const cases: Array<[text: string, file: string, line: number]> = [
      ['name: x\nresources:\n  a: {}\n  a: {}\n', 'dup.yaml', 4],
      ['{\n  "name": "a",\n  "name": "b"\n}', 'dup.json', 3],
      ['name: x\nseed: 1\nresources: [a, b\n', 'bad.yaml', 4],
    ]
    for (const [text, file, line] of cases) {
      const error = configError(() => parseYamlOrJson(text, file))
      assert.equal(error.issues[0]?.line, line, `${file}: ${error.format()}`)
    }
  })
})

describe('validateManifest: JSON manifests', () => {
  test('a JSON manifest is accepted', () => {
    const manifest = load(
      JSON.stringify({
        name: 'Shop',
        basePath: '/v1',
        resources: { products: { id: 'uuid', fields: { title: { type: 'string', required: true } } } },
      }),
      'restmock.json',
    )
    assert.equal(manifest.name, 'Shop')
    assert.equal(manifest.basePath, '/v1')
    assert.equal(manifest.resources.products?.id, 'uuid')
    assert.equal(manifest.resources.products?.fields?.title?.required, true)
  })

  test('problems in a JSON manifest carry their lines', () => {
    const text = JSON.stringify(
      { resources: { orders: { fields: { buyerId: { type: 'integer', ref: 'buyer' } } } }, sead: 1 },
      null,
      2,
    )
    const error = configError(() => load(text, 'restmock.json'))
    const ref = issueAt(error, 'resources.orders.fields.buyerId.ref')
    assert.equal(ref.message, 'unknown resource "buyer"')
    assert.equal(ref.line, text.split('\n').findIndex((line) => line.includes('"ref"')) + 1)
    const sead = issueAt(error, 'sead')
    assert.match(sead.message, /did you mean "seed"\?/)
    assert.equal(sead.line, text.split('\n').findIndex((line) => line.includes('"sead"')) + 1)
  })
})

describe('inferManifest (zero-config)', () => {
  const db = JSON.parse(readFileSync(seedFile('db.json'), 'utf8')) as unknown
  const manifest = inferManifest(db, 'db.json')

  test('arrays are collections, objects singletons, string ids give the string strategy', () => {
    assert.equal(manifest.zeroConfig, true)
    assert.equal(manifest.basePath, '')
    const summary = Object.values(manifest.resources).map((r) => [r.name, r.singleton, r.id])
    assert.deepEqual(summary, [
      ['posts', false, 'integer'],
      ['comments', false, 'integer'],
      ['users', false, 'integer'],
      ['tags', false, 'string'],
      ['profile', true, 'integer'],
    ])
    for (const resource of Object.values(manifest.resources)) {
      assert.equal(resource.additionalFields, true)
      assert.equal(resource.fields, undefined)
      assert.equal(resource.timestamps, false)
    }
  })

  test('relations follow the <singular>Id convention, cascading', () => {
    const comments = manifest.relations.filter((r) => r.child === 'comments')
    assert.ok(comments.some((r) => r.field === 'postId' && r.parent === 'posts' && r.onDelete === 'cascade'))
    assert.ok(comments.some((r) => r.field === 'userId' && r.parent === 'users' && r.onDelete === 'cascade'))
    assert.ok(manifest.relations.some((r) => r.field === 'tagId' && r.parent === 'tags'))
    assert.ok(!manifest.relations.some((r) => r.parent === 'profile'), 'a singleton is never a parent')
    assert.ok(!manifest.relations.some((r) => r.child === r.parent))
  })

  test('singular forms of irregular names', () => {
    const inferred = inferManifest(
      { categories: [], boxes: [], items: [{ categoryId: 1, boxId: 2 }] },
      'db.json',
    )
    const fields = inferred.relations.filter((r) => r.child === 'items').map((r) => `${r.field}->${r.parent}`)
    assert.deepEqual(fields.sort(), ['boxId->boxes', 'categoryId->categories'])
  })

  test('empty and numeric-id arrays are integer collections; one string id makes it string', () => {
    const inferred = inferManifest(
      { a: [], b: [{ id: 1 }, { title: 'no id' }], c: [{ id: 1 }, { id: 'x' }] },
      'db.json',
    )
    assert.equal(inferred.resources.a?.id, 'integer')
    assert.equal(inferred.resources.b?.id, 'integer')
    assert.equal(inferred.resources.c?.id, 'string')
  })

  test('scalars and unservable names are errors, all listed', () => {
    const error = configError(() =>
      inferManifest({ count: 3, title: 'x', nothing: null, 'a b': [] }, 'db.json'),
    )
    assert.equal(error.message, 'db.json cannot be served:')
    assert.deepEqual(error.issues.map((issue) => issue.path).sort(), ['a b', 'count', 'nothing', 'title'])
    assert.match(
      issueAt(error, 'count').message,
      /must be an array \(a collection\) or an object \(a singleton\)/,
    )
  })

  test('a non-object document is an error', () => {
    for (const value of [[], 'text', null, 42]) {
      const error = configError(() => inferManifest(value, 'db.json'))
      assert.match(error.message, /must be a JSON object keyed by resource name/)
    }
  })
})
