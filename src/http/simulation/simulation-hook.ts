import { Hono } from 'hono'
import type { Engine } from '../../core/engine.ts'
import {
  createSimulationRuntime,
  type SimulationFlags,
  type SimulationRuntime,
} from '../../core/simulation/policy-levels.ts'
import { type AdminContext, createAdminApp } from '../admin/admin-api.ts'
import { type AdminAccess, guardAdmin } from '../admin/admin-guard.ts'
import { adminCorsForOrigin } from '../cors.ts'
import { type FinishedRequest, journalRecorder } from '../journal/journal-recorder.ts'
import { REDACTED_HEADERS } from '../journal/journal-view.ts'
import { Responder } from '../reply.ts'
import { requestMayOverride, type Sleep, simulationMiddleware, timerSleep } from './middleware.ts'

/** Simulation and admin settings of createApp; every one has a default. */
export interface SimulationOptions extends SimulationFlags {
  /** simulator + request journal; default: built from the engine's manifest (and the flags above) */
  runtime?: SimulationRuntime
  /** honour per-request `Prefer` / `_status` / `_delay` / `_fault` (default true; --no-prefer) */
  prefer?: boolean
  /** the admin API under /__restmock and the request journal (default true; --no-admin) */
  admin?: boolean
  /** admin token, the origin granted CORS on the admin API, the bound address (Host check) */
  adminAccess?: AdminAccess
  /** header names the journal shows as `[redacted]` besides the credential headers (an API key header) */
  redactHeaders?: readonly string[]
  /** default: real timers */
  sleep?: Sleep
  /** wall-clock epoch ms (journal times); default Date.now */
  clock?: () => number
  /** what POST /__restmock/reset does; default: engine back to the seed, then the simulation runtime */
  reset?: () => Promise<void>
}

export interface LayerContext {
  engine: Engine
  /** builds responses with the CORS headers */
  responder: Responder
  /** monotonic ms */
  now: () => number
  /** where unexpected errors in admin handlers are reported */
  logError: (error: unknown) => void
}

/** What the app's dispatcher needs from simulation and the admin API. */
export interface SimulationLayer {
  runtime: SimulationRuntime
  /** the admin API behind its access checks, or undefined with --no-admin */
  admin: ((request: Request, env: unknown) => Response | Promise<Response>) | undefined
  /** records a finished request in the journal (admin API on), else undefined */
  record: ((finished: FinishedRequest) => void) | undefined
  /** true when this request must go through the simulation middleware */
  applies(request: Request, env: unknown): boolean
  /** an app that runs the simulation middleware, then `handle` (the routes' own fetch) */
  around(handle: (request: Request, env: unknown) => Response | Promise<Response>): Hono
}

/** Largest body the admin API reads (PUT /__restmock/db carries a whole state). */
const ADMIN_BODY_LIMIT = 64 * 1024 * 1024

/**
 * Simulation, admin API and request journal, arranged so that the path with nothing to simulate costs
 * nothing: the dispatcher asks `applies` (a boolean and, unless --no-prefer, a look at the raw Prefer
 * header and query string) and only then routes the request through the simulation middleware.
 */
export function createSimulationLayer(
  context: LayerContext,
  options: SimulationOptions = {},
): SimulationLayer {
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
  const adminEnabled = options.admin ?? true
  let admin: SimulationLayer['admin']
  if (adminEnabled) {
    const access = options.adminAccess ?? {}
    // the admin API never gets the resource routes' CORS grant; at most one configured origin
    const responder = new Responder(access.origin !== undefined, adminCorsForOrigin(access.origin))
    const adminContext: AdminContext = {
      engine,
      runtime,
      bodyLimit: ADMIN_BODY_LIMIT,
      responder,
      redactHeaders: new Set(
        [...REDACTED_HEADERS, ...(options.redactHeaders ?? [])].map((name) => name.toLowerCase()),
      ),
      clock,
      reset:
        options.reset ??
        (async () => {
          await engine.reset()
          runtime.reset()
        }),
    }
    admin = guardAdmin(createAdminApp(adminContext, context.logError).fetch, access, responder)
  }
  const { simulator } = runtime
  return {
    runtime,
    admin,
    record: adminEnabled ? journalRecorder({ journal: runtime.journal, now: context.now, clock }) : undefined,
    applies: honorPrefer
      ? (request, env) => simulator.active || requestMayOverride(request, env)
      : () => simulator.active,
    around(handle) {
      const app = new Hono({ strict: false })
      app.use(simulate)
      app.all('*', (c) => handle(c.req.raw, c.env))
      return app
    },
  }
}

/** The global-level flags (`--latency`, `--error-rate`) out of a larger options object. */
export function flagsOf(options: SimulationFlags): SimulationFlags {
  const flags: SimulationFlags = {}
  if (options.latency !== undefined) flags.latency = options.latency
  if (options.errorRate !== undefined) flags.errorRate = options.errorRate
  return flags
}
