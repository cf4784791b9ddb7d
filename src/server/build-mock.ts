import type { Hono } from 'hono'
import { type Committer, Engine } from '../core/engine.ts'
import { createRandom, deriveSeed } from '../core/random.ts'
import type { StateData } from '../core/state.ts'
import { type AppOptions, createApp } from '../http/app.ts'
import type { Assembled } from './assemble.ts'
import type { MockOptions } from './options.ts'
import type { simulationSetup } from './simulation-setup.ts'

export interface MockParts {
  engine: Engine
  app: Hono
  /** back to the seed, with runtime simulation changes, scripted faults and the journal cleared */
  reset(): Promise<void>
}

export interface MockWiring {
  persistence: Committer
  /** where the state starts (a loaded state file); default: the seed */
  initial?: StateData
  simulation: ReturnType<typeof simulationSetup>
  /** app options only the real server sets (request log, error log) */
  app?: Pick<AppOptions, 'onRequest' | 'logError'>
}

/** Engine + app + reset, the same for an in-process mock and a real server. */
export function buildMock(assembled: Assembled, options: MockOptions, wiring: MockWiring): MockParts {
  const engine = new Engine({
    manifest: assembled.manifest,
    seed: assembled.seed,
    ...(wiring.initial === undefined ? {} : { initial: wiring.initial }),
    persistence: wiring.persistence,
    random: createRandom(deriveSeed(assembled.randomSeed, 'ids')),
    now: () => new Date(),
  })
  const { runtime } = wiring.simulation
  const reset = async (): Promise<void> => {
    await engine.reset()
    runtime.reset()
  }
  // POST /__restmock/reset and the library's reset() are the same operation
  const appOptions: AppOptions = {
    engine,
    simulation: { ...wiring.simulation.appOptions, reset },
    ...wiring.app,
  }
  if (options.cors !== undefined) appOptions.cors = options.cors
  if (options.bodyLimit !== undefined) appOptions.bodyLimit = options.bodyLimit
  return { engine, app: createApp(appOptions), reset }
}
