import type { Faker } from '@faker-js/faker'
import { ConfigError } from '../errors.ts'
import type { Issue, Manifest, ResourceDef } from '../manifest/model.ts'
import { type ManifestReport, withLine } from '../manifest/validate-manifest.ts'
import { declaredRelations } from '../manifest/zero-config.ts'
import { createRandom, deriveSeed } from '../random.ts'
import { collectionsToGenerate, prepareState } from '../seed.ts'
import type { StateData } from '../store.ts'
import { referenceDate } from './dates.ts'
import { generationIssues } from './feasibility.ts'
import { generateData } from './generate-data.ts'
import { walkFields } from './primitives.ts'

export interface SourceCheckInput {
  /** the manifest's own problems and what could be read of it */
  report: ManifestReport
  /** every resource name the manifest declares, readable or not */
  declared: readonly string[]
  /** 1-based line in the manifest of a dotted path, when known */
  lineOf?: (path: string) => number | undefined
  /** the raw seed data ({} when there is none); undefined when it could not be read (already reported) */
  data: unknown
  /** names the seed data in messages (crm.data.json) */
  dataLabel: string
  /** 1-based line in the seed data of a dotted path (customers.2.email), when known */
  dataLineOf?: (path: string) => number | undefined
  /** the effective random seed, as serving uses it */
  seed: number
  /** faker for the manifest's locale, asked for only when records are to be generated */
  faker: () => Faker
}

export interface SourceCheckResult {
  /** problems located in the manifest (its own, and what generating its records would fail on) */
  issues: Issue[]
  /** problems of the seed data's records, located in the data */
  dataIssues: Issue[]
  /** the normalized seed data of the resources that could be checked */
  state: StateData | undefined
  /** records generated at start per collection (from `count`) */
  generated: Record<string, number>
}

/**
 * Everything serving checks before it starts, in one pass: the manifest, the seed data against the field
 * rules, and that the `count` records can be generated. Each stage runs on what the earlier ones left
 * usable: a resource whose definition has problems is left out of the later stages, and so is, for
 * generation, a resource whose seed data has problems or whose required refs point at such a resource.
 */
