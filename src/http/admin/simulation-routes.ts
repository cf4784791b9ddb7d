import type { Hono } from 'hono'
import { didYouMean, RestmockError } from '../../core/errors.ts'
import { describeConfig, describePolicy } from '../../core/simulation/policy-levels.ts'
import { validateRoutes } from '../../core/simulation/routes.ts'
import { validateSimulation } from '../../core/simulation/validate-policy.ts'
import { readJsonObject } from '../body.ts'
import type { AdminContext, SimulationScope } from './admin-api.ts'
import { adminRoute, invalidAdminBody, param, sharedScope } from './admin-api.ts'

/**
 * GET/PUT of each simulation level at runtime (the server's, or a session's); `{}` clears a level,
 * DELETE clears them all.
 */
export function registerSimulationRoutes(
  app: Hono,
  admin: AdminContext,
  scope: SimulationScope = sharedScope(admin),
): void {
  const resourceNames = Object.keys(admin.engine.manifest.resources)

  adminRoute(
    app,
    `${scope.path}/simulation`,
    {
      GET: (c) => ({ body: describePolicy(scope.simulator(c).config.global) }),
      PUT: async (c) => {
        const simulator = scope.simulator(c)
        const body = await readJsonObject(c, admin.bodyLimit)
        const { policy, issues } = validateSimulation(body, '')
        if (policy === undefined) throw invalidAdminBody(issues)
        simulator.setGlobal(policy)
        return { body: describePolicy(policy) }
      },
      DELETE: (c) => {
        const simulator = scope.simulator(c)
        simulator.clearPolicies()
        return { body: describeConfig(simulator.config) }
      },
    },
    admin.responder,
  )

  adminRoute(
    app,
    `${scope.path}/simulation/resources/:name`,
    {
      GET: (c) => {
        const name = resourceName(param(c, 'name'), resourceNames)
        return { body: describePolicy(scope.simulator(c).config.resources[name] ?? {}) }
      },
      PUT: async (c) => {
        const simulator = scope.simulator(c)
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
    `${scope.path}/simulation/routes`,
    {
      GET: (c) => ({ body: describeConfig(scope.simulator(c).config).routes }),
      PUT: async (c) => {
        const simulator = scope.simulator(c)
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
