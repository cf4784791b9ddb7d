import type { Context, Next } from 'hono'
import { RestmockError } from '../../core/errors.ts'
import { parseOverrides } from '../../core/simulation/overrides.ts'
import type { RequestOverrides, SimulationDecision } from '../../core/simulation/policy.ts'
import type { Simulator } from '../../core/simulation/simulator.ts'
import { problemResponse } from '../problem.ts'
import type { Responder } from '../reply.ts'
import { incomingOf, nodeBindings, requestHeader, setSimulationNote } from '../request.ts'
import { actOutFault, failureResponse, type Sleep } from './connection-faults.ts'

export interface SimulationMiddlewareOptions {
  simulator: Simulator
  /** the simulator of a request that has one of its own (a session's), from the request's env */
  simulatorOf?: (env: unknown) => Simulator | undefined
  basePath: string
  /** for the CORS headers of simulated answers */
  responder: Responder
  /** honour `Prefer: status=/delay=/fault=` and `_status`/`_delay`/`_fault` (off with --no-prefer) */
  honorPrefer: boolean
  sleep: Sleep
  /** monotonic ms, for rate-limit windows */
  now: () => number
}

const OVERRIDE_HINT = /[?&]_(?:status|delay|fault)=/

/**
 * Latency, failures, faults and rate limits for one request. The app's dispatcher sends a request
 * through this middleware only when the simulator is active or the request asks for an override
 * (`requestMayOverride`), so requests with nothing to simulate never pay for it.
 */
export function simulationMiddleware(options: SimulationMiddlewareOptions): SimulationStep {
  return (c, next) => simulateRequest(c, next, options)
}

/** A middleware that always leaves its answer in `c.res` (so it can be composed by hand). */
export type SimulationStep = (c: Context, next: Next) => Promise<void>

/** Cheap check on the raw Node request where there is one (no Headers or URL objects built). */
export function requestMayOverride(request: Request, env: unknown): boolean {
  const incoming = incomingOf(env)
  if (incoming !== undefined)
    return incoming.headers.prefer !== undefined || OVERRIDE_HINT.test(incoming.url ?? '')
  return request.headers.has('prefer') || OVERRIDE_HINT.test(request.url)
}

async function simulateRequest(c: Context, next: Next, options: SimulationMiddlewareOptions): Promise<void> {
  // a failed or slowed CORS preflight reads as a CORS error in the browser, which is not what anyone
  // simulating a flaky API wants to debug: OPTIONS is never simulated
  if (c.req.method === 'OPTIONS') return next()
  const path = c.req.path
  let overrides: RequestOverrides | undefined
  try {
    overrides = options.honorPrefer
      ? parseOverrides(requestHeader(c, 'prefer'), (name) => c.req.query(name))
      : undefined
  } catch (error) {
    if (!(error instanceof RestmockError)) throw error
    c.res = problemResponse(error, path, options.responder.cors(c))
    return
  }
  const relative =
    options.basePath !== '' && path.startsWith(options.basePath)
      ? path.slice(options.basePath.length) || '/'
      : path
  const ip = nodeBindings(c)?.incoming.socket.remoteAddress
  const request = {
    method: c.req.method,
    path: relative,
    header: (name: string) => requestHeader(c, name),
    ...(ip === undefined ? {} : { ip }),
    ...(overrides === undefined ? {} : { overrides }),
  }
  const simulator = options.simulatorOf?.(c.env) ?? options.simulator
  const decision = simulator.decide(request, options.now())
  const note = { simulated: describeDecision(decision), noResponse: false }
  if (note.simulated !== '') setSimulationNote(c.req.raw, note)
  if (decision.latencyMs > 0) await options.sleep(decision.latencyMs, c.req.raw.signal)
  if (decision.failure !== undefined) {
    c.res = failureResponse(decision.failure, decision.headers, path, options.responder.cors(c))
    return
  }
  if (decision.fault !== undefined) {
    const outcome = await actOutFault(c, decision.fault, next, options.sleep, options.responder.cors(c))
    note.noResponse = outcome.noResponse
    withHeaders(outcome.response, decision.headers)
    c.res = outcome.response
    return
  }
  await next()
  withHeaders(c.res, decision.headers)
}

function withHeaders(response: Response, headers: Readonly<Record<string, string>> | undefined): void {
  if (headers === undefined) return
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value)
}

/** "latency 120ms, failure 503 (policy)", or '' when nothing was simulated. */
export function describeDecision(decision: SimulationDecision): string {
  const parts: string[] = []
  if (decision.latencyMs > 0) parts.push(`latency ${decision.latencyMs}ms`)
  if (decision.failure !== undefined)
    parts.push(`failure ${decision.failure.status} (${decision.failure.source})`)
  if (decision.fault !== undefined) parts.push(`fault ${decision.fault.kind} (${decision.fault.source})`)
  return parts.join(', ')
}
