import { rename, rm, writeFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { ConfigError, didYouMean } from '../core/errors.ts'
import { referenceDate } from '../core/generate/dates.ts'
import { loadFaker } from '../core/generate/faker.ts'
import { generateData } from '../core/generate/generate-data.ts'
import type { Manifest } from '../core/manifest/model.ts'
import { manifestError } from '../core/manifest/validate-manifest.ts'
import { createRandom, deriveSeed } from '../core/random.ts'
import { prepareState } from '../core/seed.ts'
import type { StateData } from '../core/store.ts'
import { assemble } from '../server/build-mock.ts'
import {
  displayPath,
  effectiveSeed,
  readManifestSource,
  runSourceDataModule,
} from '../server/inspect-source.ts'
import { fileErrorReason, isDataModule, loadSource, readSourceFile } from '../server/load-source.ts'
import type { GenerateArgs } from './commands.ts'
import { givenValue } from './flag-hints.ts'
import { type CliStreams, EXIT_OK, processStreams, UsageError } from './output.ts'

export interface ProgressBar {
  update(done: number, total: number): void
  /** ends the line the bar was drawn on */
  finish(): void
}

const WIDTH = 30

/** One line of progress, redrawn in place: `generating [#########.....]  45%  45000/100000` */
export function renderProgress(done: number, total: number): string {
  const share = total === 0 ? 1 : Math.min(1, done / total)
  const filled = Math.round(share * WIDTH)
  const percent = `${Math.floor(share * 100)}%`.padStart(4)
  return `generating [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${percent}  ${done}/${total}`
}

/** A progress bar on a terminal stream (the caller decides whether there should be one). */
export function progressBar(write: (text: string) => void): ProgressBar {
  let drawn = false
  return {
    update(done, total) {
      write(`\r${renderProgress(done, total)}`)
      drawn = true
    },
    finish() {
      if (drawn) write('\n')
    },
  }
}

/** Records per collection when neither --count nor the resource's `count` says. */
const DEFAULT_COUNT = 10
/** Smaller runs finish too fast for a progress bar to help. */
const PROGRESS_FROM = 10_000

/**
 * Generate records for a manifest and write them with the manifest's seed data, in seed-data shape
 * (json-server db.json), so the file can serve as the manifest's `data`: a data file that does not exist
 * yet starts empty, and --fresh replaces the generated resources' seed data instead of adding to it.
 * Resolves to the exit code.
 */
export async function runGenerate(
  args: GenerateArgs,
  streams: CliStreams = processStreams(),
  argv: readonly string[] = [],
): Promise<number> {
  const { count, seed } = args
  if (count !== undefined && !(Number.isSafeInteger(count) && count >= 0)) {
    throw new UsageError(
      `--count must be a whole number >= 0, got ${givenValue(count, ['count', 'n'], argv)}`,
    )
  }
  if (seed !== undefined && !Number.isSafeInteger(seed)) {
    throw new UsageError(`--seed must be a whole number, got ${givenValue(seed, ['seed'], argv)}`)
  }
  const now = args.now === undefined ? undefined : new Date(args.now)
  if (now !== undefined && Number.isNaN(now.getTime())) {
    throw new UsageError(`--now must be a date such as 2026-11-01 or 2026-11-01T09:00:00Z, got "${args.now}"`)
  }

  const dataOption = args.data === undefined ? {} : { dataPath: args.data }
  if (isDataModule(args.manifest)) {
    // said without running the module: its code is what makes its records, not field rules
    readSourceFile(resolve(args.manifest), 'source')
    throw new UsageError(
      `${args.manifest} is a json-server data module, which makes its own records: generate needs a manifest with field rules`,
    )
  }
  const source = readManifestSource(args.manifest, dataOption)
  if (source === undefined) {
    // not a manifest: loadSource says what it is (or what is wrong with it)
    loadSource(args.manifest, dataOption)
    throw new UsageError(
      `${args.manifest} is a json-server data file: generate needs a manifest with field rules`,
    )
  }
  await runSourceDataModule(source)
  const problems = [...source.report.structural, ...source.report.checks]
  if (problems.length > 0 || source.report.manifest === undefined)
    throw manifestError(problems, args.manifest)
  const manifest = source.report.manifest
  const only = selectedResources(manifest, args.only)
  // the manifest's own data file may not exist yet: generate is how it gets made
  const startsEmpty = source.dataMissing && source.dataFromManifest
  const replacesAll = args.fresh === true && only.length === Object.keys(manifest.resources).length
  if (source.data === undefined && !startsEmpty && !replacesAll) {
    throw new ConfigError(`${args.manifest}: the seed data cannot be read`, source.dataIssues)
  }
  const randomSeed = effectiveSeed(source, seed)
  const faker = await loadFakerFor(args.locale ?? manifest.locale)
  const read = isObject(source.data) ? source.data : {}
  // --fresh: the generated resources start over; the others keep their seed data
  const raw = args.fresh === true ? withoutKeys(read, only) : read
  const reference = now ?? referenceDate(raw as StateData)
  // singletons the data file lacks are generated first: the seed data must be complete to be checked
  const missing = only.filter((name) => manifest.resources[name]!.singleton && raw[name] === undefined)
  const singletons =
    missing.length === 0
      ? {}
      : generateData(manifest, faker, { seed: randomSeed, only: missing, now: reference })
  const dataLabel = source.dataPath ?? source.path
  // refs of kept records into replaced resources can only be checked once those are generated (below)
  const checkable =
    args.fresh === true
      ? { ...manifest, relations: manifest.relations.filter((relation) => !only.includes(relation.parent)) }
      : manifest
  const { seed: existing } = assemble(checkable, { ...raw, ...singletons }, dataLabel, { seed: randomSeed })
  const counts: Record<string, number> = {}
  for (const name of only) {
    const resource = manifest.resources[name]!
    if (!resource.singleton) counts[name] = count ?? resource.count ?? DEFAULT_COUNT
  }

  const total = Object.values(counts).reduce((sum, n) => sum + n, 0)
  const bar =
    streams.stderr.isTTY === true && total >= PROGRESS_FROM
      ? progressBar((text) => streams.stderr.write(text))
      : undefined
  const options: Parameters<typeof generateData>[2] = {
    seed: randomSeed,
    counts,
    only,
    existing,
    now: reference,
  }
  if (bar !== undefined) options.onProgress = (done, all) => bar.update(done, all)
  const state = generateData(manifest, faker, options)
  bar?.finish()
  if (args.fresh === true && !replacesAll) checkKeptRecords(manifest, state, randomSeed)

  const text = `${JSON.stringify(state, null, 2)}\n`
  if (args.out === undefined) streams.stdout.write(text)
  else await writeAtomically(args.out, text)
  if (startsEmpty) {
    streams.stderr.write(
      `restmock: ${displayPath(source.dataPath!)} does not exist yet: no seed data to keep\n`,
    )
  }
  streams.stderr.write(
    summary(counts, args.out, randomSeed, seed === undefined && manifest.seed === undefined),
  )
  return EXIT_OK
}

function selectedResources(manifest: Manifest, only: readonly string[] | undefined): string[] {
  const names = Object.keys(manifest.resources)
  if (only === undefined) return names
  const wanted = only
    .flatMap((entry) => entry.split(','))
    .map((name) => name.trim())
    .filter((name) => name !== '')
  for (const name of wanted) {
    if (!names.includes(name)) {
      throw new UsageError(`--only: "${name}" is not a resource of the manifest${didYouMean(name, names)}`)
    }
  }
  return names.filter((name) => wanted.includes(name))
}

function withoutKeys(data: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(data).filter(([key]) => !keys.includes(key)))
}

