import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { createMockApp as createMock, type MockApp } from '../../src/server/create-mock.ts'
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
  mulberry32,
  NON_FINITE,
  oneOf,
  pick,
  type Rng,
} from '../support/fuzz-inputs.ts'

// Seeded fuzzing of the in-process app. Every answer must be < 500; every 4xx must be problem+json with
// `status` and `code`, and must leave the state (records, simulation, faults) exactly as it was.
// FUZZ_SEED=<n> replays one seed for every suite (the failure report prints the seed and the request).

const seedFor = (fallback: number): number =>
  process.env.FUZZ_SEED === undefined ? fallback : Number(process.env.FUZZ_SEED)

const MANIFEST = {
  name: 'Fuzz',
  basePath: '/api',
  seed: 11,
  resources: {
    authors: {
      fields: {
        name: { type: 'string', required: true, minLength: 1, maxLength: 80 },
        email: { type: 'string', format: 'email', required: true, unique: true },
        role: { type: 'string', enum: ['admin', 'editor', 'guest'], default: 'guest' },
        profile: {
          type: 'object',
          properties: {
            bio: { type: 'string', maxLength: 500 },
            age: { type: 'integer', minimum: 0, maximum: 150 },
            links: { type: 'array', items: { type: 'string', format: 'uri' }, maxItems: 5 },
          },
        },
      },
    },
    tags: { id: 'string', fields: { label: { type: 'string', required: true, unique: true } } },
    posts: {
      timestamps: true,
      fields: {
        title: { type: 'string', required: true, maxLength: 200 },
        authorId: { type: 'integer', ref: 'authors', required: true, onDelete: 'cascade' },
        tagIds: { type: 'array', items: { type: 'string', maxLength: 20 }, maxItems: 10 },
        score: { type: 'number', minimum: 0, maximum: 100 },
        published: { type: 'boolean', default: false },
      },
    },
    comments: {
      id: 'uuid',
      fields: {
        postId: { type: 'integer', ref: 'posts', required: true, onDelete: 'cascade' },
        authorId: { type: 'integer', ref: 'authors', nullable: true, onDelete: 'set-null' },
        body: { type: 'string', required: true, minLength: 1 },
      },
    },
    reviews: {
      fields: {
        authorId: { type: 'integer', ref: 'authors', required: true, onDelete: 'restrict' },
        stars: { type: 'integer', minimum: 1, maximum: 5, required: true },
      },
    },
    settings: {
      singleton: true,
      fields: { theme: { type: 'string', enum: ['light', 'dark'], default: 'light' } },
    },
  },
}

const MANIFEST_DATA = {
  authors: [1, 2, 3, 4, 5, 6].map((id) => ({ id, name: `Author ${id}`, email: `a${id}@example.com` })),
  tags: [
    { id: 't1', label: 'one' },
    { id: 't2', label: 'two' },
  ],
  posts: [1, 2, 3, 4, 5, 6, 7, 8].map((id) => ({
    id,
    title: `Post ${id}`,
    authorId: 1 + (id % 6),
    score: id * 10,
  })),
  comments: [1, 2, 3].map((n) => ({ postId: n, authorId: n, body: `comment ${n}` })),
  reviews: [{ id: 1, authorId: 2, stars: 4 }],
}

const ZERO_DATA = {
  users: [1, 2, 3, 4].map((id) => ({ id, name: `User ${id}`, tags: ['a', 'b'], address: { city: 'Paris' } })),
  posts: [1, 2, 3, 4, 5, 6].map((id) => ({ id, title: `Post ${id}`, userId: 1 + (id % 4), views: id * 3 })),
  comments: [1, 2, 3, 4].map((id) => ({ id, postId: id, body: `comment ${id}` })),
  profile: { name: 'typicode' },
}

const JUNK: unknown[] = [null, 1, -1, 1.5, 'x', '', true, [], {}, 'a'.repeat(600), { nested: { deep: [1] } }]

/** A mock under fuzz: how to build plausible requests for it. */
interface Target {
  app: MockApp
  base: string
  /** collection name -> a plausible body (mostly valid, sometimes a wrong value) */
  bodies: Record<string, (r: Rng) => Record<string, unknown>>
  singletons: string[]
  /** parent/child pairs for nested routes */
  nested: [string, string][]
  fields: string[]
}

function idOf(r: Rng, app: MockApp, resource: string): string {
  const records = app.engine.list(resource)
  if (records.length > 0 && chance(r, 0.8)) return String(pick(r, records).id)
  return pick(r, ['999', '0', 'abc', '-1', '1.0', '%ZZ', '__proto__'])
}

