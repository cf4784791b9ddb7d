import { statSync } from 'node:fs'
import { basename, dirname, resolve } from 'node:path'
import type { Hono } from 'hono'
import type { Engine } from '../core/engine.ts'
import { ConfigError } from '../core/errors.ts'
import { createRandom, deriveSeed } from '../core/random.ts'
import { prepareState } from '../core/seed.ts'
import type { SimulationRuntime } from '../core/simulation/policy-levels.ts'
import type { StateData } from '../core/store.ts'
import type { Extension } from '../http/extensions.ts'
import {
  type Assembled,
  assemble,
  assembleLoaded,
  buildMock,
  type MockWiring,
  manifestFromOptions,
  simulationRuntimeOf,
} from './build-mock.ts'
import { trimHeapWhenIdle } from './idle-heap-trim.ts'
import { extensionFiles, loadExtensions } from './load-extensions.ts'
import { fileErrorReason, type LoadedSource, loadAnySource, loadOptionsOf } from './load-source.ts'
import { asyncStdout, bufferedWriter, formatRequest } from './log-writer.ts'
import { listenNodeServer } from './node-server.ts'
import type { StartOptions } from './options.ts'
import type { PersistenceStats } from './persistence/file.ts'
import { acquireStateLock, type StateLock } from './persistence/lock.ts'
import type { Persistence } from './persistence/persistence.ts'
import { createMemoryPersistence } from './persistence/persistence.ts'
import { staleStateNotice } from './persistence/state-file.ts'
import { liveRewrites } from './route-rules.ts'
import { findSeedCopy, keepSeedCopy, type SeedCopy, seedCopyManifest } from './seed-copy.ts'
import { withGeneratedRecords } from './seed-generation.ts'
import { staticFolders } from './static-files.ts'
import { shouldWatch, trackOwnWrites, watchSource } from './watch.ts'

export interface RunningMock {
  /** http://HOST:PORT (no trailing slash) */
  url: string
  port: number
  host: string
  engine: Engine
  app: Hono
  /** the effective random seed */
  seed: number
  /** the state file, or undefined in memory */
  stateFile: string | undefined
  /** journal appends and compactions so far (file persistence only) */
  persistenceStats(): Readonly<PersistenceStats> | undefined
  /** back to the seed state (also persisted) */
  reset(): Promise<void>
  /**
   * Stop accepting, let in-flight requests finish (up to 5 s, then their connections are cut), flush
   * pending writes and release the state file.
   */
  close(): Promise<void>
}

interface Prepared {
  assembled: Assembled
  loaded: LoadedSource | undefined
  stateFile: string | undefined
  /** zero-config: the state file's content, parsed while loading the source */
  snapshotValue: StateData | undefined
  /** zero-config: the copy of the original db.json that seeds it (written on first start) */
  seedCopy: SeedCopy | undefined
  /** --middlewares and the manifest's `extensions`, imported */
  extensions: Extension[]
}

/**
 * Start a real HTTP server for a manifest or db.json (the CLI's serve command and the library).
 * Nothing on disk changes until the state file's lock is held and the port is bound: a start that
 * fails (port taken, state file in use, bad state file) leaves every file as it was.
 */
export async function startMock(options: StartOptions): Promise<RunningMock> {
  const sourceBefore = options.source === undefined ? undefined : fileStamp(resolve(options.source))
  let prepared = await prepare(options)
  const { stateFile } = prepared
  // before the lock: bad --latency / --error-rate values stop the start
  let runtime = simulationRuntimeOf(prepared.assembled.manifest, options)
  const lock =
    stateFile === undefined
      ? undefined
      : await acquireStateLock(stateFile).catch((error: unknown) => {
          throw stateFileError(error, stateFile)
        })
  try {
    // zero-config: the db.json (the state file) was read before the lock; another process may have
    // written it since (a shutdown compacting into it), so read it again now that it is ours
    if (prepared.snapshotValue !== undefined && fileStamp(stateFile!) !== sourceBefore) {
      prepared = await prepare(options)
      runtime = simulationRuntimeOf(prepared.assembled.manifest, options)
    }
    return await startLocked(options, prepared, runtime, lock)
  } catch (error) {
    await lock?.release()
    throw error
  }
}

