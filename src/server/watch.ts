import { type FSWatcher, statSync, watch } from 'node:fs'
import { stat } from 'node:fs/promises'
import { basename, dirname } from 'node:path'
import type { Engine } from '../core/engine.ts'
import { ConfigError } from '../core/errors.ts'
import type { Manifest } from '../core/manifest/model.ts'
import { DEFAULT_ID_FIELD } from '../core/manifest/model.ts'
import { createRandom, deriveSeed } from '../core/random.ts'
import { prepareState } from '../core/seed.ts'
import { type Assembled, assembleLoaded } from './build-mock.ts'
import { isDataModule, type LoadedSource, loadAnySource, loadOptionsOf } from './load-source.ts'
import type { StartOptions } from './options.ts'
import { createNodeFs, type PersistenceFs } from './persistence/fs-layer.ts'
import type { LiveRewrites } from './route-rules.ts'
import { findSeedCopy, seedCopyManifest } from './seed-copy.ts'
import { withGeneratedRecords } from './seed-generation.ts'

/** Quiet time after the last file event before a reload: an editor's save is several events. */
export const DEFAULT_WATCH_DEBOUNCE_MS = 100

/**
 * The file layer of the state file's persistence, noting what restmock itself last wrote to each file
 * (inode, size, mtime), so that the watcher can tell its own snapshot writes from an edit by hand.
 */
export interface OwnWrites {
  fs: PersistenceFs
  /** true when `path` is exactly as restmock's last snapshot write left it (waits for writes in flight) */
  isOwn(path: string): Promise<boolean>
}

export function trackOwnWrites(inner: PersistenceFs = createNodeFs()): OwnWrites {
  const stamps = new Map<string, string | undefined>()
  const writing = new Set<Promise<unknown>>()
  return {
    fs: {
      ...inner,
      writeJson: (path, data) => {
        const done = inner.writeJson(path, data).then(async () => {
          stamps.set(path, await stampOf(path))
        })
        const settled = done.catch(() => {})
        writing.add(settled)
        void settled.then(() => writing.delete(settled))
        return done
      },
    },
    async isOwn(path) {
      while (writing.size > 0) await Promise.all(writing)
      return stamps.has(path) && stamps.get(path) === (await stampOf(path))
    },
  }
}

async function stampOf(path: string): Promise<string | undefined> {
  const info = await stat(path, { bigint: true }).catch(() => undefined)
  return info === undefined ? undefined : `${info.ino}:${info.size}:${info.mtimeNs}`
}

/** `watch: true` watches any source; 'auto' (the CLI's default) only a zero-config db.json. */
export function shouldWatch(watchOption: StartOptions['watch'], loaded: LoadedSource | undefined): boolean {
  if (loaded === undefined || watchOption === undefined || watchOption === false) return false
  return watchOption === true || loaded.kind === 'db'
}

export interface WatchContext {
  loaded: LoadedSource
  options: StartOptions
  stateFile: string | undefined
  engine: Engine
  /** serve a new app for `assembled` over the same engine */
  remount(assembled: Assembled): void
  ownWrites: OwnWrites | undefined
  /** the --routes file, read again when it changes */
  routes?: Pick<LiveRewrites, 'path' | 'reload'>
  debounceMs?: number
  /** one line for the operator (stderr) */
  log(line: string): void
}

export interface SourceWatcher {
  /** stop watching and wait for a reload in progress */
  close(): Promise<void>
}

type Change = 'manifest' | 'data' | 'state' | 'routes'

/**
 * Watch the manifest, its data file or folder, or a zero-config db.json. Each file's folder is watched
 * (not the file): editors save by writing a new file and renaming it over the old one, which ends a
 * watch on the file itself. Events are debounced, and reloads run one at a time.
 */
export function watchSource(context: WatchContext): SourceWatcher {
  const { loaded, stateFile } = context
  const debounceMs = context.debounceMs ?? DEFAULT_WATCH_DEBOUNCE_MS
  const watchers: FSWatcher[] = []
  const changed = new Set<Change>()
  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> = Promise.resolve()
  let closed = false
  const seen: SeenState = {}

  const schedule = (change: Change): void => {
    if (closed) return
    changed.add(change)
    clearTimeout(timer)
    timer = setTimeout(() => {
      const batch = new Set(changed)
      changed.clear()
      running = running.then(() =>
        closed ? undefined : reload(context, batch, seen, () => changed.size > 0),
      )
    }, debounceMs)
  }

  const follow = (folder: string, matches: (name: string) => boolean, change: Change): void => {
    const watcher = watch(folder, (_event, name) => {
      if (name !== null && matches(name.toString())) schedule(change)
    })
    watcher.on('error', (error) => context.log(`restmock: stopped watching ${folder}: ${error.message}`))
    watchers.push(watcher)
  }

  const zeroConfigState = loaded.kind === 'db' && stateFile === loaded.path
  const sourceChange: Change = loaded.kind === 'manifest' ? 'manifest' : zeroConfigState ? 'state' : 'data'
  if (!isDataModule(loaded.path)) {
    const name = basename(loaded.path)
    follow(dirname(loaded.path), (changedName) => changedName === name, sourceChange)
  }
  const routesPath = context.routes?.path
  if (routesPath !== undefined) follow(dirname(routesPath), (name) => name === basename(routesPath), 'routes')
  const dataPath = loaded.dataPath
  if (dataPath !== undefined && !isDataModule(dataPath)) {
    const folder = isFolder(loaded)
    if (folder) follow(dataPath, (name) => name.endsWith('.json'), 'data')
    else follow(dirname(dataPath), (name) => name === basename(dataPath), 'data')
  }

  return {
    async close() {
      closed = true
      clearTimeout(timer)
      for (const watcher of watchers) watcher.close()
      await running
    },
  }
}