function manifestTarget(bodyLimit?: number): Target {
  const app = createMock({
    manifest: MANIFEST,
    data: MANIFEST_DATA,
    prefer: false,
    ...(bodyLimit === undefined ? {} : { bodyLimit }),
  })
  const v = (r: Rng, good: unknown): unknown => (chance(r, 0.85) ? good : pick(r, JUNK))
  const ref = (r: Rng, resource: string): unknown => v(r, Number(idOf(r, app, resource)))
  return {
    app,
    base: '/api',
    bodies: {
      authors: (r) => ({
        name: v(r, pick(r, ['Ada', 'Linus', 'Grace Hopper'])),
        email: v(r, `u${int(r, 1, 40)}@example.com`),
        role: v(r, pick(r, ['admin', 'editor', 'guest', 'root'])),
        ...(chance(r, 0.4)
          ? { profile: { bio: v(r, 'hi'), age: v(r, int(r, -5, 200)), links: [v(r, 'https://a.io')] } }
          : {}),
      }),
      tags: (r) => ({
        ...(chance(r, 0.5) ? { id: v(r, `t${int(r, 1, 9)}`) } : {}),
        label: v(r, `l${int(r, 1, 9)}`),
      }),
      posts: (r) => ({
        title: v(r, `Title ${int(r, 1, 99)}`),
        authorId: ref(r, 'authors'),
        tagIds: v(r, ['t1', 't2'].slice(0, int(r, 0, 2))),
        score: v(r, int(r, -10, 120)),
        published: v(r, chance(r, 0.5)),
      }),
      comments: (r) => ({ postId: ref(r, 'posts'), authorId: ref(r, 'authors'), body: v(r, 'nice') }),
      reviews: (r) => ({ authorId: ref(r, 'authors'), stars: v(r, int(r, 0, 6)) }),
    },
    singletons: ['settings'],
    nested: [
      ['authors', 'posts'],
      ['posts', 'comments'],
      ['authors', 'reviews'],
    ],
    fields: [
      'id',
      'title',
      'name',
      'email',
      'role',
      'score',
      'authorId',
      'published',
      'profile.age',
      'tagIds',
    ],
  }
}

function zeroConfigTarget(): Target {
  const app = createMock({ data: ZERO_DATA, prefer: false })
  const any = (r: Rng): Record<string, unknown> =>
    JSON.parse(jsonValue(r, 3, ['title', 'name', 'userId'])) ?? {}
  return {
    app,
    base: '',
    bodies: {
      users: (r) => ({ name: `U${int(r, 1, 9)}`, tags: ['x'], ...(chance(r, 0.3) ? { extra: any(r) } : {}) }),
      posts: (r) => ({ title: `T${int(r, 1, 9)}`, userId: int(r, 0, 6), views: pick(r, JUNK) }),
      comments: (r) => ({ postId: int(r, 0, 8), body: 'b', ...(chance(r, 0.3) ? { extra: any(r) } : {}) }),
    },
    singletons: ['profile'],
    nested: [
      ['users', 'posts'],
      ['posts', 'comments'],
    ],
    fields: ['id', 'title', 'name', 'userId', 'postId', 'views', 'address.city', 'tags'],
  }
}

const JSON_HEADERS = { 'content-type': 'application/json' }
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
function chaos(r: Rng, t: Target): FuzzRequest {
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

interface Failure {
  rule: string
  request: FuzzRequest
  index: number
  detail: string
}

/** Records, simulation levels and fault count: what a refused request must leave untouched. */
async function fingerprint(app: MockApp): Promise<string> {
  const { requests: _journal, ...info } = (await (await app.request('/__restmock')).json()) as Record<
    string,
    unknown
  >
  return JSON.stringify(app.engine.snapshot()) + JSON.stringify(info)
}

const clip = (text: string): string =>
  text.length > 240 ? `${text.slice(0, 240)}... (${text.length} chars)` : text

function describeRequest(request: FuzzRequest): string {
  const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, clip(v)]))
  const body =
    request.body instanceof Uint8Array
      ? `bytes ${Buffer.from(request.body).toString('hex').slice(0, 240)}`
      : clip(request.body ?? '')
  return `${request.method} ${clip(request.path)} headers=${JSON.stringify(headers)} body=${JSON.stringify(body)}`
}

/** What the caller asks of a refusal beyond the general rules (the exact status). */
type Expect = (request: FuzzRequest) => number | undefined

