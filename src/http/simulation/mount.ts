import type { Hono } from 'hono'
import type { Engine } from '../../core/engine.ts'
import type { SimulationFlags } from '../../core/simulation/from-manifest.ts'
import { createSimulationRuntime, type SimulationRuntime } from '../../core/simulation/runtime.ts'
import { createAdminApp } from '../admin/admin-app.ts'
import { isAdminPath } from '../admin/admin-router.ts'
import type { AdminContext } from '../admin/context.ts'
import { journaled } from '../admin/journaling.ts'
import type { Responder } from '../respond.ts'
import { simulationMiddleware } from './middleware.ts'
import { type Sleep, timerSleep } from './sleep.ts'

/** Simulation and admin settings of createApp; every one has a default. */
export interface SimulationOptions extends SimulationFlags {
  /** simulator + request journal; default: built from the engine's manifest (and the flags above) */
  runtime?: SimulationRuntime
  /** honour per-request `Prefer` / `_status` / `_delay` / `_fault` (default true; --no-prefer) */
  prefer?: boolean
  /** the admin API under /__restmock and the request journal (default true; --no-admin) */
  admin?: boolean
  /** default: real timers */
  sleep?: Sleep
  /** wall-clock epoch ms (journal times); default Date.now */
  clock?: () => number
  /** what POST /__restmock/reset does; default: engine back to the seed, then the simulation runtime */
  reset?: () => Promise<void>
}

export interface MountContext {
  engine: Engine
  /** builds responses with the CORS headers */
  responder: Responder
  /** monotonic ms */
  now: () => number
  /** request body limit: larger bodies are not kept in the journal */
  bodyLimit: number
  /** where unexpected errors in admin handlers are reported */
  logError: (error: unknown) => void
}

/** Largest body the admin API reads (PUT /__restmock/db carries a whole state). */
const ADMIN_BODY_LIMIT = 64 * 1024 * 1024

/**
 * Mount the admin API, the request journal and the simulation middleware on an app (before its resource
 * routes). One middleware does it all: /__restmock requests go to the admin app and never reach the
 * journal or the simulation; every other request is journaled around the simulation. Without the admin
 * API and with nothing to simulate, nothing is mounted at all.
 */
export function mountSimulation(
  app: Hono,
  context: MountContext,
  options: SimulationOptions = {},
): SimulationRuntime {
  const { engine } = context
  const runtime = options.runtime ?? createSimulationRuntime(engine.manifest, flagsOf(options))
  const honorPrefer = options.prefer ?? true
  const clock = options.clock ?? Date.now
  const simulate = simulationMiddleware({
    simulator: runtime.simulator,
    basePath: engine.manifest.basePath,
    responder: context.responder,
    honorPrefer,
    sleep: options.sleep ?? timerSleep,
    now: context.now,
  })
  if (!(options.admin ?? true)) {
    // nothing can turn simulation on later: with no policy and no per-request overrides, mount nothing
    if (honorPrefer || runtime.simulator.active) app.use(simulate)
    return runtime
  }
  const admin: AdminContext = {
    engine,
    runtime,
    bodyLimit: ADMIN_BODY_LIMIT,
    responder: context.responder,
    clock,
    reset:
      options.reset ??
      (async () => {
        await engine.reset()
        runtime.reset()
      }),
  }
  const adminApp = createAdminApp(admin, context.logError)
  const journal = { journal: runtime.journal, now: context.now, clock, bodyLimit: context.bodyLimit }
  const journaledSimulate = journaled(journal, simulate)
  app.use((c, next) =>
    isAdminPath(c.req.path) ? Promise.resolve(adminApp.fetch(c.req.raw, c.env)) : journaledSimulate(c, next),
  )
  return runtime
}

function flagsOf(options: SimulationOptions): SimulationFlags {
  const flags: SimulationFlags = {}
  if (options.latency !== undefined) flags.latency = options.latency
  if (options.errorRate !== undefined) flags.errorRate = options.errorRate
  return flags
}