async function prepare(options: StartOptions): Promise<Prepared> {
  let assembled: Assembled
  let loaded: LoadedSource | undefined
  let stateFile: string | undefined
  let snapshotValue: StateData | undefined
  let seedCopy: SeedCopy | undefined
  // a static folder that does not exist stops the start before anything else
  staticFolders(options.static)
  if (options.source !== undefined) {
    const loadOptions = loadOptionsOf(options)
    loaded = await loadAnySource(options.source, loadOptions)
    // the library keeps state in memory unless asked; the CLI passes persist: true
    if (options.persist === true || options.db !== undefined)
      stateFile = resolve(options.db ?? loaded.defaultStateFile)
    // zero-config: the db.json is also the state file; it was just parsed, do not parse it again
    if (stateFile === loaded.path && loaded.dataPath === undefined) snapshotValue = loaded.data as StateData
    seedCopy = stateFile === undefined ? undefined : findSeedCopy(loaded, stateFile)
    assembled =
      seedCopy?.data === undefined
        ? assembleLoaded(loaded, options)
        : assemble(seedCopyManifest(loaded, seedCopy, options.idField), seedCopy.data, seedCopy.path, options)
  } else {
    assembled = assemble(manifestFromOptions(options), options.data, 'data', options)
    if (options.db !== undefined) stateFile = resolve(options.db)
  }
  assembled = await withGeneratedRecords(assembled, options.locale)
  const folder = loaded === undefined ? undefined : dirname(loaded.path)
  const extensions = await loadExtensions(
    extensionFiles(options.middlewares, assembled.manifest.extensions, folder),
  )
  return { assembled, loaded, stateFile, snapshotValue, seedCopy, extensions }
}

async function startLocked(
  options: StartOptions,
  { assembled, loaded, stateFile, snapshotValue, seedCopy, extensions }: Prepared,
  runtime: SimulationRuntime,
  lock: StateLock | undefined,
): Promise<RunningMock> {
  const engineRef: { current?: Engine } = {}
  const watching = shouldWatch(options.watch, loaded)
  const ownWrites = watching && stateFile !== undefined ? trackOwnWrites() : undefined
  const persistence: Persistence & { stats?: Readonly<PersistenceStats> } =
    stateFile === undefined
      ? createMemoryPersistence()
      : (await import('./persistence/file.ts')).createFilePersistence({
          file: stateFile,
          snapshot: () => engineRef.current!.snapshot(),
          sync: options.sync === true,
          idField: (name) => assembled.manifest.resources[name]?.idField ?? options.idField ?? 'id',
          ...(snapshotValue === undefined ? {} : { snapshotValue }),
          log: (message) => console.error(`restmock: ${message}`),
          ...(ownWrites === undefined ? {} : { fs: ownWrites.fs }),
        })
  const reset = options.reset === true
  const saved = reset ? undefined : await persistence.load().catch(rethrowAsStateFileError(stateFile))
  if (saved !== undefined && stateFile !== undefined && loaded !== undefined) {
    const notice = staleStateNotice(loaded, stateFile)
    if (notice !== undefined) console.error(`restmock: ${notice}`)
  }
  const initial =
    saved === undefined
      ? assembled.seed
      : prepareState(assembled.manifest, saved, {
          source: 'state file',
          random: createRandom(deriveSeed(assembled.randomSeed, 'state-ids')),
          strict: false,
        })

  const stdout = options.log === undefined && options.logRequests === true ? asyncStdout() : undefined
  const log = options.log
  const writer = bufferedWriter(
    log !== undefined
      ? (chunk) => log(chunk.toString('utf8'))
      : (chunk, lines) => (stdout === undefined ? process.stdout.write(chunk) : stdout.write(chunk, lines)),
  )
  const appHooks: MockWiring['app'] = {
    logError: (error) => {
      if (!isClientAbort(error)) console.error('restmock: unexpected error while handling a request:', error)
    },
    ...(options.logRequests === true ? { onRequest: (entry) => writer.line(formatRequest(entry)) } : {}),
  }
  // --watch: the routes file is read again when it changes (json-server 0.17 does the same)
  const routes = watching && typeof options.routes === 'string' ? liveRewrites(options.routes) : undefined
  const rewrites = routes === undefined ? {} : { rewrites: routes.rewriter }
  const mock = buildMock(assembled, options, {
    persistence,
    initial,
    runtime,
    app: appHooks,
    extensions,
    ...rewrites,
  })
  // an extension's async setup that fails stops the start before the port is bound
  await mock.ready?.catch(async (error: unknown) => {
    await persistence.close()
    throw error
  })
  const { engine } = mock
  // --watch serves a new app when the manifest changes; requests always go to the current one
  const live = { app: mock.app, reset: mock.reset, retire: mock.retire }
  const serve: Hono['fetch'] = (request, env, context) => live.app.fetch(request, env, context)
  engineRef.current = engine

  const collect = recordCount(initial) >= LARGE_STATE_RECORDS ? await fullGc() : undefined
  collect?.()
  const stopTrimming = collect === undefined ? undefined : trimHeapWhenIdle(collect)

  // First start or --reset: the seed is written once the port is ours; requests that arrive meanwhile
  // wait for it, so none of their writes can land before it and be wiped by it.
  const gate = saved === undefined && stateFile !== undefined ? startupGate(serve) : undefined
  const host = options.host ?? '127.0.0.1'
  const listening = await listenNodeServer(gate?.fetch ?? serve, host, options.port ?? 0).catch(
    (error: unknown) => {
      stopTrimming?.()
      throw error
    },
  )
  try {
    // before the first write to the db.json, so the copy is what the user started with
    if (seedCopy !== undefined && keepSeedCopy(seedCopy))
      console.error(
        `restmock: kept the original ${basename(seedCopy.source)} as the seed in ${seedCopy.path} (--reset returns to it)`,
      )
    if (gate !== undefined) await persistence.reset(assembled.seed).catch(rethrowAsStateFileError(stateFile))
  } catch (error) {
    gate?.open()
    await listening.close()
    stopTrimming?.()
    throw error
  }
  gate?.open()

  const watcher =
    watching && loaded !== undefined
      ? watchSource({
          loaded,
          options,
          stateFile,
          engine,
          ownWrites,
          ...(routes === undefined ? {} : { routes }),
          ...(options.watchDebounceMs === undefined ? {} : { debounceMs: options.watchDebounceMs }),
          log: (line) => console.error(line),
          remount: (next) => {
            const runtimeNext = simulationRuntimeOf(next.manifest, options)
            const parts = buildMock(next, options, {
              persistence,
              runtime: runtimeNext,
              app: appHooks,
              engine,
              extensions,
              ...rewrites,
            })
            live.retire()
            live.app = parts.app
            live.reset = parts.reset
            live.retire = parts.retire
          },
        })
      : undefined

  const urlHost = host.includes(':') ? `[${host}]` : host
  let closing: Promise<void> | undefined
  return {
    url: `http://${urlHost}:${listening.port}`,
    port: listening.port,
    host,
    engine,
    get app() {
      return live.app
    },
    seed: assembled.randomSeed,
    stateFile,
    persistenceStats: () => persistence.stats,
    reset: () => live.reset(),
    close: () => {
      closing ??= (async () => {
        try {
          await watcher?.close()
          await listening.close()
          stopTrimming?.()
          writer.flush()
          await stdout?.close()
          await persistence.close()
        } finally {
          await lock?.release()
        }
      })()
      return closing
    },
  }
}