/** Sends `count` requests from `make` and returns every broken rule. */
async function fuzz(app: MockApp, count: number, make: (index: number) => FuzzRequest, expect?: Expect) {
  const failures: Failure[] = []
  let unsendable = 0
  // how many refusals were checked, and how many writes changed the state: a run in which the rules
  // above were never tested proves nothing
  let refusals = 0
  let changes = 0
  for (let index = 0; index < count; index++) {
    const request = make(index)
    const fail = (rule: string, detail: string): void => void failures.push({ rule, request, index, detail })
    let sent: Request
    try {
      const init: RequestInit = { method: request.method, headers: request.headers }
      if (request.body !== undefined && request.method !== 'GET' && request.method !== 'HEAD')
        init.body = request.body
      sent = new Request(`http://localhost${request.path}`, init)
    } catch {
      unsendable++ // a request fetch itself refuses to build (a forbidden method, an invalid URL)
      continue
    }
    const before = await fingerprint(app)
    let response: Response
    try {
      response = await app.request(sent)
    } catch (error) {
      fail('the app threw', String(error))
      continue
    }
    const text = await response.text()
    const { status } = response
    const contentType = response.headers.get('content-type') ?? ''
    if (status >= 500) fail('no 5xx', `${status} ${clip(text)}`)
    if (/json/.test(contentType) && text !== '') {
      try {
        JSON.parse(text)
      } catch {
        fail('JSON answers parse', `${status} ${clip(text)}`)
      }
    }
    const wanted = expect?.(request)
    if (wanted !== undefined && status !== wanted) fail(`answered ${wanted}`, `${status} ${clip(text)}`)
    if (status >= 400 && status < 500) {
      if (!/^application\/problem\+json\b/.test(contentType))
        fail('4xx is problem+json', `${status} ${contentType}`)
      if (request.method !== 'HEAD') {
        let problem: { status?: unknown; code?: unknown } = {}
        try {
          problem = JSON.parse(text)
        } catch {}
        if (problem.status !== status || typeof problem.code !== 'string' || problem.code === '')
          fail('4xx body has status and code', `${status} ${clip(text)}`)
      }
      if ((await fingerprint(app)) !== before) fail('4xx changes nothing', `${status} ${clip(text)}`)
      refusals++
    } else if (status < 300 && (await fingerprint(app)) !== before) {
      changes++
    }
    if (
      request.path.startsWith('/__restmock') &&
      status < 300 &&
      !['GET', 'HEAD', 'OPTIONS'].includes(request.method)
    ) {
      await app.reset() // an admin call that worked may have set faults or latency: start clean again
    }
  }
  return { failures, unsendable, refusals, changes }
}

function report(
  seed: number,
  result: { failures: Failure[]; refusals: number; changes: number },
  minimum: { refusals: number; changes: number },
): void {
  assert.ok(
    result.refusals >= minimum.refusals,
    `seed ${seed}: only ${result.refusals} refusals were checked`,
  )
  assert.ok(
    result.changes >= minimum.changes,
    `seed ${seed}: only ${result.changes} requests changed the state`,
  )
  if (result.failures.length === 0) return
  const byRule = new Map<string, number>()
  for (const { rule, request } of result.failures) {
    const key = `${rule} [${request.label}]`
    byRule.set(key, (byRule.get(key) ?? 0) + 1)
  }
  const lines = [
    `seed ${seed}: ${result.failures.length} broken rules (replay: FUZZ_SEED=${seed} node --import tsx --test test/http/fuzz.test.ts)`,
    ...[...byRule].map(([key, n]) => `  ${n} x ${key}`),
    ...result.failures
      .slice(0, 8)
      .map((f) => `  #${f.index} ${f.rule}: ${f.detail}\n    ${describeRequest(f.request)}`),
  ]
  assert.fail(lines.join('\n'))
}

describe('fuzz: hostile requests never crash, never 5xx, and a refusal changes nothing', () => {
  test('manifest mock (typed fields, refs with onDelete, unique, enums, nested objects, arrays)', async () => {
    const seed = seedFor(1)
    const r = mulberry32(seed)
    const t = manifestTarget()
    report(seed, await fuzz(t.app, 550, () => chaos(r, t)), { refusals: 250, changes: 30 })
  })

  test('manifest mock with an 8 KiB body limit', async () => {
    const seed = seedFor(2)
    const r = mulberry32(seed)
    const t = manifestTarget(8 * 1024)
    report(seed, await fuzz(t.app, 250, () => chaos(r, t)), { refusals: 100, changes: 15 })
  })

  test('zero-config db.json mock', async () => {
    const seed = seedFor(3)
    const r = mulberry32(seed)
    const t = zeroConfigTarget()
    report(seed, await fuzz(t.app, 450, () => chaos(r, t)), { refusals: 150, changes: 50 })
  })
})

describe('fuzz: input past the limits is refused with 400', () => {
  // Each request is otherwise well-formed (a real collection, Content-Type: application/json) so that
  // only the limit under test can refuse it; a few requests just inside the limits must still succeed.
  function limits(r: Rng, t: Target): FuzzRequest {
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
  const expect: Expect = (request) => (request.label === 'params = 1000' ? 200 : 400)

  test('manifest mock', async () => {
    const seed = seedFor(4)
    const r = mulberry32(seed)
    const t = manifestTarget()
    report(seed, await fuzz(t.app, 120, () => limits(r, t), expect), { refusals: 80, changes: 0 })
  })

  test('zero-config db.json mock, and nesting of 50 levels still accepted', async () => {
    const seed = seedFor(5)
    const r = mulberry32(seed)
    const t = zeroConfigTarget()
    report(seed, await fuzz(t.app, 120, () => limits(r, t), expect), { refusals: 80, changes: 0 })
    const fifty = await t.app.request('/posts', {
      method: 'POST',
      headers: JSON_HEADERS,
      body: deepJson(r, 50, 'extra'),
    })
    assert.equal(fifty.status, 201)
  })
})
