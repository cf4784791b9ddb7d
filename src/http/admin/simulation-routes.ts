import type { Hono } from 'hono'
import { didYouMean, RestmockError } from '../../core/errors.ts'
import { describeConfig, describePolicy } from '../../core/simulation/policy-levels.ts'
import { validateRoutes } from '../../core/simulation/routes.ts'
import { validateSimulation } from '../../core/simulation/validate-policy.ts'
import { readJsonObject } from '../body.ts'
import type { AdminContext } from './admin-api.ts'
import { adminRoute, invalidAdminBody, param } from './admin-api.ts'

/** GET/PUT of each simulation level at runtime; `{}` clears a level, DELETE clears them all. */
export function registerSimulationRoutes(app: Hono, admin: AdminContext): void {
  const { simulator } = admin.runtime
  const resourceNames = Object.keys(admin.engine.manifest.resources)

  adminRoute(
    app,
    '/simulation',
    {
      GET: () => ({ body: describePolicy(simulator.config.global) }),
      PUT: async (c) => {
        const body = await readJsonObject(c, admin.bodyLimit)
        const { policy, issues } = validateSimulation(body, '')
        if (policy === undefined) throw invalidAdminBody(issues)
        simulator.setGlobal(policy)
        return { body: describePolicy(policy) }
      },
      DELETE: () => {
        simulator.clearPolicies()
        return { body: describeConfig(simulator.config) }
      },
    },
    admin.responder,
  )

  adminRoute(
    app,
    '/simulation/resources/:name',
    {
      GET: (c) => {
        const name = resourceName(param(c, 'name'), resourceNames)
        return { body: describePolicy(simulator.config.resources[name] ?? {}) }
      },
      PUT: async (c) => {
        const name = resourceName(param(c, 'name'), resourceNames)
        const body = await readJsonObject(c, admin.bodyLimit)
        const { policy, issues } = validateSimulation(body, '')
        if (policy === undefined) throw invalidAdminBody(issues)
        simulator.setResource(name, policy)
        return { body: describePolicy(policy) }
      },
    },
    admin.responder,
  )

  adminRoute(
    app,
    '/simulation/routes',
    {
      GET: () => ({ body: describeConfig(simulator.config).routes }),
      PUT: async (c) => {
        const body = await readJsonObject(c, admin.bodyLimit)
        const { routes, issues } = validateRoutes(body, '', resourceNames)
        if (routes === undefined) throw invalidAdminBody(issues)
        simulator.setRoutes(routes)
        return { body: describeConfig(simulator.config).routes }
      },
    },
    admin.responder,
  )
}

function resourceName(name: string, names: readonly string[]): string {
  if (names.includes(name)) return name
  throw new RestmockError('not_found', `there is no resource named "${name}"${didYouMean(name, names)}`)
}
