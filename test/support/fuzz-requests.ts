/**
 * Fuzz requests for a target mock: plausible ones (mostly valid, sometimes a wrong value), hostile ones
 * (bodies, headers, paths, queries, methods, admin calls), and input past the limits.
 */
import {
  brokenJson,
  CONTENT_TYPES,
  chance,
  deepJson,
  type FuzzRequest,
  hostileHeaders,
  hostilePath,
  hostileQuery,
  int,
  invalidUtf8,
  jsonValue,
  manyParams,
  NON_FINITE,
  oneOf,
  pick,
  type Rng,
} from './fuzz-inputs.ts'
import { idOf, type Target } from './fuzz-targets.ts'

export const JSON_HEADERS = { 'content-type': 'application/json' }
const IDEMPOTENCY_KEYS = ['k1', 'k2', 'k3']
const WRITE_METHODS = ['POST', 'PUT', 'PATCH'] as const

function realPaths(r: Rng, t: Target): string[] {
  const collections = Object.keys(t.bodies)
  return [
    ...collections.map((name) => `${t.base}/${name}`),
    ...collections.map((name) => `${t.base}/${name}/${idOf(r, t.app, name)}`),
    ...t.singletons.map((name) => `${t.base}/${name}`),
    ...t.nested.map(([parent, child]) => `${t.base}/${parent}/1/${child}`),
  ]
}

/** A well-formed request on a real route, with a plausible (sometimes invalid) body. */
function plausible(r: Rng, t: Target): FuzzRequest {
  const collection = pick(r, Object.keys(t.bodies))
  const item = `${t.base}/${collection}/${idOf(r, t.app, collection)}`
  const body = (name: string): string => JSON.stringify(t.bodies[name]!(r))
  return oneOf<FuzzRequest>(r, [
    [3, () => ({ label: 'list', method: 'GET', path: `${t.base}/${collection}`, headers: {} })],
    [2, () => ({ label: 'item', method: pick(r, ['GET', 'HEAD']), path: item, headers: {} })],
    [
      4,
      () => ({
        label: 'create',
        method: 'POST',
        path: `${t.base}/${collection}`,
        headers: JSON_HEADERS,
        body: body(collection),
      }),
    ],
    [
      2,
      () => ({ label: 'replace', method: 'PUT', path: item, headers: JSON_HEADERS, body: body(collection) }),
    ],
    [
      2,
      () => ({ label: 'patch', method: 'PATCH', path: item, headers: JSON_HEADERS, body: body(collection) }),
    ],
    [3, () => ({ label: 'delete', method: 'DELETE', path: item, headers: {} })],
    [
      1,
      () => {
        const [parent, child] = pick(r, t.nested)
        const path = `${t.base}/${parent}/${idOf(r, t.app, parent)}/${child}`
        return chance(r, 0.5)
          ? { label: 'nested', method: 'GET', path, headers: {} }
          : { label: 'nested', method: 'POST', path, headers: JSON_HEADERS, body: body(child) }
      },
    ],
    [
      1,
      () => ({
        label: 'singleton',
        method: pick(r, ['GET', 'PUT', 'PATCH', 'DELETE']),
        path: `${t.base}/${pick(r, t.singletons)}`,
        headers: JSON_HEADERS,
        body: JSON.stringify({ theme: pick(r, ['dark', 'light', 'neon']), name: 'x' }),
      }),
    ],
  ])
}

function hostileBody(r: Rng, t: Target): string | Uint8Array {
  const field = pick(r, t.fields)
  return oneOf<string | Uint8Array>(r, [
    [3, () => jsonValue(r, int(r, 1, 8), t.fields, true)],
    [3, () => brokenJson(r, JSON.stringify(t.bodies[pick(r, Object.keys(t.bodies))]!(r)))],
    [1, () => deepJson(r, int(r, 90, 200), field)],
    [1, () => invalidUtf8(r, field)],
    [1, () => `{${JSON.stringify(field)}:${pick(r, NON_FINITE)}}`],
    [
      1,
      () => `{"title":"${'b'.repeat(chance(r, 0.5) ? int(r, 4000, 60_000) : int(r, 1_048_577, 1_300_000))}"}`,
    ],
    [1, () => '{"a":1,"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}}}'],
  ])
}

/** A route that takes this method: a collection for POST, an item or singleton for PUT/PATCH, any for GET. */
function routeFor(r: Rng, t: Target, method: string): string {
  const collection = pick(r, Object.keys(t.bodies))
  if (chance(r, 0.15)) return `${t.base}/${pick(r, t.singletons)}`
  if (method === 'POST' || (method === 'GET' && chance(r, 0.6))) return `${t.base}/${collection}`
  return `${t.base}/${collection}/${idOf(r, t.app, collection)}`
}

