import type { OperationIds } from './export-names.ts'
import { DEFAULT_PROBLEM, jsonResponse, noContent } from './export-responses.ts'
import type { JsonObject } from './export-schemas.ts'

type Method = 'get' | 'put' | 'post' | 'delete'

/** [path under /__restmock, method, operationId, summary, what it answers: a JSON body or 204] */
const ADMIN_OPERATIONS: ReadonlyArray<readonly [string, Method, string, string, 'json' | 'empty']> = [
  ['', 'get', 'adminInfo', 'The mock: resources, configuration, seed, journal size', 'json'],
  ['/health', 'get', 'adminHealth', 'Liveness and uptime', 'json'],
  ['/reset', 'post', 'adminReset', 'Back to the seed: state, simulation, faults and journal', 'empty'],
  ['/db', 'get', 'adminGetState', 'The whole state, keyed by resource', 'json'],
  ['/db', 'put', 'adminReplaceState', 'Replace the whole state (validated like seed data)', 'empty'],
  ['/simulation', 'get', 'adminGetSimulation', 'The global simulation policy', 'json'],
  ['/simulation', 'put', 'adminSetSimulation', 'Set the global simulation policy (`{}` clears it)', 'json'],
  ['/simulation', 'delete', 'adminClearSimulation', 'Back to the configured simulation policy', 'empty'],
  ['/simulation/resources/{name}', 'get', 'adminGetResourceSimulation', "One resource's policy", 'json'],
  ['/simulation/resources/{name}', 'put', 'adminSetResourceSimulation', "Set one resource's policy", 'json'],
  ['/simulation/routes', 'get', 'adminGetRouteSimulation', 'The route policies', 'json'],
  ['/simulation/routes', 'put', 'adminSetRouteSimulation', 'Set the route policies', 'json'],
  ['/faults', 'get', 'adminListFaults', 'The scripted faults', 'json'],
  [
    '/faults',
    'post',
    'adminAddFault',
    'Script a fault: `{ method, path, status | fault | delay, times, after }`',
    'json',
  ],
  ['/faults', 'delete', 'adminClearFaults', 'Remove every scripted fault', 'empty'],
  ['/faults/{id}', 'get', 'adminGetFault', 'One scripted fault', 'json'],
  ['/faults/{id}', 'delete', 'adminDeleteFault', 'Remove one scripted fault', 'empty'],
  ['/requests', 'get', 'adminListRequests', 'The request journal (`?method=&path=&status=` filters)', 'json'],
  ['/requests', 'delete', 'adminClearRequests', 'Clear the request journal', 'empty'],
  ['/openapi.json', 'get', 'adminOpenApi', 'This OpenAPI document', 'json'],
]

const JSON_BODY_METHODS: ReadonlySet<Method> = new Set(['put', 'post'])

/**
 * The admin API under /__restmock, for `includeAdmin`. Its paths sit outside the basePath, so each
 * path item names its own server.
 */
export function adminPaths(ids: OperationIds): Record<string, JsonObject> {
  const paths: Record<string, JsonObject> = {}
  for (const [suffix, method, id, summary, answer] of ADMIN_OPERATIONS) {
    const path = `/__restmock${suffix}`
    let item = paths[path]
    if (item === undefined) {
      item = { servers: [{ url: '/' }] }
      const parameters = [...suffix.matchAll(/\{(\w+)\}/g)].map((match) => ({
        name: match[1],
        in: 'path',
        required: true,
        schema: { type: 'string' },
      }))
      if (parameters.length > 0) item.parameters = parameters
      paths[path] = item
    }
    const operation: JsonObject = { operationId: ids.take(id), summary, tags: ['admin'] }
    if (JSON_BODY_METHODS.has(method) && suffix !== '/reset') {
      operation.requestBody = {
        required: true,
        content: { 'application/json': { schema: { type: 'object' } } },
      }
    }
    operation.responses = {
      [answer === 'json' ? (id === 'adminAddFault' ? '201' : '200') : '204']:
        answer === 'json' ? jsonResponse('OK', {}, []) : noContent('Done', []),
      default: DEFAULT_PROBLEM,
    }
    item[method] = operation
  }
  paths['/__restmock/docs'] = {
    servers: [{ url: '/' }],
    get: {
      operationId: ids.take('adminDocs'),
      summary: 'Interactive API docs for this document',
      tags: ['admin'],
      responses: {
        '200': { description: 'An HTML page', content: { 'text/html': { schema: { type: 'string' } } } },
        default: DEFAULT_PROBLEM,
      },
    },
  }
  return paths
}
