import type { Hono } from 'hono'
import { type Committer, Engine } from '../core/engine.ts'
import { ConfigError } from '../core/errors.ts'
import { createRandom, deriveSeed } from '../core/random.ts'
import type { StateData } from '../core/state.ts'
import type { AdminAccess } from '../http/admin/admin-guard.ts'
import { type AppOptions, createApp } from '../http/app.ts'
import type { Assembled } from './assemble.ts'
import type { MockOptions, StartOptions } from './options.ts'
import type { simulationSetup } from './simulation-setup.ts'

export interface MockParts {
  engine: Engine
  app: Hono
  /** back to the seed, with runtime simulation changes, scripted faults and the journal cleared */
  reset(): Promise<void>
}

export interface MockWiring {
  persistence: Committer
  /** where the state starts (a loaded state file); default: the seed */
  initial?: StateData
  simulation: ReturnType<typeof simulationSetup>
  /** app options only the real server sets (request log, error log) */
  app?: Pick<AppOptions, 'onRequest' | 'logError'>
}

/** Engine + app + reset, the same for an in-process mock and a real server. */
export function buildMock(
  assembled: Assembled,
  options: MockOptions & Pick<StartOptions, 'host'>,
  wiring: MockWiring,
): MockParts {
  const adminAccess = adminAccessOf(options)
  const engine = new Engine({
    manifest: assembled.manifest,
    seed: assembled.seed,
    ...(wiring.initial === undefined ? {} : { initial: wiring.initial }),
    persistence: wiring.persistence,
    random: createRandom(deriveSeed(assembled.randomSeed, 'ids')),
    now: () => new Date(),
  })
  const { runtime } = wiring.simulation
  const reset = async (): Promise<void> => {
    await engine.reset()
    runtime.reset()
  }
  // POST /__restmock/reset and the library's reset() are the same operation
  const appOptions: AppOptions = {
    engine,
    simulation: { ...wiring.simulation.appOptions, reset, adminAccess },
    ...wiring.app,
  }
  if (options.cors !== undefined) appOptions.cors = options.cors
  if (options.bodyLimit !== undefined) appOptions.bodyLimit = options.bodyLimit
  return { engine, app: createApp(appOptions), reset }
}

/**
 * Admin token, admin origin and the bound address (for the admin API's Host check; an in-process mock
 * has none and admits loopback names only).
 */
function adminAccessOf(options: MockOptions & Pick<StartOptions, 'host'>): AdminAccess {
  const access: AdminAccess = {}
  if (options.host !== undefined) access.bindHost = options.host
  const token = options.adminToken
  if (token !== undefined) {
    if (typeof token !== 'string' || !/^[\x21-\x7e]+$/.test(token)) {
      throw new ConfigError(
        'the admin token must be one or more visible ASCII characters, without spaces (--admin-token, RESTMOCK_ADMIN_TOKEN)',
        [],
      )
    }
    access.token = token
  }
  if (options.adminOrigin !== undefined) access.origin = originOf(options.adminOrigin)
  return access
}

/** `http://localhost:5173` (a trailing slash is accepted); anything with a path, query or credentials is not. */
function originOf(value: unknown): string {
  const problem = new ConfigError(
    `the admin origin must be an origin such as http://localhost:5173 (scheme, host and port only), got ${JSON.stringify(value)} (--admin-origin)`,
    [],
  )
  if (typeof value !== 'string') throw problem
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw problem
  }
  const bare =
    url.pathname === '/' && url.search === '' && url.hash === '' && url.username === '' && url.password === ''
  if (url.origin === 'null' || !bare || !/^[a-z][a-z0-9+.-]*:\/\/[^/]+\/?$/i.test(value)) throw problem
  return url.origin
}
