import { readFileSync } from 'node:fs'
import type { Hono } from 'hono'
import { parse } from 'yaml'
import { IN_MEMORY } from '../../src/core/durable-commit.ts'
import { Engine } from '../../src/core/engine.ts'
import { validateManifest } from '../../src/core/manifest/validate-manifest.ts'
import { createRandom } from '../../src/core/random.ts'
import { prepareState } from '../../src/core/seed.ts'
import { simulationCheck } from '../../src/core/simulation/validate-policy.ts'
import { type AppOptions, createApp } from '../../src/http/app.ts'
import { fixture } from './helpers.ts'

/** A fake clock and sleep: sleeping records the delay and moves the clock, nothing really waits. */
export class FakeTime {
  now = 1_000_000
  readonly slept: number[] = []
  readonly sleep = async (ms: number, signal?: AbortSignal): Promise<void> => {
    if (signal?.aborted) return
    this.slept.push(ms)
    this.now += ms
  }
}

export interface SimulatedApp {
  app: Hono
  engine: Engine
  time: FakeTime
}

export interface CrmSetup {
  /** extra top-level manifest keys (simulate, routes, seed) */
  manifest?: Record<string, unknown>
  /** `simulate` per resource */
  resources?: Record<string, unknown>
  /** app options (simulation, admin API, journal) over the fake clock and sleep */
  app?: Omit<AppOptions, 'engine'>
}

/** The test CRM (basePath /api) with simulation settings, on fake time. */
export function simulatedCrm(setup: CrmSetup = {}): SimulatedApp {
  const raw = {
    ...(parse(readFileSync(fixture('crm.yaml'), 'utf8')) as Record<string, unknown>),
    ...setup.manifest,
  }
  const resources = raw.resources as Record<string, Record<string, unknown>>
  for (const [name, simulate] of Object.entries(setup.resources ?? {})) resources[name]!.simulate = simulate
  const manifest = validateManifest(raw, { checks: [simulationCheck] })
  const data = JSON.parse(readFileSync(fixture('crm.data.json'), 'utf8')) as unknown
  const seed = prepareState(manifest, data, {
    source: 'crm.data.json',
    random: createRandom(1),
    strict: true,
  })
  const engine = new Engine({
    manifest,
    seed,
    persistence: IN_MEMORY,
    random: createRandom(2),
    now: () => new Date(0),
  })
  const time = new FakeTime()
  const app = createApp({
    engine,
    now: () => time.now,
    clock: () => time.now,
    sleep: time.sleep,
    ...setup.app,
  })
  return { app, engine, time }
}

export function body(method: string, value: unknown, headers: Record<string, string> = {}): RequestInit {
  return { method, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(value) }
}
