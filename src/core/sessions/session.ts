import type { Engine } from '../engine.ts'
import { RestmockError } from '../errors.ts'
import type { Simulator } from '../simulation/simulator.ts'
import type { OverlayStore } from './overlay-store.ts'

/** A session id: 1 to 64 of A-Z a-z 0-9 _ . - */
export const SESSION_ID: RegExp = /^[A-Za-z0-9_.-]{1,64}$/

export function isSessionId(value: unknown): value is string {
  return typeof value === 'string' && SESSION_ID.test(value)
}

/** 400 invalid_session for an id that is not one (`where`: the header, the path prefix, the admin path). */
export function invalidSession(value: string, where: string): RestmockError {
  const shown = value.length > 80 ? `${JSON.stringify(value.slice(0, 80))}...` : JSON.stringify(value)
  return new RestmockError(
    'invalid_session',
    `${where} ${shown} is not a session id: use 1 to 64 characters among A-Z a-z 0-9 _ . -`,
  )
}

/** What GET /__restmock/sessions lists for each session. */
export interface SessionInfo {
  id: string
  /** records written (created, updated or deleted, cascades included) */
  changed: number
  /** ISO time of the last request or admin call */
  lastUsedAt: string
}

/** Where a session's simulation comes from: the configured one, until the session changes its own. */
export interface SessionSimulation {
  /** the configured policy without faults, shared by every session that changed nothing */
  configured: Simulator
  /** a simulator of this session's own (made when its faults or simulation are first touched) */
  fork(): Simulator
}

/**
 * One session: an engine over a private copy-on-write view of the seed, and its simulation. A reset
 * swaps in a fresh view (the engine changes; anything cached per engine goes with it).
 */
export class Session {
  readonly id: string
  engine: Engine
  store: OverlayStore
  lastUsedAt: number
  /** bytes the registry counted for it at its last check */
  accounted = 0
  /** bytes held for it beside its records (its Idempotency-Key answers), counted in its `bytes` */
  sideBytes: (() => number) | undefined
  readonly #simulation: SessionSimulation
  #own: Simulator | undefined

  constructor(id: string, engine: Engine, store: OverlayStore, simulation: SessionSimulation, now: number) {
    this.id = id
    this.engine = engine
    this.store = store
    this.#simulation = simulation
    this.lastUsedAt = now
  }

  /** The simulator this session's requests meet. */
  get simulator(): Simulator {
    return this.#own ?? this.#simulation.configured
  }

  /** The session's own simulator, for changing its faults or policy (made on first need). */
  ownSimulator(): Simulator {
    this.#own ??= this.#simulation.fork()
    return this.#own
  }

  /** Back to the configured simulation, without scripted faults. */
  resetSimulation(): void {
    this.#own = undefined
  }

  get changed(): number {
    return this.store.changed
  }

  get bytes(): number {
    return this.store.bytes + (this.sideBytes?.() ?? 0)
  }

  info(): SessionInfo {
    return { id: this.id, changed: this.changed, lastUsedAt: new Date(this.lastUsedAt).toISOString() }
  }
}