/** The app's fetch, holding requests until `open` is called. */
function startupGate(fetch: Hono['fetch']): { fetch: Hono['fetch']; open(): void } {
  let opened = false
  let open = (): void => {}
  const ready = new Promise<void>((resolveReady) => {
    open = resolveReady
  })
  return {
    fetch: (request, env, context) =>
      opened ? fetch(request, env, context) : ready.then(() => fetch(request, env, context)),
    open() {
      opened = true
      open()
    },
  }
}

/**
 * A client that disconnects mid-request makes reading its body fail; that is not a server error.
 * Node reports it as ECONNRESET "aborted", the fetch adapter as an abort of the request's signal.
 */
function isClientAbort(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false
  const { code, name, message } = error as { code?: unknown; name?: unknown; message?: unknown }
  return (
    code === 'ECONNRESET' ||
    code === 'ERR_STREAM_PREMATURE_CLOSE' ||
    name === 'AbortError' ||
    message === 'aborted'
  )
}

/** Above this many records, the garbage of loading (file text, parse buffers) is collected before serving. */
const LARGE_STATE_RECORDS = 20_000

function recordCount(state: StateData): number {
  let count = 0
  for (const value of Object.values(state)) if (Array.isArray(value)) count += value.length
  return count
}

/**
 * A full garbage collection, for large states only: run once before serving, the memory used to read
 * the data file goes back (measured: 100k records, RSS 196 MB -> 163 MB, about 60 ms once at start);
 * run again when the server is idle, the young generation grown while loading shrinks (-30 MB).
 */
async function fullGc(): Promise<() => void> {
  const { setFlagsFromString } = await import('node:v8')
  const { runInNewContext } = await import('node:vm')
  setFlagsFromString('--expose-gc')
  return runInNewContext('gc') as () => void
}

/** "size:mtime" of a file, or undefined when it does not exist: tells whether it changed in between. */
function fileStamp(path: string): string | undefined {
  const info = statSync(path, { throwIfNoEntry: false, bigint: true })
  return info === undefined ? undefined : `${info.size}:${info.mtimeNs}`
}

function rethrowAsStateFileError(stateFile: string | undefined): (error: unknown) => never {
  return (error) => {
    throw stateFileError(error, stateFile)
  }
}

/** File-system failures on the state file become a ConfigError naming the file and the flag. */
function stateFileError(error: unknown, stateFile: string | undefined): unknown {
  if (error instanceof ConfigError || stateFile === undefined) return error
  return new ConfigError(
    `the state file ${stateFile} ${fileErrorReason(error)}; choose another with --db, or use --in-memory`,
    [],
  )
}