/** Anything: hostile bodies, headers, paths, queries, methods and admin calls, or a plausible request. */
export function chaos(r: Rng, t: Target): FuzzRequest {
  const paths = realPaths(r, t)
  const base = plausible(r, t)
  return oneOf<FuzzRequest>(r, [
    [4, () => base],
    [
      3,
      () => {
        const method = pick(r, WRITE_METHODS)
        return {
          label: 'hostile body',
          method,
          path: chance(r, 0.85) ? routeFor(r, t, method) : pick(r, paths),
          headers: { 'content-type': chance(r, 0.7) ? 'application/json' : pick(r, CONTENT_TYPES) },
          body: hostileBody(r, t),
        }
      },
    ],
    [
      2,
      () => ({
        ...base,
        label: 'hostile query',
        method: chance(r, 0.7) ? 'GET' : base.method,
        path: `${chance(r, 0.7) ? routeFor(r, t, 'GET') : pick(r, paths)}?${hostileQuery(r, t.fields)}`,
      }),
    ],
    [
      1,
      () => ({
        label: 'many params',
        method: 'GET',
        path: `${pick(r, paths)}?${manyParams(r, t.fields, int(r, 900, 1200))}`,
        headers: {},
      }),
    ],
    [2, () => ({ ...base, label: 'hostile path', path: hostilePath(r, paths) })],
    [
      2,
      () => ({
        ...base,
        label: 'hostile headers',
        headers: { ...base.headers, ...hostileHeaders(r, IDEMPOTENCY_KEYS) },
      }),
    ],
    [
      1,
      () => ({
        ...base,
        label: 'odd method',
        method: pick(r, ['PROPFIND', 'FOO', 'PURGE', 'M-SEARCH', 'LINK', 'get', 'OPTIONS', 'HEAD']),
      }),
    ],
    [1, () => admin(r, t)],
  ])
}

const ADMIN_PATHS = [
  '',
  '/db',
  '/reset',
  '/simulation',
  '/simulation/resources/posts',
  '/simulation/resources/__proto__',
  '/simulation/routes',
  '/faults',
  '/faults/1',
  '/faults/%ZZ',
  '/requests?status=garbage',
  '/requests?method=GET&path=%ZZ',
  '/health',
  '/nope',
]

function admin(r: Rng, t: Target): FuzzRequest {
  const method = pick(r, ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'])
  const request: FuzzRequest = {
    label: 'admin',
    method,
    path: `/__restmock${pick(r, ADMIN_PATHS)}`,
    headers: { 'content-type': chance(r, 0.8) ? 'application/json' : pick(r, CONTENT_TYPES) },
  }
  if (method === 'POST' || method === 'PUT' || method === 'PATCH') request.body = hostileBody(r, t)
  return request
}

/**
 * Input past the limits (nesting, non-finite numbers, invalid UTF-8, query parameters), each request
 * otherwise well-formed (a real collection, Content-Type: application/json) so that only the limit under
 * test can refuse it; a few requests just inside the limits must still succeed.
 */
export function pastTheLimits(r: Rng, t: Target): FuzzRequest {
  // in the manifest mock, posts has a number field (score) and a string field (title)
  const collection = t.base === '' ? pick(r, Object.keys(t.bodies)) : 'posts'
  const valid = t.bodies[collection]!
  const post = (label: string, body: string | Uint8Array): FuzzRequest => ({
    label,
    method: 'POST',
    path: `${t.base}/${collection}`,
    headers: JSON_HEADERS,
    body,
  })
  const field = t.base === '' ? 'extra' : 'title'
  return oneOf<FuzzRequest>(r, [
    [3, () => post('nesting > 100', deepJson(r, int(r, 101, 200), field))],
    [
      3,
      () => {
        const body = JSON.stringify({ ...valid(r), score: 0 })
        const number = pick(r, NON_FINITE)
        return post(
          'non-finite number',
          chance(r, 0.5)
            ? body.replace('"score":0', `"score":${number}`)
            : body.replace('"score":0', `"score":[1,{"n":${number}}]`),
        )
      },
    ],
    [3, () => post('invalid UTF-8', invalidUtf8(r, field))],
    [
      3,
      () => ({
        label: 'params > 1000',
        method: 'GET',
        path: `${t.base}/${collection}?${manyParams(r, ['id'], int(r, 1001, 1200))}`,
        headers: {},
      }),
    ],
    [
      1,
      () => ({
        label: 'params = 1000',
        method: 'GET',
        path: `${t.base}/${collection}?${manyParams(r, ['id'], 1000)}`,
        headers: {},
      }),
    ],
  ])
}
