import { randomBytes } from 'node:crypto'
import { link, open, readFile, rename, unlink, writeFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { ConfigError } from '../../core/errors.ts'

/** Held by one process for one state file; `release` gives it back. */
export interface StateLock {
  readonly file: string
  release(): Promise<void>
}

export interface StateLockOptions {
  /** The pid written into the lock (default: this process's). */
  pid?: number
  /** Whether a pid names a running process (default: `process.kill(pid, 0)`). */
  isAlive?: (pid: number) => boolean
}

/** Attempts before giving up when other processes keep changing the lock under us. */
const MAX_ATTEMPTS = 50
/** How long to wait for another process that is taking over the same stale lock (a few file operations). */
const BUSY_WAIT_MS = 5

const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

const errnoCode = (error: unknown): string | undefined => (error as NodeJS.ErrnoException).code

/** A running process: signal 0 checks without signalling; EPERM means it exists but belongs to another user. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return errnoCode(error) === 'EPERM'
  }
}

/** The pid a lock file holds, or undefined when it holds anything else (empty, garbage). */
function parsePid(text: string): number | undefined {
  const trimmed = text.trim()
  if (!/^\d{1,10}$/.test(trimmed)) return undefined
  const pid = Number(trimmed)
  return pid > 0 ? pid : undefined
}

async function readHolder(path: string): Promise<{ pid: number | undefined } | undefined> {
  try {
    return { pid: parsePid(await readFile(path, 'utf8')) }
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return undefined
    throw error
  }
}

/**
 * Creates `path` holding `content`, failing with EEXIST when it exists. The content is written to a
 * private file first and hard-linked into place, so no other process ever sees the lock empty or half
 * written (and mistakes it for garbage to take over). File systems without hard links fall back to an
 * exclusive create.
 */
async function createExclusive(path: string, content: string): Promise<void> {
  const temp = `${path}.${process.pid}-${randomBytes(6).toString('hex')}.tmp`
  const handle = await open(temp, 'wx')
  try {
    await handle.writeFile(content)
  } finally {
    await handle.close()
  }
  try {
    await link(temp, path)
  } catch (error) {
    const code = errnoCode(error)
    if (code === 'EEXIST') throw error
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw error
    const direct = await open(path, 'wx')
    try {
      await direct.writeFile(content)
    } finally {
      await direct.close()
    }
  } finally {
    await unlink(temp).catch(() => {})
  }
}

function inUse(stateFile: string, lockFile: string, pid: number): ConfigError {
  return new ConfigError(
    `the state file ${stateFile} is in use by restmock process ${pid} (lock file ${lockFile}); ` +
      'stop that process, or choose another state file with --db',
    [],
  )
}

/**
 * Takes `<stateFile>.lock` (holding this process's pid) or throws ConfigError naming the holder's pid.
 * A lock whose pid is dead, or that holds no pid at all, is taken over.
 */
export function acquireStateLock(stateFile: string, options: StateLockOptions = {}): Promise<StateLock> {
  const pid = options.pid ?? process.pid
  const attempt = (): Promise<StateLock> => acquire(stateFile, pid, options.isAlive ?? isProcessAlive)
  // An injected pid stands for another process: those race each other as processes do.
  if (pid !== process.pid) return attempt()
  const key = resolve(`${stateFile}.lock`)
  const result = (acquiring.get(key) ?? Promise.resolve()).then(attempt, attempt)
  const tail = result.then(
    () => {},
    () => {},
  )
  acquiring.set(key, tail)
  void tail.then(() => {
    if (acquiring.get(key) === tail) acquiring.delete(key)
  })
  return result
}

/**
 * Lock files (absolute paths) this process holds. A lock naming this process's own pid is ours only if
 * listed here; otherwise it was left by an earlier process that had the same pid (a container's
 * restmock is often pid 1 after every restart) and is stale.
 */
const heldHere = new Set<string>()
/** This process's acquisitions of one lock run one after the other, so they never see each other half done. */
const acquiring = new Map<string, Promise<void>>()

async function acquire(
  stateFile: string,
  pid: number,
  isAlive: (pid: number) => boolean,
): Promise<StateLock> {
  const lockFile = `${stateFile}.lock`
  const content = `${pid}\n`
  const key = resolve(lockFile)
  const held = (holder: number | undefined): holder is number =>
    holder !== undefined && (holder === process.pid ? heldHere.has(key) : isAlive(holder))
  // the takeover file is only ever held for a moment; this process's own acquisitions are serialized,
  // so one naming our pid was left by an earlier process that had it
  const takingOver = (holder: number | undefined): holder is number =>
    holder !== undefined && holder !== process.pid && isAlive(holder)

  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    try {
      await createExclusive(lockFile, content)
      return heldLock(lockFile, pid)
    } catch (error) {
      if (errnoCode(error) !== 'EEXIST') throw error
    }
    const holder = await readHolder(lockFile)
    if (holder === undefined) continue // released meanwhile: try again
    if (held(holder.pid)) throw inUse(stateFile, lockFile, holder.pid)
    const outcome = await takeOver(lockFile, content, held, takingOver)
    if (typeof outcome === 'number') throw inUse(stateFile, lockFile, outcome)
    if (outcome === 'taken') return heldLock(lockFile, pid)
    if (outcome === 'busy') await wait(BUSY_WAIT_MS)
  }
  throw new ConfigError(
    `could not take the lock file ${lockFile}: other processes keep changing it; try again`,
    [],
  )
}

