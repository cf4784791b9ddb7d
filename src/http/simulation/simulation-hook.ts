import { Hono } from 'hono'
import type { Fetch } from '../reply.ts'
import { type Sleep, timerSleep } from './connection-faults.ts'
import { requestMayOverride, type SimulationMiddlewareOptions, simulationMiddleware } from './middleware.ts'

/** Simulation's settings; every one has a default. */
export interface SimulationOptions {
  /** honour per-request `Prefer: status=/delay=/fault=` and `_status`/`_delay`/`_fault` (default true; CLI --no-prefer) */
  prefer?: boolean
  /** waits out simulated latency and faults; default: real timers (tests inject a fake) */
  sleep?: Sleep
}

/** What simulation works with, handed in by the app. */
export type SimulationDependencies = Pick<
  SimulationMiddlewareOptions,
  'simulator' | 'simulatorOf' | 'basePath' | 'responder' | 'now'
>

/** Simulation as the app's dispatcher sees it. */
export interface SimulationHook {
  /** true when this request must go through simulation; false costs the request nothing more */
  applies(request: Request, env: unknown): boolean
  /**
   * An app that runs the simulation middleware, then `handle` (the routes' own fetch). The caller
   * adds the problem+json error handling.
   */
  around(handle: Fetch): Hono
}

/**
 * Latency, failures, faults and rate limits, arranged so that the path with nothing to simulate costs
 * nothing: the dispatcher asks `applies` (a boolean and, unless `prefer: false`, a look at the raw
 * Prefer header and query string) and only then routes the request through the middleware.
 */
export function simulationHook(
  dependencies: SimulationDependencies,
  options: SimulationOptions,
): SimulationHook {
  const { simulator } = dependencies
  const honorPrefer = options.prefer ?? true
  const simulate = simulationMiddleware({
    simulator,
    ...(dependencies.simulatorOf === undefined ? {} : { simulatorOf: dependencies.simulatorOf }),
    basePath: dependencies.basePath,
    responder: dependencies.responder,
    honorPrefer,
    sleep: options.sleep ?? timerSleep,
    now: dependencies.now,
  })
  const which = dependencies.simulatorOf
  // the simulator a request meets: its session's when it has one
  const active =
    which === undefined ? () => simulator.active : (env: unknown) => (which(env) ?? simulator).active
  return {
    applies: honorPrefer
      ? (request, env) => active(env) || requestMayOverride(request, env)
      : (_request, env) => active(env),
    around(handle) {
      const app = new Hono({ strict: false })
      app.use(simulate)
      app.all('*', (c) => handle(c.req.raw, c.env))
      return app
    },
  }
}
