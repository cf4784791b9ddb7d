import { createRandom, deriveSeed, type Random } from '../random.ts'
import type {
  DecisionSource,
  FaultKind,
  FaultPlan,
  Latency,
  RateLimitBy,
  RequestOverrides,
  RoutePolicy,
  SimulatedFailure,
  SimulationConfig,
  SimulationDecision,
  SimulationPolicy,
  Weighted,
} from './policy.ts'
import { isEmptyPolicy, type PolicyLevel, type ResolvedPolicy, resolvePolicy } from './policy-levels.ts'
import { RateLimiter } from './rate-limiter.ts'
import { RouteTable, splitPath } from './routes.ts'
import { type ScriptedFault, type ScriptedFaultSpec, ScriptedFaults } from './scripted-faults.ts'
import { DEFAULT_DRIBBLE_CHUNKS, DEFAULT_DRIBBLE_MS, DEFAULT_RETRY_AFTER_SECONDS } from './validate-policy.ts'

export interface SimulationRequest {
  /** upper-case */
  method: string
  /** relative to basePath, without the query string */
  path: string
  /** the resource addressed; found from the path when absent */
  resource?: string
  /** client address, for `rateLimit.by: ip` */
  ip?: string
  /** request header by lower-case name, for `rateLimit.by: api-key | header:<name>` */
  header?: (name: string) => string | null | undefined
  overrides?: RequestOverrides
}

export interface SimulatorOptions {
  /** base seed; the simulation stream is derived from it, so it is independent of data generation */
  seed: number
  config?: SimulationConfig
  /** resource names, to find the resource of a path such as /customers/1/invoices (-> invoices) */
  resources?: readonly string[]
  /** rate-limit counters shared with another simulator (a session's counts with the server's) */
  limiter?: RateLimiter
}

/** Uniform draws taken per request whatever happens, so request N always sees the same numbers. */
const DRAWS_PER_REQUEST = 6

export const EMPTY_CONFIG: SimulationConfig = { global: {}, resources: {}, routes: [] }

/**
 * The runtime simulation: the policy levels (changeable at runtime), scripted faults, rate-limit
 * counters and one seeded random stream. `decide` is synchronous and called once per request in
 * arrival order, so the same seed and the same request sequence give the same decisions.
 */
export class Simulator {
  readonly #faults = new ScriptedFaults()
  readonly #seed: number
  readonly #initial: SimulationConfig
  readonly #resourceNames: ReadonlySet<string>
  readonly #limiter: RateLimiter
  readonly #ownLimiter: boolean
  readonly #listeners = new Set<() => void>()
  #random: Random
  #config: SimulationConfig
  #routes: RouteTable

  constructor(options: SimulatorOptions) {
    this.#seed = options.seed
    this.#initial = options.config ?? EMPTY_CONFIG
    this.#resourceNames = new Set(options.resources ?? Object.keys(this.#initial.resources))
    this.#limiter = options.limiter ?? new RateLimiter()
    this.#ownLimiter = options.limiter === undefined
    this.#random = createRandom(deriveSeed(options.seed, 'simulation'))
    this.#config = this.#initial
    this.#routes = new RouteTable(this.#initial.routes)
  }

  get seed(): number {
    return this.#seed
  }

  get config(): SimulationConfig {
    return this.#config
  }

  /** False when nothing but per-request overrides can change a response (the middleware can step aside). */
  get active(): boolean {
    const { global, resources, routes } = this.#config
    return (
      !isEmptyPolicy(global) ||
      routes.length > 0 ||
      Object.values(resources).some((policy) => !isEmptyPolicy(policy)) ||
      this.#faults.size > 0
    )
  }