function isFolder(loaded: LoadedSource): boolean {
  return (
    loaded.dataPath !== undefined &&
    statSync(loaded.dataPath, { throwIfNoEntry: false })?.isDirectory() === true
  )
}

/** The stamp of the db.json content last loaded as the state. */
interface SeenState {
  stamp?: string | undefined
}

/** `superseded`: another edit arrived meanwhile (a file read half-written is then not worth reporting) */
async function reload(
  context: WatchContext,
  changed: ReadonlySet<Change>,
  seen: SeenState,
  superseded: () => boolean,
): Promise<void> {
  const { engine, log } = context
  if (changed.has('routes')) {
    reloadRoutes(context, superseded)
    if (changed.size === 1) return
  }
  try {
    if (changed.has('state')) {
      const path = context.loaded.path
      if (context.ownWrites !== undefined && (await context.ownWrites.isOwn(path))) return
      // an event of our own write can be handled after an edit replaced the file, and the edit's
      // event comes next: the content loaded then is not loaded twice
      const stamp = await stampOf(path)
      if (stamp !== undefined && stamp === seen.stamp) return
      const fresh = await assembledFrom(context, superseded)
      if (fresh === undefined) return
      const { assembled, loaded } = fresh
      // the file is both seed and state: keep the seed, load the file as the state
      const seed = normalize(assembled, engine.seedState(), 'seed')
      await engine.replaceManifest(assembled.manifest, seed, (state) => normalize(assembled, state, 'state'))
      // the file already holds this state: writing it back could land over a newer edit. Records the
      // edit left without an id got one here, which only a write-back keeps.
      if (everyRecordHasId(loaded.data, assembled.manifest)) await engine.adoptState(assembled.seed)
      else await engine.replaceAll(assembled.seed)
      context.remount(assembled)
      seen.stamp = stamp
      log(`restmock: ${path} changed on disk; loaded it as the state (${recordCount(assembled.seed)})`)
      return
    }
    const fresh = await assembledFrom(context, superseded)
    if (fresh === undefined) return
    const { assembled, loaded } = fresh
    await engine.replaceManifest(assembled.manifest, assembled.seed, (state) =>
      normalize(assembled, state, 'state'),
    )
    context.remount(assembled)
    if (changed.has('data')) {
      await engine.reset()
      log(
        `restmock: seed data ${loaded.dataPath ?? loaded.path} changed; state reset to it (${recordCount(assembled.seed)})`,
      )
    } else {
      log(`restmock: ${loaded.path} changed; manifest reloaded, state kept`)
    }
  } catch (error) {
    // a failed save of the new state: the engine rolled back and the server keeps serving
    log(`restmock: reload failed: ${(error as Error).message}`)
  }
}

function reloadRoutes(context: WatchContext, superseded: () => boolean): void {
  const routes = context.routes!
  try {
    routes.reload()
    context.log(`restmock: ${routes.path} changed; routes reloaded`)
  } catch (error) {
    if (superseded()) return
    const problem = error instanceof ConfigError ? error.format() : (error as Error).message
    context.log(`restmock: ${routes.path} not reloaded, still using the previous rules:\n${problem}`)
  }
}

/** The edited source, assembled as at start; undefined (problems printed) when it is invalid. */
async function assembledFrom(
  context: WatchContext,
  superseded: () => boolean,
): Promise<{ assembled: Assembled; loaded: LoadedSource } | undefined> {
  const { options, log } = context
  try {
    const loaded = withSeedCopyResources(
      await loadAnySource(context.loaded.path, loadOptionsOf(options)),
      context,
    )
    const assembled = await withGeneratedRecords(
      assembleLoaded(loaded, { ...options, seed: options.seed ?? context.engine.manifest.seed ?? 0 }),
      options.locale,
    )
    return { assembled, loaded }
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    if (superseded()) return undefined
    log(
      `restmock: ${context.loaded.path} not reloaded, still serving the previous version:\n${error.format()}`,
    )
    return undefined
  }
}

/**
 * A zero-config db.json with a seed copy serves the resources of both, as at start (seedCopyManifest): a
 * resource the user deleted from the db.json by hand is still one of the seed's.
 */
function withSeedCopyResources(loaded: LoadedSource, context: WatchContext): LoadedSource {
  const copy = context.stateFile === undefined ? undefined : findSeedCopy(loaded, context.stateFile)
  if (copy?.data === undefined) return loaded
  return { ...loaded, manifest: seedCopyManifest(loaded, copy, context.options.idField) }
}

function normalize(assembled: Assembled, state: unknown, source: string): ReturnType<typeof prepareState> {
  return prepareState(assembled.manifest, state, {
    source,
    random: createRandom(deriveSeed(assembled.randomSeed, 'state-ids')),
    strict: false,
  })
}

function recordCount(state: Record<string, unknown>): string {
  let count = 0
  for (const value of Object.values(state)) if (Array.isArray(value)) count += value.length
  return count === 1 ? '1 record' : `${count} records`
}

function everyRecordHasId(data: unknown, manifest: Manifest): boolean {
  if (typeof data !== 'object' || data === null) return false
  for (const [name, value] of Object.entries(data)) {
    if (!Array.isArray(value)) continue
    const idField = manifest.resources[name]?.idField ?? DEFAULT_ID_FIELD
    for (const record of value)
      if (typeof record !== 'object' || record === null || !(idField in record)) return false
  }
  return true
}
