import { randomInt } from 'node:crypto'
import type { Hono } from 'hono'
import type { Committer } from '../core/durable-commit.ts'
import { Engine } from '../core/engine.ts'
import { ConfigError } from '../core/errors.ts'
import type { Manifest } from '../core/manifest/model.ts'
import { parseYamlOrJson } from '../core/manifest/parse-text.ts'
import { validateManifest } from '../core/manifest/validate-manifest.ts'
import { inferManifest } from '../core/manifest/zero-config.ts'
import { createRandom, deriveSeed } from '../core/random.ts'
import type { RouteRewriter } from '../core/route-rewrites.ts'
import { prepareState } from '../core/seed.ts'
import { sessionLimitsOf } from '../core/sessions/session-limits.ts'
import { SessionRegistry } from '../core/sessions/session-registry.ts'
import {
  createSimulationRuntime,
  type SimulationFlags,
  type SimulationRuntime,
} from '../core/simulation/policy-levels.ts'
import type { StateData } from '../core/store.ts'
import { type AppOptions, createApp } from '../http/app.ts'
import { DEFAULT_BODY_LIMIT } from '../http/body.ts'
import { type Extension, mountExtensions } from '../http/extensions.ts'
import { type LoadedSource, loadOptionsOf, loadSource } from './load-source.ts'
import type { MockOptions, StartOptions } from './options.ts'
import { createMemoryPersistence } from './persistence/persistence.ts'
import { rewritesOf } from './route-rules.ts'
import { generateSeedRecords, MANIFEST_CHECKS } from './seed-generation.ts'
import { serveStaticFiles, staticFolders, swaggerUiAssets } from './static-files.ts'

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
    return inferManifest(options.data, 'data', options.idField)
  }
  const idField = options.idField === undefined ? {} : { idField: options.idField }
  if (typeof options.manifest === 'string') {
    const parsed = parseYamlOrJson(options.manifest, 'manifest')
    return validateManifest(parsed.value, {
      source: 'manifest',
      lineOf: parsed.lineOf,
      checks: MANIFEST_CHECKS,
      ...idField,
    })
  }
  return validateManifest(options.manifest, { source: 'manifest', checks: MANIFEST_CHECKS, ...idField })
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
 * The simulation runtime of one mock: policy from the manifest with --latency / --error-rate laid over
 * it, scripted faults, request journal. Throws a ConfigError for bad flag values, so callers make it
 * before anything else changes; the mock's `reset()` resets it along with the state, as
 * `POST /__restmock/reset` does.
 */
export function simulationRuntimeOf(manifest: Manifest, options: MockOptions): SimulationRuntime {
  const flags: SimulationFlags = {}
  if (options.latency !== undefined) flags.latency = options.latency
  if (options.errorRate !== undefined) flags.errorRate = options.errorRate
  return createSimulationRuntime(manifest, flags)
}

export interface MockParts {
  engine: Engine
  app: Hono
  /** back to the seed, with runtime simulation changes, scripted faults and the journal cleared */
  reset(): Promise<void>
  /** settles when every extension's async setup has; rejects with a ConfigError naming the file */
  ready?: Promise<void>
  /** this app no longer serves the engine (--watch mounted another): release what it holds on it */
  retire(): void
}

export interface MockWiring {
  persistence: Committer
  /** where the state starts (a loaded state file); default: the seed */
  initial?: StateData
  runtime: SimulationRuntime
  /** app options only the real server sets (request log, error log) */
  app?: Pick<AppOptions, 'onRequest' | 'logError'>
  /** loaded --middlewares / manifest `extensions` modules */
  extensions?: readonly Extension[]
  /** serve this engine instead of making one (--watch: a new app for an edited manifest, same state) */
  engine?: Engine
  /** URL rewrites to apply instead of reading `options.routes` (--watch: rules that follow their file) */
  rewrites?: RouteRewriter
}

/** The options a mock passes on to its app as they are. */
const APP_KEYS = [
  'cors',
  'bodyLimit',
  'prefer',
  'admin',
  'adminToken',
  'adminOrigin',
  'auth',
  'showSecrets',
] as const satisfies readonly (keyof MockOptions & keyof AppOptions)[]

/** Engine + app + reset, the same for an in-process mock and a real server. */
export function buildMock(
  assembled: Assembled,
  options: MockOptions & Pick<StartOptions, 'host'>,
  wiring: MockWiring,
): MockParts {
  const engine =
    wiring.engine ??
    new Engine({
      manifest: assembled.manifest,
      seed: assembled.seed,
      ...(wiring.initial === undefined ? {} : { initial: wiring.initial }),
      persistence: wiring.persistence,
      random: createRandom(deriveSeed(assembled.randomSeed, 'ids')),
      now: () => new Date(),
    })
  const { runtime } = wiring
  const sessions = new SessionRegistry({
    engine,
    simulator: runtime.simulator,
    ...sessionLimitsOf(options),
  })
  const reset = async (): Promise<void> => {
    await engine.reset()
    runtime.reset()
    sessions.clear()
  }
  // POST /__restmock/reset and the library's reset() are the same operation
  const retired = new AbortController()
  const retire = (): void => retired.abort()
  const appOptions: AppOptions = {
    engine,
    runtime,
    reset,
    signal: retired.signal,
    sessions,
    ...givenOnly(options, APP_KEYS),
    ...wiring.app,
  }
  // the admin API's Host check admits the bound address; an in-process mock has none (loopback only)
  if (options.host !== undefined) appOptions.bindHost = options.host
  const docsAssets = swaggerUiAssets()
  if (docsAssets !== undefined) appOptions.docsAssets = docsAssets
  const staticFiles = serveStaticFiles(staticFolders(options.static))
  if (staticFiles !== undefined) appOptions.staticFiles = staticFiles
  const rewrites = wiring.rewrites ?? rewritesOf(options.routes)
  if (rewrites !== undefined) appOptions.rewrites = rewrites
  const extensions =
    wiring.extensions === undefined || wiring.extensions.length === 0
      ? undefined
      : mountExtensions(wiring.extensions, {
          engine,
          bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
          cors: options.cors ?? true,
          logError: wiring.app?.logError ?? ((error) => console.error(error)),
        })
  if (extensions === undefined) return { engine, app: createApp(appOptions), reset, retire }
  appOptions.extensions = extensions
  return { engine, app: createApp(appOptions), reset, ready: extensions.ready, retire }
}

/** The options among `keys` that were given (an optional property is absent, never undefined). */
function givenOnly<T extends object, K extends keyof T>(options: T, keys: readonly K[]): Pick<T, K> {
  const given: Partial<Pick<T, K>> = {}
  for (const key of keys) if (options[key] !== undefined) given[key] = options[key]
  return given as Pick<T, K>
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
    runtime: simulationRuntimeOf(assembled.manifest, options),
  })
  return Object.assign(app, { engine, seed: assembled.randomSeed, reset })
}

function loadFromSource(source: string, options: MockOptions): LoadedSource {
  const loaded = loadSource(source, loadOptionsOf(options))
  return options.data === undefined ? loaded : { ...loaded, data: options.data }
}