  /**
   * A simulator of its own for `purpose` (a session): the configured policy, no scripted faults, its
   * own random stream, and this one's rate-limit counters (limits are per client, not per session).
   */
  fork(purpose: string): Simulator {
    return new Simulator({
      seed: deriveSeed(this.#seed, purpose),
      config: this.#initial,
      resources: [...this.#resourceNames],
      limiter: this.#limiter,
    })
  }

  /** Called after every change of policy or scripted faults; returns an unsubscribe function. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  setGlobal(policy: SimulationPolicy): void {
    this.#replace({ ...this.#config, global: policy })
  }

  setResource(name: string, policy: SimulationPolicy): void {
    const resources = { ...this.#config.resources }
    if (isEmptyPolicy(policy)) delete resources[name]
    else resources[name] = policy
    this.#replace({ ...this.#config, resources })
  }

  setRoutes(routes: readonly RoutePolicy[]): void {
    this.#replace({ ...this.#config, routes })
  }

  /** Switch every level off (scripted faults stay). */
  clearPolicies(): void {
    this.#replace(EMPTY_CONFIG)
  }

  /** Back to how the server started: configured policy, no scripted faults, fresh counters and stream. */
  reset(): void {
    this.#faults.clear()
    this.#random = createRandom(deriveSeed(this.#seed, 'simulation'))
    this.#replace(this.#initial)
  }

  addFault(spec: ScriptedFaultSpec): ScriptedFault {
    const fault = this.#faults.add(spec)
    this.#changed()
    return fault
  }

  listFaults(): ScriptedFault[] {
    return this.#faults.list()
  }

  removeFault(id: number): boolean {
    const removed = this.#faults.remove(id)
    if (removed) this.#changed()
    return removed
  }

  clearFaults(): void {
    this.#faults.clear()
    this.#changed()
  }

  /** Order: rate limit -> scripted faults -> per-request overrides -> random errors and faults. */
  decide(request: SimulationRequest, now: number): SimulationDecision {
    const draws: number[] = []
    for (let i = 0; i < DRAWS_PER_REQUEST; i++) draws.push(this.#random())
    const policy = resolvePolicy(this.#levels(request))
    const decision: SimulationDecision = { latencyMs: sampleLatency(policy.latency, draws[0]!, draws[1]!) }

    if (policy.rateLimit !== undefined) {
      const { policy: limit, scope } = policy.rateLimit
      const outcome = this.#limiter.hit(`${scope}\n${clientKey(limit.by, request)}`, limit, now)
      decision.headers = outcome.headers
      if (outcome.limited) {
        decision.failure = {
          status: 429,
          code: 'rate_limited',
          detail: `rate limit of ${limit.limit} requests per ${limit.windowMs / 1000}s exceeded; retry in ${outcome.resetSeconds}s`,
          headers: { 'Retry-After': String(outcome.resetSeconds) },
          source: 'rate-limit',
        }
        return decision
      }
    }

    const scripted = this.#faults.size === 0 ? undefined : this.#faults.take(request.method, request.path)
    if (scripted !== undefined) {
      decision.scriptedFaultId = scripted.id
      if (scripted.delayMs !== undefined) decision.latencyMs = scripted.delayMs
      if (applyForced(decision, scripted, policy, 'scripted')) return decision
    }

    const overrides = request.overrides
    if (overrides !== undefined) {
      if (overrides.delayMs !== undefined) decision.latencyMs = overrides.delayMs
      if (applyForced(decision, overrides, policy, 'request')) return decision
    }

    if (policy.errors !== undefined && draws[2]! < policy.errors.rate) {
      decision.failure = failure(pickWeighted(policy.errors.status, draws[3]!), policy, 'policy')
    } else if (policy.faults !== undefined && draws[4]! < policy.faults.rate) {
      decision.fault = { ...faultPlan(pickWeighted(policy.faults.kind, draws[5]!), policy), source: 'policy' }
    }
    return decision
  }

  #levels(request: SimulationRequest): PolicyLevel[] {
    const levels: PolicyLevel[] = [{ scope: 'global', policy: this.#config.global }]
    const resource = request.resource ?? this.#resourceOf(request.path)
    const resourcePolicy = resource === undefined ? undefined : this.#config.resources[resource]
    if (resourcePolicy !== undefined) levels.push({ scope: `resource:${resource}`, policy: resourcePolicy })
    const route =
      this.#routes.routes.length === 0 ? undefined : this.#routes.find(request.method, request.path)
    if (route !== undefined) levels.push({ scope: `route:${route.key}`, policy: route.policy })
    return levels
  }

  /** The last resource named at a collection position: /customers/1/invoices -> invoices. */
  #resourceOf(path: string): string | undefined {
    const segments = splitPath(path)
    for (let i = segments.length - (segments.length % 2 === 0 ? 2 : 1); i >= 0; i -= 2) {
      if (this.#resourceNames.has(segments[i]!)) return segments[i]
    }
    return undefined
  }

  #replace(config: SimulationConfig): void {
    this.#config = config
    if (this.#routes.routes !== config.routes) this.#routes = new RouteTable(config.routes)
    // shared counters belong to the simulator that made them
    if (this.#ownLimiter) this.#limiter.clear()
    this.#changed()
  }

  #changed(): void {
    for (const listener of this.#listeners) listener()
  }
}

/** A fault or status forced by a scripted fault or by the request itself; true when it decides the answer. */
function applyForced(
  decision: SimulationDecision,
  forced: { status?: number; fault?: FaultKind },
  policy: ResolvedPolicy,
  source: DecisionSource,
): boolean {
  if (forced.fault !== undefined) {
    decision.fault = { ...faultPlan(forced.fault, policy), source }
    return true
  }
  if (forced.status !== undefined) {
    decision.failure = failure(forced.status, policy, source)
    return true
  }
  return false
}

function failure(status: number, policy: ResolvedPolicy, source: DecisionSource): SimulatedFailure {
  const retryAfter = policy.errors?.retryAfter ?? DEFAULT_RETRY_AFTER_SECONDS
  const headers = status === 503 || status === 429 ? { 'Retry-After': String(retryAfter) } : {}
  const why =
    source === 'policy' ? 'the error rate' : source === 'scripted' ? 'a scripted fault' : 'the request'
  return {
    status,
    code: 'simulated_failure',
    detail: `simulated ${status} failure requested by ${why}`,
    headers,
    source,
  }
}

function faultPlan(kind: FaultKind, policy: ResolvedPolicy): FaultPlan {
  if (kind === 'dribble') {
    return {
      kind,
      chunks: policy.faults?.chunks ?? DEFAULT_DRIBBLE_CHUNKS,
      durationMs: policy.faults?.durationMs ?? DEFAULT_DRIBBLE_MS,
    }
  }
  if (kind === 'timeout')
    return policy.timeoutMs === undefined ? { kind } : { kind, timeoutMs: policy.timeoutMs }
  return { kind }
}

function clientKey(by: RateLimitBy, request: SimulationRequest): string {
  const ip = `ip:${request.ip ?? 'unknown'}`
  switch (by.kind) {
    case 'ip':
      return ip
    case 'api-key': {
      const key = request.header?.('x-api-key') ?? request.header?.('authorization')
      return key == null || key === '' ? ip : `key:${key}`
    }
    case 'header': {
      const value = request.header?.(by.name)
      return value == null || value === '' ? ip : `header:${value}`
    }
  }
}

/**
 * A latency in whole ms from two uniform draws in [0, 1). Both draws are always taken by the caller,
 * whatever the distribution, so changing one policy never shifts the random stream of later requests.
 */
export function sampleLatency(latency: Latency | undefined, u1: number, u2: number): number {
  if (latency === undefined) return 0
  switch (latency.kind) {
    case 'fixed':
      return Math.round(latency.ms)
    case 'uniform':
      return Math.min(latency.max, Math.floor(latency.min + u1 * (latency.max - latency.min + 1)))
    case 'lognormal': {
      // Box-Muller: a standard normal from two uniforms; 1 - u1 keeps the logarithm finite
      const normal = Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2)
      const ms = latency.median * Math.exp(latency.sigma * normal)
      return Math.round(latency.max === undefined ? ms : Math.min(ms, latency.max))
    }
  }
}

/** The option whose share of the total weight contains `u` (a uniform draw in [0, 1)). */
export function pickWeighted<T>(options: Weighted<T>, u: number): T {
  let total = 0
  for (const option of options) total += option.weight
  let threshold = u * total
  for (const option of options) {
    threshold -= option.weight
    if (threshold < 0) return option.value
  }
  return options.at(-1)!.value
}
