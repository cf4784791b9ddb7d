/**
 * Generation throughput: `npm run bench:generate [-- --count N]`.
 * Target: 100k records of a 10-field resource in under 3 s, peak RSS under 500 MB.
 * Each scenario runs in its own process so its peak RSS is its own.
 */
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { loadFaker } from '../src/core/generate/faker.ts'
import { generateData } from '../src/core/generate/generate-data.ts'
import type { FieldDef, Manifest } from '../src/core/manifest/model.ts'
import { parseYamlOrJson } from '../src/core/manifest/parse-text.ts'
import { validateManifest } from '../src/core/manifest/validate-manifest.ts'

const { values } = parseArgs({
  options: { count: { type: 'string', default: '100000' }, scenario: { type: 'string' } },
})
const count = Number(values.count)
const NOW = new Date('2026-11-01T00:00:00Z')

const base = { required: true, nullable: false, readOnly: false, unique: false } as const
const tenFields: Record<string, FieldDef> = {
  firstName: { ...base, type: 'string', maxLength: 60, faker: { method: 'person.firstName', args: [] } },
  lastName: { ...base, type: 'string', maxLength: 60, faker: { method: 'person.lastName', args: [] } },
  email: { ...base, type: 'string', format: 'email', unique: true },
  phone: { ...base, type: 'string', pattern: '^\\+[1-9][0-9]{7,14}$' },
  city: { ...base, type: 'string', maxLength: 60 },
  company: { ...base, type: 'string' },
  plan: { ...base, type: 'string', enum: ['free', 'pro', 'enterprise'] },
  active: { ...base, type: 'boolean', default: true },
  balance: { ...base, type: 'number', minimum: 0, maximum: 10000 },
  birthday: { ...base, type: 'string', format: 'date', nullable: true },
}

interface Scenario {
  title: string
  manifest: () => Manifest
  counts: (total: number) => Record<string, number>
}

const SCENARIOS: Record<string, Scenario> = {
  'ten-fields': {
    title: 'one resource, 10 fields (unique email, pattern, enum, faker, dates) + id + timestamps',
    manifest: () => ({
      name: 'bench',
      basePath: '',
      resources: {
        customers: {
          name: 'customers',
          singleton: false,
          id: 'integer',
          idField: 'id',
          timestamps: true,
          additionalFields: false,
          fields: tenFields,
        },
      },
      relations: [],
      zeroConfig: false,
    }),
    counts: (total) => ({ customers: total }),
  },
  demo: {
    title: 'the demo manifest (seeds/restmock.yaml): six related collections, refs, nested objects, arrays',
    manifest: () => {
      const path = fileURLToPath(new URL('../seeds/restmock.yaml', import.meta.url))
      return validateManifest(parseYamlOrJson(readFileSync(path, 'utf8'), path).value)
    },
    counts: (total) => {
      const share = {
        customers: 0.25,
        stylists: 0.01,
        services: 0.01,
        appointments: 0.25,
        invoices: 0.24,
        reviews: 0.24,
      }
      return Object.fromEntries(Object.entries(share).map(([name, part]) => [name, Math.round(total * part)]))
    },
  },
}

async function runScenario(name: string): Promise<void> {
  const scenario = SCENARIOS[name]!
  const manifest = scenario.manifest()
  const cpuBefore = process.cpuUsage()
  const started = performance.now()
  const faker = await loadFaker('en')
  const loaded = performance.now()
  const state = generateData(manifest, faker, { seed: 42, now: NOW, counts: scenario.counts(count) })
  const finished = performance.now()
  const cpu = process.cpuUsage(cpuBefore)
  let records = 0
  for (const value of Object.values(state)) records += Array.isArray(value) ? value.length : 0
  const seconds = (finished - loaded) / 1000
  const peakMb = process.resourceUsage().maxRSS / 1024
  console.log(`\n${name}: ${scenario.title}`)
  console.log(`  records:     ${records}`)
  console.log(`  faker load:  ${(loaded - started).toFixed(0)} ms`)
  console.log(
    `  generation:  ${(seconds * 1000).toFixed(0)} ms wall, ${Math.round(records / seconds)} records/s`,
  )
  console.log(
    `  CPU time:    ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms (wall time grows when other work shares the cores)`,
  )
  console.log(`  peak RSS:    ${peakMb.toFixed(0)} MB`)
  if (name === 'ten-fields' && count === 100_000) {
    const met = seconds < 3 && peakMb < 500
    console.log(`  target:      < 3000 ms and < 500 MB: ${met ? 'met' : 'NOT met'}`)
  }
}

if (values.scenario !== undefined) {
  await runScenario(values.scenario)
} else {
  for (const name of Object.keys(SCENARIOS)) {
    const script = fileURLToPath(import.meta.url)
    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', script, '--scenario', name, '--count', String(count)],
      { stdio: 'inherit' },
    )
    if (child.status !== 0) process.exitCode = 1
  }
}
