import assert from 'node:assert/strict'
import { before, describe, test } from 'node:test'
import type { Faker } from '@faker-js/faker'
import { loadFaker } from '../../src/core/generate/faker.ts'
import { generateData } from '../../src/core/generate/generate-data.ts'
import type { Manifest } from '../../src/core/manifest/model.ts'
import { validateManifest } from '../../src/core/manifest/validate-manifest.ts'
import type { Rec } from '../../src/core/store.ts'
import { NOW } from '../support/generate-fixtures.ts'

const LOCALES = ['en', 'de', 'fr'] as const
const SEEDS = [1, 2, 3]
const COUNT = 1000

/** Inferred ties (names, emails, address parts, created/updated) and declared ones (from, after, items.ref). */
const manifest: Manifest = validateManifest({
  resources: {
    tags: { count: 12, fields: { label: { type: 'string', unique: { caseInsensitive: true } } } },
    customers: {
      count: COUNT,
      fields: {
        name: { type: 'string', faker: 'person.fullName' },
        email: { type: 'string', format: 'email', unique: true, faker: 'internet.email' },
        username: { type: 'string', unique: { caseInsensitive: true } },
        city: { type: 'string' },
        state: { type: 'string' },
        zip: { type: 'string' },
        country: { type: 'string' },
        countryCode: { type: 'string' },
        createdAt: { type: 'string', format: 'date-time' },
        updatedAt: { type: 'string', format: 'date-time' },
        tagIds: { type: 'array', items: { type: 'integer', ref: 'tags' }, minItems: 1, maxItems: 4 },
      },
    },
    employees: {
      count: COUNT,
      fields: {
        firstName: { type: 'string' },
        lastName: { type: 'string' },
        workEmail: { type: 'string', format: 'email', from: ['firstName', 'lastName'] },
        hiredOn: { type: 'string', format: 'date' },
        leftOn: { type: 'string', format: 'date', after: 'hiredOn', nullable: true },
        minSalary: { type: 'integer', minimum: 1000, maximum: 9000 },
        maxSalary: { type: 'integer', minimum: 1000, maximum: 9000, after: 'minSalary' },
        mentorIds: { type: 'array', items: { type: 'integer', ref: 'customers' }, maxItems: 3 },
      },
    },
  },
})

/** Letters and digits only, accents dropped: how faker's usernames spell a name. */
const plain = (text: string): string =>
  text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')

const localPart = (email: unknown): string => plain(String(email).split('@')[0]!)

/** The record's name as its first and last name (a full name may carry a prefix or a suffix). */
function nameMatches(email: unknown, names: string[]): boolean {
  const local = localPart(email)
  return names.some((name) => plain(name).length > 0 && local.includes(plain(name)))
}

const instant = (value: unknown): number => Date.parse(String(value))

const fakers = new Map<string, Faker>()
const outputs = new Map<string, ReturnType<typeof generateData>>()

before(async () => {
  for (const locale of LOCALES) {
    const faker = await loadFaker(locale)
    fakers.set(locale, faker)
    for (const seed of SEEDS)
      outputs.set(`${locale}:${seed}`, generateData(manifest, faker, { seed, now: NOW }))
  }
})

const each = (
  check: (records: { customers: Rec[]; employees: Rec[]; tags: Rec[] }, label: string) => void,
): void => {
  for (const [label, state] of outputs) {
    check(state as { customers: Rec[]; employees: Rec[]; tags: Rec[] }, label)
  }
}

