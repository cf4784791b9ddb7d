import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { MockApp } from '../../src/server/build-mock.ts'
import { deepJson, type FuzzRequest, mulberry32 } from '../support/fuzz-inputs.ts'
import { chaos, JSON_HEADERS, pastTheLimits } from '../support/fuzz-requests.ts'
import { manifestTarget, type Target, zeroConfigTarget } from '../support/fuzz-targets.ts'

// Seeded fuzzing of the in-process app. Every answer must be < 500; every 4xx must be problem+json with
// `status` and `code`, and must leave the state (records, simulation, faults) exactly as it was.
// FUZZ_SEED=<n> replays one seed for every suite (the failure report prints the seed and the request).

const seedFor = (fallback: number): number =>
  process.env.FUZZ_SEED === undefined ? fallback : Number(process.env.FUZZ_SEED)

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

/** A Request for `app.request`, or undefined when fetch itself refuses to build one (a forbidden method). */
function build(request: FuzzRequest): Request | undefined {
  const init: RequestInit = { method: request.method, headers: request.headers }
  if (request.body !== undefined && request.method !== 'GET' && request.method !== 'HEAD')
    init.body = request.body
  try {
    return new Request(`http://localhost${request.path}`, init)
  } catch {
    return undefined
  }
}

/** The rules every answer obeys: below 500, JSON that parses, and a 4xx is problem+json with status and code. */
function checkAnswer(
  request: FuzzRequest,
  response: Response,
  text: string,
  fail: (rule: string, detail: string) => void,
) {
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
  if (status < 400 || status >= 500) return
  if (!/^application\/problem\+json\b/.test(contentType))
    fail('4xx is problem+json', `${status} ${contentType}`)
  if (request.method === 'HEAD') return
  let problem: { status?: unknown; code?: unknown } = {}
  try {
    problem = JSON.parse(text)
  } catch {}
  if (problem.status !== status || typeof problem.code !== 'string' || problem.code === '')
    fail('4xx body has status and code', `${status} ${clip(text)}`)
}

const isAdminChange = (request: FuzzRequest, status: number): boolean =>
  request.path.startsWith('/__restmock') &&
  status < 300 &&
  !['GET', 'HEAD', 'OPTIONS'].includes(request.method)

interface Run {
  failures: Failure[]
  /** refusals checked, and requests that changed the state: a run that never tested the rules proves nothing */
  refusals: number
  changes: number
}

/** Sends `count` requests from `make` one at a time; a 4xx must leave the state exactly as it was. */
async function fuzz(t: Target, count: number, make: () => FuzzRequest, expect?: Expect): Promise<Run> {
  const run: Run = { failures: [], refusals: 0, changes: 0 }
  for (let index = 0; index < count; index++) {
    const request = make()
    const fail = (rule: string, detail: string): void =>
      void run.failures.push({ rule, request, index, detail })
    const sent = build(request)
    if (sent === undefined) continue
    const before = await fingerprint(t.app)
    let response: Response
    try {
      response = await t.app.request(sent)
    } catch (error) {
      fail('the app threw', String(error))
      continue
    }
    const text = await response.text()
    const { status } = response
    checkAnswer(request, response, text, fail)
    const wanted = expect?.(request)
    if (wanted !== undefined && status !== wanted) fail(`answered ${wanted}`, `${status} ${clip(text)}`)
    const changed = (await fingerprint(t.app)) !== before
    if (status >= 400 && status < 500) {
      run.refusals++
      if (changed) fail('4xx changes nothing', `${status} ${clip(text)}`)
    } else if (changed) {
      run.changes++
      for (const problem of t.inconsistencies(t.app.engine.snapshot()))
        fail('state stays consistent', problem)
    }
    // an admin call that worked may have set faults or latency: start clean again
    if (isAdminChange(request, status)) await t.app.reset()
  }
  return run
}

