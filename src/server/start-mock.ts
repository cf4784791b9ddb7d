import type { Server } from 'node:http'
import { resolve } from 'node:path'
import { serve } from '@hono/node-server'
import type { Hono } from 'hono'
import type { Engine } from '../core/engine.ts'
import { ConfigError } from '../core/errors.ts'
import { createRandom, deriveSeed } from '../core/random.ts'
import { prepareState } from '../core/seed.ts'
import type { StateData } from '../core/state.ts'
import { type Assembled, assemble, assembleLoaded, manifestFromOptions } from './assemble.ts'
import { buildMock } from './build-mock.ts'
import { fileErrorReason } from './file-error.ts'
import { withGeneratedRecords } from './generate-seed.ts'
import { trimHeapWhenIdle } from './idle-heap-trim.ts'
import { loadSource } from './load-source.ts'
import { asyncStdout, bufferedWriter, formatRequest } from './log-writer.ts'
import type { StartOptions } from './options.ts'
import type { PersistenceStats } from './persistence/file.ts'
import { createMemoryPersistence } from './persistence/memory.ts'
import type { Persistence } from './persistence/types.ts'
import { simulationSetup } from './simulation-setup.ts'

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
  /** stop accepting, flush pending writes, close */
  close(): Promise<void>
}

/** Start a real HTTP server for a manifest or db.json (the CLI's serve command and the library). */
export async function startMock(options: StartOptions): Promise<RunningMock> {
  let assembled: Assembled
  let stateFile: string | undefined
  let snapshotValue: StateData | undefined
  if (options.source !== undefined) {
    const loaded = loadSource(
      options.source,
      options.dataPath === undefined ? {} : { dataPath: options.dataPath },
    )
    assembled = assembleLoaded(loaded, options)
    if (options.persist !== false) stateFile = resolve(options.db ?? loaded.defaultStateFile)
    // zero-config: the db.json is also the state file; it was just parsed, do not parse it again
    if (stateFile === loaded.path && loaded.dataPath === undefined) snapshotValue = loaded.data as StateData
  } else {
    assembled = assemble(manifestFromOptions(options), options.data, 'data', options)
    if (options.persist === true || options.db !== undefined)
      stateFile = options.db === undefined ? undefined : resolve(options.db)
  }
  assembled = await withGeneratedRecords(assembled, options.locale)
  // before anything is written: bad --latency / --error-rate values stop the start
  const simulation = simulationSetup(assembled.manifest, options)
  const engineRef: { current?: Engine } = {}
  const persistence: Persistence & { stats?: Readonly<PersistenceStats> } =
    stateFile === undefined
      ? createMemoryPersistence()
      : (await import('./persistence/index.ts')).createFilePersistence({
          file: stateFile,
          snapshot: () => engineRef.current!.snapshot(),
          sync: options.sync === true,
          ...(snapshotValue === undefined ? {} : { snapshotValue }),
          log: (message) => console.error(`restmock: ${message}`),
        })
  const initial = await initialState(assembled, persistence, options.reset === true).catch(
    (error: unknown) => {
      throw stateFileError(error, stateFile)
    },
  )

  const stdout = options.log === undefined && options.logRequests === true ? asyncStdout() : undefined
  const log = options.log
  const writer = bufferedWriter(
    log !== undefined
      ? (chunk) => log(chunk.toString('utf8'))
      : (chunk, lines) => (stdout === undefined ? process.stdout.write(chunk) : stdout.write(chunk, lines)),
  )
  const { engine, app, reset } = buildMock(assembled, options, {
    persistence,
    initial,
    simulation,
    app: {
      logError: (error) => console.error('restmock: unexpected error while handling a request:', error),
      ...(options.logRequests === true ? { onRequest: (entry) => writer.line(formatRequest(entry)) } : {}),
    },
  })
  engineRef.current = engine

  const collect = recordCount(initial) >= LARGE_STATE_RECORDS ? await fullGc() : undefined
  collect?.()
  const stopTrimming = collect === undefined ? undefined : trimHeapWhenIdle(collect)
  const host = options.host ?? '127.0.0.1'
  const { server, port } = await listen(app, host, options.port ?? 3000)
  const urlHost = host.includes(':') ? `[${host}]` : host
  let closing: Promise<void> | undefined
  return {
    url: `http://${urlHost}:${port}`,
    port,
    host,
    engine,
    app,
    seed: assembled.randomSeed,
    stateFile,
    persistenceStats: () => persistence.stats,
    reset,
    close: () => {
      closing ??= (async () => {
        await new Promise<void>((resolveClose) => {
          server.close(() => resolveClose())
          server.closeIdleConnections()
          setTimeout(() => server.closeAllConnections(), 2000).unref()
        })
        stopTrimming?.()
        writer.flush()
        await stdout?.close()
        await persistence.close()
      })()
      return closing
    },
  }
}

/** Saved state when there is some, else the seed (written at once so the state file exists). */
async function initialState(
  assembled: Assembled,
  persistence: Persistence,
  reset: boolean,
): Promise<StateData> {
  const saved = reset ? undefined : await persistence.load()
  if (saved === undefined) {
    await persistence.reset(assembled.seed)
    return assembled.seed
  }
  const random = createRandom(deriveSeed(assembled.randomSeed, 'state-ids'))
  return prepareState(assembled.manifest, saved, { source: 'state file', random, strict: false })
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

/** File-system failures on the state file become a ConfigError naming the file and the flag. */
function stateFileError(error: unknown, stateFile: string | undefined): unknown {
  if (error instanceof ConfigError || stateFile === undefined) return error
  return new ConfigError(
    `the state file ${stateFile} ${fileErrorReason(error)}; choose another with --db, or use --in-memory`,
    [],
  )
}

type NodeServer = Server

function listen(app: Hono, host: string, port: number): Promise<{ server: NodeServer; port: number }> {
  return new Promise((resolveListen, reject) => {
    const server = serve({ fetch: app.fetch, hostname: host, port }, (info) => {
      server.off('error', reject)
      resolveListen({ server, port: info.port })
    }) as Server
    server.once('error', reject)
  }) as Promise<{ server: NodeServer; port: number }>
}