describe(`coherent generated records (${COUNT} per seed, seeds ${SEEDS.join(', ')}, locales ${LOCALES.join(', ')})`, () => {
  test('every email and username shows its record name', () => {
    each(({ customers, employees }, label) => {
      assert.equal(customers.length, COUNT)
      for (const customer of customers) {
        const words = String(customer.name).split(/\s+/)
        assert.ok(nameMatches(customer.email, words), `${label}: ${customer.email} for ${customer.name}`)
        assert.ok(
          nameMatches(customer.username, words),
          `${label}: ${customer.username} for ${customer.name}`,
        )
      }
      for (const employee of employees) {
        const first = String(employee.firstName)
        assert.ok(
          localPart(employee.workEmail).startsWith(plain(first).slice(0, 3)),
          `${label}: ${employee.workEmail} for ${first} ${employee.lastName}`,
        )
        assert.ok(
          nameMatches(employee.workEmail, first.split(/\s+/)),
          `${label}: ${employee.workEmail} for ${first}`,
        )
      }
    })
  })

  test('every ordering rule holds: inferred (createdAt <= updatedAt) and declared (after)', () => {
    each(({ customers, employees }, label) => {
      for (const customer of customers)
        assert.ok(instant(customer.createdAt) <= instant(customer.updatedAt), `${label}: ${customer.id}`)
      for (const employee of employees) {
        if (employee.leftOn !== null) assert.ok(instant(employee.hiredOn) <= instant(employee.leftOn), label)
        assert.ok((employee.minSalary as number) <= (employee.maxSalary as number), label)
      }
    })
  })

  test('every many-to-many target exists, once per array, within minItems and maxItems', () => {
    each(({ customers, employees, tags }, label) => {
      const tagIds = new Set(tags.map((tag) => tag.id))
      const customerIds = new Set(customers.map((customer) => customer.id))
      for (const [records, field, targets, min, max] of [
        [customers, 'tagIds', tagIds, 1, 4],
        [employees, 'mentorIds', customerIds, 0, 3],
      ] as const) {
        for (const record of records) {
          const ids = record[field] as unknown[]
          assert.ok(ids.length >= min && ids.length <= max, `${label}: ${ids.length} ${field}`)
          assert.equal(new Set(ids).size, ids.length, `${label}: repeated ${field} ${ids}`)
          for (const id of ids)
            assert.ok(targets.has(id as number), `${label}: ${field} ${id} does not exist`)
        }
      }
      // the arrays spread over the targets rather than repeating one
      assert.ok(new Set(customers.flatMap((customer) => customer.tagIds as number[])).size >= 10, label)
    })
  })

  test('unique case-insensitive values never repeat, whatever the case', () => {
    each(({ customers, tags }, label) => {
      for (const [records, field] of [
        [customers, 'email'],
        [customers, 'username'],
        [tags, 'label'],
      ] as const) {
        const folded = records.map((record) => String(record[field]).toLowerCase())
        assert.equal(new Set(folded).size, folded.length, `${label}: ${field}`)
      }
    })
  })

  test("address parts come from the locale's country", () => {
    const expected = { en: ['US', 'United States'], de: ['DE', 'Deutschland'], fr: ['FR', 'France'] }
    for (const locale of LOCALES) {
      const states = fakers.get(locale)!.rawDefinitions.location?.state as string[]
      const state = outputs.get(`${locale}:1`) as { customers: Rec[] }
      for (const customer of state.customers) {
        assert.deepEqual([customer.countryCode, customer.country], expected[locale])
        assert.ok(states.includes(customer.state as string), `${locale}: ${customer.state}`)
        assert.equal(typeof customer.city, 'string')
      }
    }
  })

  test('the zip code lies in the state where the locale knows zip ranges by state (en_US)', async () => {
    const faker = await loadFaker('en_US')
    // faker writes each state's range as a template: 0{{number.int({"min": 3031,"max": 3897})}}
    const ranges = faker.rawDefinitions.location?.postcode_by_state as Record<string, string | string[]>
    const names = faker.rawDefinitions.location?.state as string[]
    const abbreviations = faker.rawDefinitions.location?.state_abbr as string[]
    const state = generateData(manifest, faker, {
      seed: 5,
      now: NOW,
      counts: { tags: 12, customers: 300, employees: 0 },
    })
    for (const customer of state.customers as Rec[]) {
      const template = [ranges[abbreviations[names.indexOf(customer.state as string)]!]!].flat().join(' or ')
      const zip = Number(customer.zip)
      const inRange = [...template.matchAll(/"min": ?(\d+),\s*"max": ?(\d+)/g)].some(
        ([, min, max]) => zip >= Number(min) && zip <= Number(max),
      )
      assert.ok(inRange, `${customer.zip} in ${customer.state} (${template})`)
    }
  })

  test('the same seed gives byte-identical output', () => {
    for (const locale of LOCALES) {
      const again = generateData(manifest, fakers.get(locale)!, { seed: 2, now: NOW })
      assert.equal(JSON.stringify(again), JSON.stringify(outputs.get(`${locale}:2`)))
    }
  })

  test('a many-to-many array needing more distinct targets than exist is reported before generating', () => {
    const scarce = validateManifest({
      resources: {
        tags: { count: 2 },
        posts: {
          count: 3,
          fields: { tagIds: { type: 'array', items: { type: 'integer', ref: 'tags' }, minItems: 3 } },
        },
      },
    })
    assert.throws(
      () => generateData(scarce, fakers.get('en')!, { seed: 1, now: NOW }),
      (error: { issues?: Array<{ path: string; message: string }> }) => {
        assert.deepEqual(error.issues, [
          {
            path: 'resources.posts.fields.tagIds.minItems',
            message:
              'needs 3 distinct tags ids per record but there are 2 tags records; give tags a larger count or lower minItems',
          },
        ])
        return true
      },
    )
  })

  test('a declared order that no value can meet is an error naming the rule', async () => {
    const impossible = validateManifest({
      resources: {
        ranges: {
          count: 5,
          fields: {
            low: { type: 'integer', minimum: 50, maximum: 60 },
            high: { type: 'integer', minimum: 0, maximum: 10, after: 'low' },
          },
        },
      },
    })
    assert.throws(
      () => generateData(impossible, fakers.get('en')!, { seed: 1, now: NOW }),
      (error: { issues?: Array<{ path: string; message: string }> }) => {
        assert.equal(error.issues?.[0]?.path, 'resources.ranges.fields.high.after')
        assert.match(error.issues?.[0]?.message ?? '', /not before low/)
        return true
      },
    )
  })
})