/**
 * Sends `batches` x `size` requests, each batch at once: no 5xx and consistent relations however the
 * writes interleave (a 4xx is not compared with the state: its neighbours change it).
 */
async function fuzzConcurrently(
  t: Target,
  batches: number,
  size: number,
  make: () => FuzzRequest,
): Promise<Run> {
  const run: Run = { failures: [], refusals: 0, changes: 0 }
  for (let index = 0; index < batches; index++) {
    const requests = Array.from({ length: size }, make).filter((request) => !isAdminChange(request, 200))
    const before = JSON.stringify(t.app.engine.snapshot())
    await Promise.all(
      requests.map(async (request) => {
        const fail = (rule: string, detail: string): void =>
          void run.failures.push({ rule, request, index, detail })
        const sent = build(request)
        if (sent === undefined) return
        try {
          const response = await t.app.request(sent)
          checkAnswer(request, response, await response.text(), fail)
          if (response.status >= 400 && response.status < 500) run.refusals++
        } catch (error) {
          fail('the app threw', String(error))
        }
      }),
    )
    if (JSON.stringify(t.app.engine.snapshot()) !== before) run.changes++
    for (const problem of t.inconsistencies(t.app.engine.snapshot()))
      run.failures.push({ rule: 'state stays consistent', request: requests[0]!, index, detail: problem })
  }
  return run
}

function report(seed: number, result: Run, minimum: { refusals: number; changes: number }): void {
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
    report(seed, await fuzz(t, 400, () => chaos(r, t)), { refusals: 180, changes: 20 })
  })

  test('manifest mock with an 8 KiB body limit', async () => {
    const seed = seedFor(2)
    const r = mulberry32(seed)
    const t = manifestTarget(8 * 1024)
    report(seed, await fuzz(t, 200, () => chaos(r, t)), { refusals: 80, changes: 10 })
  })

  test('zero-config db.json mock', async () => {
    const seed = seedFor(3)
    const r = mulberry32(seed)
    const t = zeroConfigTarget()
    report(seed, await fuzz(t, 300, () => chaos(r, t)), { refusals: 100, changes: 35 })
  })
})

describe('fuzz: concurrent hostile requests', () => {
  test('manifest mock: 30 batches of 8 at once keep every ref and unique value intact', async () => {
    const seed = seedFor(6)
    const r = mulberry32(seed)
    const t = manifestTarget()
    report(seed, await fuzzConcurrently(t, 30, 8, () => chaos(r, t)), { refusals: 80, changes: 12 })
  })

  test('zero-config db.json mock: 20 batches of 8 at once', async () => {
    const seed = seedFor(7)
    const r = mulberry32(seed)
    const t = zeroConfigTarget()
    report(seed, await fuzzConcurrently(t, 20, 8, () => chaos(r, t)), { refusals: 60, changes: 10 })
  })
})

describe('fuzz: input past the limits is refused with 400', () => {
  const expect: Expect = (request) => (request.label === 'params = 1000' ? 200 : 400)

  test('manifest mock', async () => {
    const seed = seedFor(4)
    const r = mulberry32(seed)
    const t = manifestTarget()
    report(seed, await fuzz(t, 100, () => pastTheLimits(r, t), expect), { refusals: 65, changes: 0 })
  })

  test('zero-config db.json mock; just inside the limits is still accepted', async () => {
    const seed = seedFor(5)
    const r = mulberry32(seed)
    const t = zeroConfigTarget()
    report(seed, await fuzz(t, 100, () => pastTheLimits(r, t), expect), { refusals: 65, changes: 0 })
    for (const body of [deepJson(r, 50, 'extra'), '{"n":1e308,"m":-1e-320}', '{"t":"é 💥 \\ud83d\\udca5"}']) {
      const response = await t.app.request('/posts', { method: 'POST', headers: JSON_HEADERS, body })
      assert.equal(response.status, 201, body.slice(0, 80))
    }
  })
})