/**
 * Replaces a stale lock with ours. Replacing is only done under `<lock>.takeover`, itself created
 * exclusively, and re-checks the lock under it: without it, two processes that both saw the same stale
 * lock could each replace it (one of them overwriting the other's fresh lock) and both believe they hold
 * it. The replacement is a rename over the old file, so the lock never disappears meanwhile and no
 * exclusive create can slip in. Returns the pid of a live holder found under the mutex, 'busy' when
 * another process holds the mutex, 'retry' when the lock changed or a stale mutex was cleared.
 */
async function takeOver(
  lockFile: string,
  content: string,
  held: (pid: number | undefined) => pid is number,
  takingOver: (pid: number | undefined) => pid is number,
): Promise<'taken' | 'busy' | 'retry' | number> {
  const mutex = `${lockFile}.takeover`
  try {
    await createExclusive(mutex, content)
  } catch (error) {
    if (errnoCode(error) !== 'EEXIST') throw error
    const taker = await readHolder(mutex)
    if (taker === undefined) return 'retry'
    if (takingOver(taker.pid)) return 'busy'
    // left by a process that died within its takeover: move it to a name of our own, and delete it only
    // if what we moved is still the dead one's (a live process may have created a new one meanwhile)
    const claimed = `${mutex}.${process.pid}-${randomBytes(6).toString('hex')}.stale`
    try {
      await rename(mutex, claimed)
    } catch (renameError) {
      if (errnoCode(renameError) === 'ENOENT') return 'retry'
      throw renameError
    }
    const moved = await readHolder(claimed)
    if (moved !== undefined && takingOver(moved.pid)) await link(claimed, mutex).catch(() => {})
    await unlink(claimed).catch(() => {})
    return 'retry'
  }
  try {
    const holder = await readHolder(lockFile)
    if (holder === undefined) return 'retry'
    if (held(holder.pid)) return holder.pid
    const temp = `${lockFile}.${process.pid}-${randomBytes(6).toString('hex')}.tmp`
    await writeFile(temp, content, { flag: 'wx' })
    try {
      await rename(temp, lockFile)
    } catch (error) {
      await unlink(temp).catch(() => {})
      throw error
    }
    return 'taken'
  } finally {
    await unlink(mutex).catch(() => {})
  }
}

function heldLock(file: string, pid: number): StateLock {
  const key = resolve(file)
  if (pid === process.pid) heldHere.add(key)
  let released: Promise<void> | undefined
  return {
    file,
    release() {
      released ??= (async () => {
        const holder = await readHolder(file)
        // never remove a lock another process has since taken over
        if (holder?.pid === pid) await unlink(file).catch(() => {})
        if (pid === process.pid) heldHere.delete(key)
      })()
      return released
    },
  }
}
