import type { Hono } from 'hono'
import { ConfigError } from '../../core/errors.ts'
import { createRandom, deriveSeed } from '../../core/random.ts'
import { prepareState } from '../../core/seed.ts'
import { describeConfig } from '../../core/simulation/policy-levels.ts'
import { readJsonObject } from '../body.ts'
import { SESSION_ENDPOINTS } from '../sessions/session-routes.ts'
import type { AdminContext } from './admin-api.ts'
import { ADMIN_BASE, adminRoute, invalidAdminBody, NO_CONTENT } from './admin-api.ts'

const ENDPOINTS = [
  'GET /__restmock',
  'POST /__restmock/reset',
  'GET|PUT /__restmock/db',
  'GET|PUT|DELETE /__restmock/simulation',
  'GET|PUT /__restmock/simulation/resources/:name',
  'GET|PUT /__restmock/simulation/routes',
  'GET|POST|DELETE /__restmock/faults',
  'GET|DELETE /__restmock/faults/:id',
  'GET|DELETE /__restmock/requests',
  'GET /__restmock/health',
  'GET /__restmock/openapi.json',
  'GET /__restmock/docs',
  ...SESSION_ENDPOINTS,
]

/** Info, health, reset and whole-state snapshot/restore. */
export function registerStateRoutes(app: Hono, admin: AdminContext): void {
  const { engine, runtime } = admin
  const startedAt = admin.clock()
  const manifest = engine.manifest
  const idRandom = createRandom(deriveSeed(runtime.simulator.seed, 'admin-db-ids'))

  adminRoute(
    app,
    '',
    {
      GET: () => ({
        body: {
          name: manifest.name,
          basePath: manifest.basePath,
          zeroConfig: manifest.zeroConfig,
          seed: runtime.simulator.seed,
          resources: Object.values(manifest.resources).map((resource) => ({
            name: resource.name,
            path: `${manifest.basePath}/${resource.name}`,
            singleton: resource.singleton,
            ...(resource.singleton ? {} : { records: engine.store.collection(resource.name)?.size ?? 0 }),
          })),
          simulation: describeConfig(runtime.simulator.config),
          faults: runtime.simulator.listFaults().length,
          requests: {
            recorded: runtime.journal.size,
            capacity: runtime.journal.capacity,
            bytes: runtime.journal.bytes,
            maxBytes: runtime.journal.maxBytes,
          },
          endpoints: [...ENDPOINTS, ...(admin.extend?.endpoints ?? [])],
          ...admin.extend?.info(),
        },
      }),
    },
    admin.responder,
  )

  adminRoute(
    app,
    '/health',
    {
      GET: () => ({ body: { status: 'ok', uptimeSeconds: Math.round((admin.clock() - startedAt) / 1000) } }),
    },
    admin.responder,
  )

  adminRoute(
    app,
    '/reset',
    {
      POST: async () => {
        await admin.reset()
        // sessions start from the seed, not from the shared state, but a full reset ends them too
        admin.sessions?.clear()
        return NO_CONTENT
      },
    },
    admin.responder,
  )

  adminRoute(
    app,
    '/db',
    {
      GET: () => ({ body: engine.snapshot() }),
      PUT: async (c) => {
        const body = await readJsonObject(c, admin.bodyLimit)
        let state: ReturnType<typeof prepareState>
        try {
          state = prepareState(manifest, body, {
            source: `PUT ${ADMIN_BASE}/db`,
            random: idRandom,
            strict: true,
          })
        } catch (error) {
          if (error instanceof ConfigError) throw invalidAdminBody(error.issues)
          throw error
        }
        await engine.replaceAll(state)
        return NO_CONTENT
      },
    },
    admin.responder,
  )
}
