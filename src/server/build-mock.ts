import { randomInt } from 'node:crypto'
import type { Hono } from 'hono'
import { type Committer, Engine } from '../core/engine.ts'
import { ConfigError } from '../core/errors.ts'
import type { Manifest } from '../core/manifest/model.ts'
import { parseYamlOrJson } from '../core/manifest/parse-text.ts'
import { validateManifest } from '../core/manifest/validate.ts'
import { inferManifest } from '../core/manifest/zero-config.ts'
import { createRandom, deriveSeed } from '../core/random.ts'
import { prepareState } from '../core/seed.ts'
import { createSimulationRuntime, type SimulationRuntime } from '../core/simulation/policy-levels.ts'
import type { StateData } from '../core/store.ts'
import type { AdminAccess } from '../http/admin/admin-guard.ts'
import { type AppOptions, createApp } from '../http/app.ts'
import { flagsOf, type SimulationOptions } from '../http/simulation/simulation-hook.ts'
import { type LoadedSource, loadSource } from './load-source.ts'
import type { MockOptions, StartOptions } from './options.ts'
import { createMemoryPersistence } from './persistence/persistence.ts'
import { generateSeedRecords, MANIFEST_CHECKS } from './seed-generation.ts'

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

/**
 * The simulation runtime of one mock (policy from the manifest with --latency / --error-rate laid over
 * it, scripted faults, request journal) and the app options that mount it. The runtime is returned so
 * the mock's `reset()` can reset it along with the state, as `POST /__restmock/reset` does.
 */
export function simulationSetup(
  manifest: Manifest,
  options: MockOptions,
): { runtime: SimulationRuntime; appOptions: SimulationOptions } {
  const runtime = createSimulationRuntime(manifest, flagsOf(options))
  const appOptions: SimulationOptions = { runtime }
  if (options.prefer !== undefined) appOptions.prefer = options.prefer
  if (options.admin !== undefined) appOptions.admin = options.admin
  return { runtime, appOptions }
}

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
export function buildMock(
  assembled: Assembled,
  options: MockOptions & Pick<StartOptions, 'host'>,
  wiring: MockWiring,
): MockParts {
  const adminAccess = adminAccessOf(options)
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
    simulation: { ...wiring.simulation.appOptions, reset, adminAccess },
    ...wiring.app,
  }
  if (options.cors !== undefined) appOptions.cors = options.cors
  if (options.bodyLimit !== undefined) appOptions.bodyLimit = options.bodyLimit
  return { engine, app: createApp(appOptions), reset }
}

/**
 * Admin token, admin origin and the bound address (for the admin API's Host check; an in-process mock
 * has none and admits loopback names only).
 */
function adminAccessOf(options: MockOptions & Pick<StartOptions, 'host'>): AdminAccess {
  const access: AdminAccess = {}
  if (options.host !== undefined) access.bindHost = options.host
  const token = options.adminToken
  if (token !== undefined) {
    if (typeof token !== 'string' || !/^[\x21-\x7e]+$/.test(token)) {
      throw new ConfigError(
        'the admin token must be one or more visible ASCII characters, without spaces (--admin-token, RESTMOCK_ADMIN_TOKEN)',
        [],
      )
    }
    access.token = token
  }
  if (options.adminOrigin !== undefined) access.origin = originOf(options.adminOrigin)
  return access
}

/** `http://localhost:5173` (a trailing slash is accepted); anything with a path, query or credentials is not. */
function originOf(value: unknown): string {
  const problem = new ConfigError(
    `the admin origin must be an origin such as http://localhost:5173 (scheme, host and port only), got ${JSON.stringify(value)} (--admin-origin)`,
    [],
  )
  if (typeof value !== 'string') throw problem
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw problem
  }
  const bare =
    url.pathname === '/' && url.search === '' && url.hash === '' && url.username === '' && url.password === ''
  if (url.origin === 'null' || !bare || !/^[a-z][a-z0-9+.-]*:\/\/[^/]+\/?$/i.test(value)) throw problem
  return url.origin
}

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
