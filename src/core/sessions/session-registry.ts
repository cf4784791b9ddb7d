import type { Engine } from '../engine.ts'
import type { Manifest } from '../manifest/model.ts'
import { createRandom, deriveSeed, type Random } from '../random.ts'
import type { Simulator } from '../simulation/simulator.ts'
import type { StateData, Store } from '../store.ts'
import { OverlayStore, seedStore } from './overlay-store.ts'
import { Session, type SessionInfo } from './session.ts'

export const DEFAULT_SESSION_TTL_MS: number = 30 * 60_000
export const DEFAULT_MAX_SESSIONS = 1000
export const DEFAULT_MAX_SESSION_BYTES: number = 256 * 1024 * 1024

/** How long sessions live and how many (and how much) of them are kept. */
export interface SessionLimits {
  /** idle time after which a session ends, in ms (default 30 minutes) */
  ttlMs?: number
  /** most sessions at once; the least recently used ends first (default 1,000) */
  maxSessions?: number
  /** most bytes of changed records all sessions hold together; least recently used first (default 256 MiB) */
  maxBytes?: number
}

export interface SessionRegistryOptions extends SessionLimits {
  /** the shared engine: its manifest and seed are what every session starts from */
  engine: Engine
  /** the shared simulator: each session forks it (configured policy, shared rate-limit counters) */
  simulator: Simulator
  /** wall-clock epoch ms (tests inject one) */
  clock?: () => number
}

/**
 * Every live session, most recently used last. A session is made on first use from the seed (not the
 * shared state) in O(1): the seed is loaded into an index once, and each session is a copy-on-write
 * view over it. Sessions end when idle longer than the TTL (checked whenever the registry is used),
 * and the least recently used end first when there are too many or they hold too many bytes.
 */
export class SessionRegistry {
  readonly ttlMs: number
  readonly maxSessions: number
  readonly maxBytes: number
  readonly #engine: Engine
  readonly #simulator: Simulator
  readonly #clock: () => number
  readonly #sessions = new Map<string, Session>()
  #base: { manifest: Manifest; seed: StateData; store: Store } | undefined
  #bytes = 0
  /** the most recently used session (touching it again moves nothing) */
  #newest: Session | undefined
  /** no session can have expired before this time (the oldest one's use + TTL, or later) */
  #nextExpiry = Number.POSITIVE_INFINITY
  /** the configured simulation, which sessions that changed none of theirs share */
  #configured: Simulator | undefined

  constructor(options: SessionRegistryOptions) {
    this.ttlMs = options.ttlMs ?? DEFAULT_SESSION_TTL_MS
    this.maxSessions = options.maxSessions ?? DEFAULT_MAX_SESSIONS
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_SESSION_BYTES
    this.#engine = options.engine
    this.#simulator = options.simulator
    this.#clock = options.clock ?? Date.now
  }

  get size(): number {
    return this.#sessions.size
  }

  /** estimated bytes all sessions hold, as of their last write */
  get bytes(): number {
    return this.#bytes
  }

  /** The session `id` (a valid id), made from the seed when it does not exist; marks it used now. */
  use(id: string): Session {
    const now = this.#clock()
    this.#expire(now)
    this.#dropStale()
    let session = this.#sessions.get(id)
    if (session === undefined) {
      session = this.#create(id, now)
      this.#sessions.set(id, session)
      this.#newest = session
      this.#nextExpiry = Math.min(this.#nextExpiry, now + this.ttlMs)
      this.#evict(session, () => this.#sessions.size > this.maxSessions)
      return session
    }
    session.lastUsedAt = now
    if (session === this.#newest) return session
    // most recently used last: eviction takes the front
    this.#sessions.delete(id)
    this.#sessions.set(id, session)
    this.#newest = session
    return session
  }

  /** The session if it exists (expired ones do not), without marking it used. */
  find(id: string): Session | undefined {
    this.#expire(this.#clock())
    this.#dropStale()
    return this.#sessions.get(id)
  }

  list(): SessionInfo[] {
    this.#expire(this.#clock())
    this.#dropStale()
    return [...this.#sessions.values()].map((session) => session.info())
  }

  /** Back to the seed, with the configured simulation and no scripted faults (made when absent). */
  reset(id: string): Session {
    const session = this.use(id)
    const store = this.#view()
    session.store = store
    session.engine = this.#engine.derive(store, idRandom(this.#engine.manifest, id))
    session.resetSimulation()
    this.account(session)
    return session
  }

  /** Ends a session; false when there was none. */
  delete(id: string): boolean {
    const session = this.#sessions.get(id)
    if (session === undefined) return false
    this.#end(session)
    return true
  }

  /** Ends every session (the shared state was reset). */
  clear(): void {
    this.#sessions.clear()
    this.#bytes = 0
    this.#newest = undefined
    this.#nextExpiry = Number.POSITIVE_INFINITY
  }

  /**
   * Counts what `session` holds after a write, then ends the least recently used others while all
   * sessions together hold more than `maxBytes` (the session just written is kept).
   */
  account(session: Session): void {
    if (this.#sessions.get(session.id) !== session) return
    const bytes = session.bytes
    this.#bytes += bytes - session.accounted
    session.accounted = bytes
    this.#evict(session, () => this.#bytes > this.maxBytes)
  }

  #create(id: string, now: number): Session {
    const store = this.#view()
    const engine = this.#engine.derive(store, idRandom(this.#engine.manifest, id))
    this.#configured ??= this.#simulator.fork('sessions')
    const simulation = { configured: this.#configured, fork: () => this.#simulator.fork(`session:${id}`) }
    return new Session(id, engine, store, simulation, now)
  }

  /** A fresh view of the seed; the seed's index is built on first need and again when the seed changes. */
  #view(): OverlayStore {
    const { manifest } = this.#engine
    const seed = this.#engine.seedState()
    this.#dropStale()
    this.#base ??= { manifest, seed, store: seedStore(manifest, seed) }
    return new OverlayStore(manifest, this.#base.store)
  }

  /** Sessions over an older manifest or seed (a --watch reload) cannot go on: they end. */
  #dropStale(): void {
    const base = this.#base
    if (base === undefined) return
    if (base.manifest === this.#engine.manifest && base.seed === this.#engine.seedState()) return
    this.#base = undefined
    this.clear()
  }

  #expire(now: number): void {
    if (now < this.#nextExpiry) return
    this.#nextExpiry = Number.POSITIVE_INFINITY
    for (const session of this.#sessions.values()) {
      if (now - session.lastUsedAt < this.ttlMs) {
        this.#nextExpiry = session.lastUsedAt + this.ttlMs
        break
      }
      this.#end(session)
    }
  }

  #evict(keep: Session, over: () => boolean): void {
    for (const session of this.#sessions.values()) {
      if (!over()) return
      if (session !== keep) this.#end(session)
    }
  }

  #end(session: Session): void {
    this.#sessions.delete(session.id)
    this.#bytes -= session.accounted
    if (this.#newest === session) this.#newest = undefined
  }
}

/** The random stream of a session's ids (uuids), made when the first one is drawn. */
function idRandom(manifest: Manifest, id: string): Random {
  let random: Random | undefined
  return () => {
    random ??= createRandom(deriveSeed(manifest.seed ?? 0, `session-ids:${id}`))
    return random()
  }
}
