import type { Hono } from 'hono'
import type { Engine } from '../core/engine.ts'
import { assemble, assembleLoaded, manifestFromOptions } from './assemble.ts'
import { buildMock } from './build-mock.ts'
import { generateSeedRecords } from './generate-records.ts'
import { type LoadedSource, loadSource } from './load-source.ts'
import type { MockOptions } from './options.ts'
import { createMemoryPersistence } from './persistence/memory.ts'
import { simulationSetup } from './simulation-setup.ts'

/** The in-process mock as the server builds it; the library hands users a narrower InProcessMock. */
export type MockApp = Hono & {
  engine: Engine
  /** the effective random seed */
  seed: number
  /** back to the seed, with runtime simulation changes, scripted faults and the journal cleared */
  reset(): Promise<void>
}

/**
 * An in-process mock: a Hono app (`await app.request('/customers')`), no socket, no files written,
 * state in memory. `source` may name a manifest or db.json (read synchronously; with `data` given too,
 * that data replaces the source's seed data).
 */
export function createMockApp(options: MockOptions): MockApp {
  const assembled = generateSeedRecords(
    options.source === undefined
      ? assemble(manifestFromOptions(options), options.data, 'data', options)
      : assembleLoaded(loadFromSource(options.source, options), options),
    options.locale,
  )
  const { engine, app, reset } = buildMock(assembled, options, {
    persistence: createMemoryPersistence(),
    simulation: simulationSetup(assembled.manifest, options),
  })
  return Object.assign(app, { engine, seed: assembled.randomSeed, reset })
}

function loadFromSource(source: string, options: MockOptions): LoadedSource {
  const loaded = loadSource(source, options.dataPath === undefined ? {} : { dataPath: options.dataPath })
  return options.data === undefined ? loaded : { ...loaded, data: options.data }
}
