import { randomInt } from 'node:crypto'
import { ConfigError } from '../core/errors.ts'
import { inferManifest } from '../core/manifest/infer.ts'
import { parseYamlOrJson } from '../core/manifest/parse-text.ts'
import type { Manifest } from '../core/manifest/types.ts'
import { validateManifest } from '../core/manifest/validate.ts'
import { createRandom, deriveSeed } from '../core/random.ts'
import { prepareState } from '../core/seed.ts'
import type { StateData } from '../core/state.ts'
import type { LoadedSource } from './load-source.ts'
import { MANIFEST_CHECKS } from './manifest-checks.ts'
import type { MockOptions } from './options.ts'

export interface Assembled {
  manifest: Manifest
  seed: StateData
  /** the effective random seed (printed so a run can be reproduced) */
  randomSeed: number
}

/** A manifest given in code: an object, or YAML/JSON text. */
export function manifestFromOptions(options: MockOptions): Manifest {
  if (options.manifest === undefined) {
    if (options.data === undefined) throw new ConfigError('give a source, a manifest or data to serve', [])
    return inferManifest(options.data, 'data')
  }
  if (typeof options.manifest === 'string') {
    const parsed = parseYamlOrJson(options.manifest, 'manifest')
    return validateManifest(parsed.value, {
      source: 'manifest',
      lineOf: parsed.lineOf,
      checks: MANIFEST_CHECKS,
    })
  }
  return validateManifest(options.manifest, { source: 'manifest', checks: MANIFEST_CHECKS })
}

/** Manifest + raw seed data + options -> the normalized seed state everything starts from. */
export function assemble(manifest: Manifest, data: unknown, source: string, options: MockOptions): Assembled {
  const effective: Manifest =
    options.basePath === undefined ? manifest : { ...manifest, basePath: normalizeBase(options.basePath) }
  const randomSeed = options.seed ?? manifest.seed ?? randomInt(0, 2 ** 31)
  const random = createRandom(deriveSeed(randomSeed, 'seed-ids'))
  const seed = prepareState(effective, data ?? {}, { source, random, strict: true })
  // generated records (`count`) are added by the callers: withGeneratedRecords (startMock, lazily) and
  // generateSeedRecords (createMock), so faker stays unloaded when nothing needs generating
  return { manifest: { ...effective, seed: randomSeed }, seed, randomSeed }
}

export function assembleLoaded(loaded: LoadedSource, options: MockOptions): Assembled {
  const source = loaded.dataPath ?? loaded.path
  return assemble(loaded.manifest, loaded.data, source, options)
}

function normalizeBase(basePath: string): string {
  if (basePath === '' || basePath === '/') return ''
  if (!basePath.startsWith('/'))
    throw new ConfigError(`--base-path must start with "/", got "${basePath}"`, [])
  return basePath.replace(/\/+$/, '')
}
