import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import type { Hono } from 'hono'
import { Engine, IN_MEMORY } from '../core/engine.ts'
import { inferManifest } from '../core/manifest/infer.ts'
import { parseYamlOrJson } from '../core/manifest/parse-text.ts'
import { validateManifest } from '../core/manifest/validate.ts'
import { createRandom, deriveSeed } from '../core/random.ts'
import { createApp } from '../http/app.ts'
import { assemble, manifestFromOptions } from './assemble.ts'
import { generateSeedRecords } from './generate-records.ts'
import { MANIFEST_CHECKS } from './manifest-checks.ts'
import type { MockOptions } from './options.ts'
import { simulationSetup } from './simulation-setup.ts'

export type MockApp = Hono & {
  engine: Engine
  /** back to the seed state */
  reset(): Promise<void>
}

/**
 * An in-process mock: a Hono app (`await app.request('/customers')`), no socket, no files written,
 * state in memory. For test fixtures; `source` may name a manifest or db.json to read synchronously.
 */
export function createMock(options: MockOptions): MockApp {
  let manifest = options.source === undefined ? manifestFromOptions(options) : undefined
  let data = options.data
  if (options.source !== undefined) {
    const path = resolve(options.source)
    const text = readFileSync(path, 'utf8')
    const parsed = parseYamlOrJson(text, options.source)
    const value = parsed.value as Record<string, unknown>
    const isManifest =
      /\.ya?ml$/i.test(path) || (typeof value?.resources === 'object' && !Array.isArray(value.resources))
    if (isManifest) {
      manifest = validateManifest(value, {
        source: options.source,
        lineOf: parsed.lineOf,
        checks: MANIFEST_CHECKS,
      })
      const dataFile =
        options.dataPath ?? (manifest.data === undefined ? undefined : resolve(path, '..', manifest.data))
      if (data === undefined && dataFile !== undefined) data = JSON.parse(readFileSync(dataFile, 'utf8'))
    } else {
      manifest = inferManifest(value, options.source)
      data ??= value
    }
  }
  const assembled = generateSeedRecords(
    assemble(manifest!, data, options.source ?? 'data', options),
    options.locale,
  )
  const engine = new Engine({
    manifest: assembled.manifest,
    seed: assembled.seed,
    persistence: IN_MEMORY,
    random: createRandom(deriveSeed(assembled.randomSeed, 'ids')),
    now: () => new Date(),
  })
  const simulation = simulationSetup(assembled.manifest, options)
  const appOptions: Parameters<typeof createApp>[0] = { engine, simulation: simulation.appOptions }
  if (options.cors !== undefined) appOptions.cors = options.cors
  if (options.bodyLimit !== undefined) appOptions.bodyLimit = options.bodyLimit
  const app = createApp(appOptions)
  const reset = async (): Promise<void> => {
    await engine.reset()
    simulation.runtime.reset()
  }
  return Object.assign(app, { engine, reset })
}