/**
 * With --fresh and --only, records kept from the seed data may point at records that were replaced:
 * the output must still be valid seed data for the manifest.
 */
function checkKeptRecords(manifest: Manifest, state: StateData, randomSeed: number): void {
  try {
    prepareState(manifest, state, {
      source: 'the generated data',
      random: createRandom(deriveSeed(randomSeed, 'seed-ids')),
      strict: true,
    })
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    throw new ConfigError(
      'the records kept from the seed data do not fit the records --fresh generated; add their resources to --only, or leave out --fresh',
      error.issues,
    )
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

async function loadFakerFor(locale: string | undefined) {
  try {
    return await loadFaker(locale ?? 'en')
  } catch (error) {
    if (error instanceof ConfigError)
      throw new UsageError(`--locale: ${error.issues[0]?.message ?? error.message}`)
    throw error
  }
}

function summary(
  counts: Record<string, number>,
  out: string | undefined,
  seed: number,
  chosen: boolean,
): string {
  const total = Object.values(counts).reduce((sum, n) => sum + n, 0)
  const parts = Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([name, n]) => `${name} ${n}`)
  const where = out === undefined ? 'standard output' : out
  const reproduce = chosen ? ` (chosen at random: pass --seed ${seed} to reproduce)` : ''
  return `restmock: generated ${total} record${total === 1 ? '' : 's'}${parts.length > 0 ? ` (${parts.join(', ')})` : ''} to ${where}, seed ${seed}${reproduce}\n`
}

/** Temp file + rename: an existing data file is replaced whole or not at all. */
async function writeAtomically(path: string, text: string): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`
  try {
    await writeFile(temporary, text)
    await rename(temporary, path)
  } catch (error) {
    await rm(temporary, { force: true })
    throw new ConfigError(`cannot write --out: ${path} ${fileErrorReason(error)}`, [])
  }
}
