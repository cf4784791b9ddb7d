import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { before, test } from 'node:test'
import type { Faker } from '@faker-js/faker'
import { loadFaker } from '../../src/core/generate/faker.ts'
import { generateData } from '../../src/core/generate/generate-data.ts'
import type { Manifest } from '../../src/core/manifest/model.ts'
import { parseYamlOrJson } from '../../src/core/manifest/parse-text.ts'
import { validateManifest } from '../../src/core/manifest/validate-manifest.ts'
import { createRandom } from '../../src/core/random.ts'
import { clientFields } from '../../src/core/records.ts'
import { compileResourceValidator, compileValidator, formatCheck } from '../../src/core/schema.ts'
import { prepareState } from '../../src/core/seed.ts'
import type { Rec, StateData } from '../../src/core/store.ts'
import { MANIFEST_CHECKS } from '../../src/server/seed-generation.ts'
import { NOW } from '../support/generate-fixtures.ts'

/**
 * Generated data against the product's own rules: the Ajv schemas a POST is validated with, and the
 * strict seed-data check (stored schema, unique fields, refs) that a data file must pass to be served.
 */

interface Source {
  name: string
  manifest: Manifest
  data: unknown
}

let faker: Faker
const sources: Source[] = []

function load(manifestPath: string, dataPath?: string): Source {
  const url = new URL(manifestPath, import.meta.url)
  const parsed = parseYamlOrJson(readFileSync(url, 'utf8'), manifestPath)
  const manifest = validateManifest(parsed.value, { source: manifestPath, checks: MANIFEST_CHECKS })
  const data =
    dataPath === undefined ? {} : JSON.parse(readFileSync(new URL(dataPath, import.meta.url), 'utf8'))
  return { name: manifestPath, manifest, data }
}

before(async () => {
  faker = await loadFaker()
  sources.push(
    load('../../seeds/restmock.yaml', '../../seeds/restmock.data.json'),
    load('../support/fixtures/crm.yaml', '../support/fixtures/crm.data.json'),
  )
})

function countsFor(manifest: Manifest, count: number): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const resource of Object.values(manifest.resources))
    if (!resource.singleton) counts[resource.name] = count
  return counts
}

/** Throws a ConfigError listing every problem, exactly as a data file with these records would at start. */
function assertServable(manifest: Manifest, state: StateData, label: string): void {
  prepareState(manifest, state, { source: label, random: createRandom(1), strict: true })
}

/** Every generated record, stripped of server-managed fields as a client would send it, passes POST validation. */
function assertPostable(manifest: Manifest, state: StateData, existing: StateData, label: string): number {
  let checked = 0
  for (const resource of Object.values(manifest.resources)) {
    if (resource.fields === undefined) continue
    const validate = compileResourceValidator(resource, 'input')
    const value = state[resource.name]
    const before = existing[resource.name]
    const records = resource.singleton
      ? [value as Rec]
      : (value as Rec[]).slice(Array.isArray(before) ? before.length : 0)
    for (const record of records) {
      const errors = validate(clientFields(resource, record))
      assert.deepEqual(errors, [], `${label}: ${resource.name} ${JSON.stringify(record)}`)
      checked++
    }
  }
  return checked
}

test('generated records pass the Ajv validation of a POST and the strict seed check, for every seed manifest', () => {
  for (const { name, manifest, data } of sources) {
    const prepared = prepareState(manifest, data, { source: name, random: createRandom(1), strict: true })
    for (let seed = 1; seed <= 8; seed++) {
      const label = `${name} seed ${seed}`
      // on top of the seed data (what the server does at start, and `restmock generate`)
      const withSeedData = generateData(manifest, faker, {
        seed,
        now: NOW,
        counts: countsFor(manifest, 12),
        existing: prepared,
      })
      assertServable(manifest, withSeedData, label)
      assert.ok(assertPostable(manifest, withSeedData, prepared, label) > 0)
      // from nothing: every resource generated, singletons included
      const fresh = generateData(manifest, faker, { seed, now: NOW, counts: countsFor(manifest, 12) })
      assertServable(manifest, fresh, `${label} (no seed data)`)
      assertPostable(manifest, fresh, {}, `${label} (no seed data)`)
    }
  }
})

test('a large generated collection stays valid and unique', () => {
  const { manifest } = sources[0]!
  const state = generateData(manifest, faker, {
    seed: 99,
    now: NOW,
    counts: {
      customers: 3000,
      stylists: 50,
      services: 200,
      appointments: 3000,
      invoices: 3000,
      reviews: 3000,
    },
  })
  assertServable(manifest, state, 'large')
})

test('formatCheck judges a format exactly as record validation does, and refuses a format it does not know', () => {
  const samples: Record<string, string[]> = {
    email: ['ada@example.com', 'ada@', 'not an email'],
    uri: ['https://example.com/a?b=1', 'example.com', '/relative'],
    uuid: ['0b3c0b6e-8f6a-4a57-9d0b-2f4e5a6b7c8d', '0b3c0b6e-8f6a-4a57-9d0b', 'x'],
    date: ['2026-02-28', '2026-02-30', '2026-2-1'],
    'date-time': ['2026-01-31T09:30:00Z', '2026-01-31 09:30', '2026-01-31T25:00:00Z'],
  }
  for (const [format, values] of Object.entries(samples)) {
    const check = formatCheck(format)
    const validate = compileValidator({ type: 'string', format })
    assert.equal(check(values[0]!), true, `${format}: ${values[0]}`)
    for (const value of values)
      assert.equal(check(value), validate(value).length === 0, `${format}: ${value}`)
    assert.ok(
      values.slice(1).every((value) => !check(value)),
      format,
    )
  }
  assert.throws(() => formatCheck('hostname'), /unknown format "hostname"/)
})