export function checkSource(input: SourceCheckInput): SourceCheckResult {
  const { report } = input
  const issues = [...report.structural, ...report.checks]
  const dataIssues: Issue[] = []
  const generated: Record<string, number> = {}
  if (report.manifest === undefined) return { issues, dataIssues, state: undefined, generated }

  const unreadable = new Set(input.declared.filter((name) => report.manifest?.resources[name] === undefined))
  for (const issue of report.structural) addResourceOf(issue.path, unreadable)
  const readable = restricted(report.manifest, unreadable)
  if (input.data === undefined) return { issues, dataIssues, state: undefined, generated }

  const random = (): ReturnType<typeof createRandom> => createRandom(deriveSeed(input.seed, 'seed-ids'))
  const data = withoutKeys(input.data, unreadable)
  let state: StateData | undefined
  const broken = new Set<string>()
  try {
    state = prepareState(readable, data, { source: input.dataLabel, random: random(), strict: true })
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    dataIssues.push(...error.issues.map((issue) => inData(issue, input.dataLabel, input.dataLineOf)))
    if (error.issues.length === 0) dataIssues.push({ path: input.dataLabel, message: error.message })
    for (const issue of error.issues) broken.add(issue.path.split(/[.[]/)[0] ?? '')
    state = lenientState(restricted(readable, broken), withoutKeys(data, broken), input.dataLabel, random())
  }
  if (state === undefined) return { issues, dataIssues, state, generated }

  const candidates = collectionsToGenerate(readable, state).filter((name) => !broken.has(name))
  for (const name of candidates) generated[name] = readable.resources[name]!.count!
  const skipped = new Set([...unreadable, ...broken])
  for (const issue of report.checks) {
    if (!/^resources\.[^.]+\.simulate(\.|$)/.test(issue.path)) addResourceOf(issue.path, skipped)
  }

  // what generation would fail on is foreseen for every resource, even those that cannot be generated yet
  const counted: StateData = { ...state, ...recordsOf(input.data, new Set([...unreadable, ...broken])) }
  const foreseeable = [
    ...candidates,
    ...collectionsToGenerate(report.manifest, counted).filter((name) => unreadable.has(name)),
  ]
  const counts = new Map(foreseeable.map((name) => [name, report.manifest!.resources[name]!.count!] as const))
  const now = referenceDate(state)
  const foreseen = generationIssues(report.manifest, { counts, existing: counted, now })
  issues.push(...foreseen.map((issue) => withLine(issue, input.lineOf)))
  for (const issue of foreseen) addResourceOf(issue.path, skipped)
  let wanted = withoutDependents(readable, candidates, skipped)

  // generating stops at the first failure: leave its resource out and go on with the others
  while (wanted.length > 0) {
    try {
      generateData(readable, input.faker(), {
        seed: input.seed,
        only: wanted,
        existing: state,
        now,
        foreseen: true,
      })
      break
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error
      issues.push(...error.issues.map((issue) => withLine(issue, input.lineOf)))
      const before = wanted.length
      for (const issue of error.issues) addResourceOf(issue.path, skipped)
      wanted = withoutDependents(readable, wanted, skipped)
      if (wanted.length === before) break
    }
  }
  return { issues, dataIssues, state, generated }
}

/** `resources.<name>...` -> name */
function addResourceOf(path: string, names: Set<string>): void {
  const match = /^resources\.([^.]+)/.exec(path)
  if (match?.[1] !== undefined) names.add(match[1])
}

function restricted(manifest: Manifest, leaveOut: ReadonlySet<string>): Manifest {
  if (leaveOut.size === 0) return manifest
  const resources: Record<string, ResourceDef> = {}
  for (const [name, resource] of Object.entries(manifest.resources)) {
    if (!leaveOut.has(name)) resources[name] = resource
  }
  const relations = declaredRelations(resources).filter(
    (relation) => resources[relation.parent] !== undefined,
  )
  return { ...manifest, resources, relations }
}

function withoutKeys(data: unknown, keys: ReadonlySet<string>): unknown {
  if (typeof data !== 'object' || data === null || Array.isArray(data) || keys.size === 0) return data
  return Object.fromEntries(Object.entries(data).filter(([key]) => !keys.has(key)))
}

/** The records (objects) of the named collections in the raw seed data, to count and compare with. */
function recordsOf(data: unknown, names: ReadonlySet<string>): StateData {
  const records: StateData = {}
  if (typeof data !== 'object' || data === null) return records
  for (const [name, value] of Object.entries(data)) {
    if (names.has(name) && Array.isArray(value)) {
      records[name] = value.filter((record) => typeof record === 'object' && record !== null)
    }
  }
  return records
}

function inData(issue: Issue, label: string, lineOf: SourceCheckInput['dataLineOf']): Issue {
  const located: Issue = { ...issue, path: issue.path === '' ? label : `${label}: ${issue.path}` }
  if (lineOf === undefined || issue.line !== undefined) return located
  // customers[2].email -> customers.2.email; a missing key reports its record's line
  const parts = issue.path.replace(/\[(\d+)\]/g, '.$1').split('.')
  for (let length = parts.length; length > 0; length--) {
    const line = lineOf(parts.slice(0, length).join('.'))
    if (line !== undefined) return { ...located, line }
  }
  return located
}

/** The seed data of the resources without problems, to generate the others against. */
function lenientState(
  manifest: Manifest,
  data: unknown,
  source: string,
  random: ReturnType<typeof createRandom>,
): StateData | undefined {
  try {
    return prepareState(manifest, data, { source, random, strict: false })
  } catch (error) {
    if (error instanceof ConfigError) return undefined
    throw error
  }
}

/**
 * `names` without the skipped resources and those that cannot be generated without one: a required or
 * unique, non-nullable ref to a skipped resource (repeated until nothing changes).
 */
function withoutDependents(manifest: Manifest, names: readonly string[], skipped: Set<string>): string[] {
  let remaining = names.filter((name) => !skipped.has(name))
  for (;;) {
    const next = remaining.filter((name) => {
      let depends = false
      walkFields(manifest.resources[name]!, (field) => {
        const target = field.ref
        if (target === undefined || target === name || !skipped.has(target) || field.nullable) return
        if (field.required || field.unique) depends = true
      })
      if (depends) skipped.add(name)
      return !depends
    })
    if (next.length === remaining.length) return next
    remaining = next
  }
}
