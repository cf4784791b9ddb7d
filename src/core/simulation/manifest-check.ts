import type { Issue } from '../manifest/types.ts'
import type { ManifestCheck } from '../manifest/validate.ts'
import { validateSimulation } from './validate-policy.ts'
import { validateRoutes } from './validate-routes.ts'

/**
 * The manifest validator's hook for simulation: checks `simulate` at the top level and in every resource,
 * and the `routes` map (whose paths must name a resource), each problem at its dotted location.
 */
export const simulationCheck: ManifestCheck = (manifest) => {
  const issues: Issue[] = [...validateSimulation(manifest.simulate, 'simulate').issues]
  for (const [name, resource] of Object.entries(manifest.resources)) {
    if (resource.simulate !== undefined) {
      issues.push(...validateSimulation(resource.simulate, `resources.${name}.simulate`).issues)
    }
  }
  issues.push(...validateRoutes(manifest.routes, 'routes', Object.keys(manifest.resources)).issues)
  return issues
}
