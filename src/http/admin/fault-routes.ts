import type { Hono } from 'hono'
import { RestmockError } from '../../core/errors.ts'
import { type ScriptedFault, validateScriptedFault } from '../../core/simulation/scripted-faults.ts'
import { readJsonObject } from '../body.ts'
import type { AdminContext, SimulationScope } from './admin-api.ts'
import { ADMIN_BASE, adminRoute, invalidAdminBody, NO_CONTENT, param, sharedScope } from './admin-api.ts'

/** Scripted faults: `{ method, path, status | fault | delay, times, after }` (the server's, or a session's). */
export function registerFaultRoutes(
  app: Hono,
  admin: AdminContext,
  scope: SimulationScope = sharedScope(admin),
): void {
  const basePath = admin.engine.manifest.basePath

  adminRoute(
    app,
    `${scope.path}/faults`,
    {
      GET: (c) => ({ body: scope.simulator(c).listFaults().map(describeFault) }),
      POST: async (c) => {
        const simulator = scope.simulator(c)
        const body = await readJsonObject(c, admin.bodyLimit)
        const { spec, issues } = validateScriptedFault(body)
        if (spec === undefined) throw invalidAdminBody(issues)
        const fault = simulator.addFault({ ...spec, path: withoutBase(spec.path, basePath) })
        return {
          status: 201,
          body: describeFault(fault),
          headers: { location: `${c.req.path.replace(/\/+$/, '')}/${fault.id}` },
        }
      },
      DELETE: (c) => {
        scope.simulator(c).clearFaults()
        return NO_CONTENT
      },
    },
    admin.responder,
  )

  adminRoute(
    app,
    `${scope.path}/faults/:id`,
    {
      GET: (c) => {
        const id = Number(param(c, 'id'))
        const fault = scope
          .simulator(c)
          .listFaults()
          .find((candidate) => candidate.id === id)
        if (fault === undefined) throw noSuchFault(param(c, 'id'))
        return { body: describeFault(fault) }
      },
      DELETE: (c) => {
        if (!scope.simulator(c).removeFault(Number(param(c, 'id')))) throw noSuchFault(param(c, 'id'))
        return NO_CONTENT
      },
    },
    admin.responder,
  )
}

/** Scripted fault paths are relative to basePath; one written with the basePath is accepted too. */
function withoutBase(path: string, basePath: string): string {
  if (basePath === '' || !(path === basePath || path.startsWith(`${basePath}/`))) return path
  return path.slice(basePath.length) || '/'
}

function describeFault(fault: ScriptedFault): Record<string, unknown> {
  const { id, method, path, status, fault: kind, delayMs, times, after, matched, applied } = fault
  return {
    id,
    method,
    path,
    ...(status === undefined ? {} : { status }),
    ...(kind === undefined ? {} : { fault: kind }),
    ...(delayMs === undefined ? {} : { delay: delayMs }),
    times,
    after,
    matched,
    applied,
    remaining: times - applied,
  }
}

function noSuchFault(id: string): RestmockError {
  return new RestmockError(
    'not_found',
    `there is no scripted fault ${JSON.stringify(id)}; see GET ${ADMIN_BASE}/faults`,
  )
}
