import type { Hono } from 'hono'
import { Engine, IN_MEMORY } from '../core/engine.ts'
import { createRandom, deriveSeed } from '../core/random.ts'
import { createApp } from '../http/app.ts'
import { assemble, assembleLoaded, manifestFromOptions } from './assemble.ts'
import { generateSeedRecords } from './generate-records.ts'
import { type LoadedSource, loadSource } from './load-source.ts'
import type { MockOptions } from './options.ts'
import { simulationSetup } from './simulation-setup.ts'

export type MockApp = Hono & {
  engine: Engine
  /** back to the seed state */
  reset(): Promise<void>
}

/**
 * An in-process mock: a Hono app (`await app.request('/customers')`), no socket, no files written,
 * state in memory. For test fixtures; `source` may name a manifest or db.json (read synchronously; with
 * `data` given too, that data replaces the source's seed data).
 */
export function createMock(options: MockOptions): MockApp {
  const assembled = generateSeedRecords(
    options.source === undefined
      ? assemble(manifestFromOptions(options), options.data, 'data', options)
      : assembleLoaded(loadFromSource(options.source, options), options),
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

function loadFromSource(source: string, options: MockOptions): LoadedSource {
  const loaded = loadSource(source, options.dataPath === undefined ? {} : { dataPath: options.dataPath })
  return options.data === undefined ? loaded : { ...loaded, data: options.data }
}
