import assert from 'node:assert/strict'
import { after, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { type Mock, startMock } from '../../src/index.ts'
import {
  brokenJson,
  CONTENT_TYPES,
  chance,
  deepJson,
  int,
  invalidUtf8,
  jsonValue,
  mulberry32,
  NON_FINITE,
  pick,
  type Rng,
} from '../support/fuzz-inputs.ts'

// Seeded hostile bodies and queries against an OpenAPI document served over a real socket (resource
// routes, stateless operations, form bodies, the auth server), half of them inside a session. Every
// answer must be below 500, a refusal must be problem+json (or OAuth's error JSON on its endpoints), and the
// server must still answer afterwards. FUZZ_SEED=<n> replays one sequence.

const petstore = fileURLToPath(new URL('../fixtures/openapi/petstore.yaml', import.meta.url))
const SEED = process.env.FUZZ_SEED === undefined ? 10 : Number(process.env.FUZZ_SEED)
const COUNT = 240

const TARGETS: readonly [string, string][] = [
  ['POST', '/api/v3/pet'],
  ['PUT', '/api/v3/pet'],
  ['PUT', '/api/v3/pet/1'],
  ['PATCH', '/api/v3/pet/1'],
  ['POST', '/api/v3/pet/1'],
  ['POST', '/api/v3/store/order'],
  ['POST', '/api/v3/user'],
  ['PUT', '/api/v3/user/user1'],
  ['POST', '/api/v3/user/createWithList'],
  ['POST', '/api/v3/pet/1/uploadImage'],
  ['GET', '/api/v3/pet/findByStatus'],
  ['GET', '/api/v3/pet/findByTags'],
  ['POST', '/__restmock/oauth/token'],
  ['POST', '/__restmock/oauth/revoke'],
]
const FIELDS = ['name', 'photoUrls', 'category', 'tags', 'status', 'id', 'quantity', 'username']

interface Sent {
  label: string
  method: string
  path: string
  headers: Record<string, string>
  body?: string | Uint8Array
}

function formOf(r: Rng, value: () => string): string {
  const pairs: string[] = []
  for (let i = int(r, 1, 5); i > 0; i--) pairs.push(`${pick(r, FIELDS)}=${encodeURIComponent(value())}`)
  if (chance(r, 0.2)) pairs.push(pick(r, ['%FF', '%C3', '%E2%82', 'a=%zz', '&&&', '=']))
  return pairs.join('&')
}

function multipartOf(r: Rng, value: () => string): Uint8Array {
  const parts: Buffer[] = []
  for (let i = int(r, 1, 4); i > 0; i--) {
    const file = chance(r, 0.2) ? '; filename="f.bin"' : ''
    const content = chance(r, 0.15) ? Buffer.from([0xff, 0xc3, 0x28]) : Buffer.from(value())
    parts.push(
      Buffer.from(`--x\r\nContent-Disposition: form-data; name="${pick(r, FIELDS)}"${file}\r\n\r\n`),
      content,
      Buffer.from('\r\n'),
    )
  }
  if (chance(r, 0.9)) parts.push(Buffer.from('--x--\r\n'))
  return Uint8Array.from(Buffer.concat(parts))
}

/** A JSON-ish text: valid, nested too deep, with a non-finite number, or broken. */
function jsonText(r: Rng): string {
  const valid = jsonValue(r, int(r, 0, 4), FIELDS, chance(r, 0.2))
  if (chance(r, 0.15)) return deepJson(r, int(r, 90, 3000), pick(r, FIELDS))
  if (chance(r, 0.1)) return `{"id":1,"category":{"id":${pick(r, NON_FINITE)}}}`
  if (chance(r, 0.15)) return brokenJson(r, valid)
  return valid
}

function next(r: Rng): Sent {
  const [method, target] = pick(r, TARGETS)
  const session = chance(r, 0.5) ? `/__session/f${int(r, 1, 4)}` : ''
  const query = chance(r, 0.15)
    ? `?${Array.from({ length: int(r, 995, 1010) }, () => `status=${pick(r, ['sold', 'x', '1e400'])}`).join('&')}`
    : chance(r, 0.3)
      ? `?status=${encodeURIComponent(pick(r, ['sold', '', '[[[', '1e400', '%']))}`
      : ''
  const headers: Record<string, string> = { authorization: 'Bearer demo-token' }
  const kind = int(r, 0, 4)
  let body: string | Uint8Array | undefined
  if (kind === 0) {
    headers['content-type'] = 'application/json'
    body = jsonText(r)
  } else if (kind === 1) {
    headers['content-type'] = 'application/x-www-form-urlencoded'
    body = formOf(r, () => jsonText(r))
  } else if (kind === 2) {
    headers['content-type'] = 'multipart/form-data; boundary=x'
    body = multipartOf(r, () => jsonText(r))
  } else if (kind === 3) {
    headers['content-type'] = pick(r, CONTENT_TYPES)
    body = invalidUtf8(r, pick(r, FIELDS))
  } else {
    headers['content-type'] = pick(r, CONTENT_TYPES)
    body = jsonText(r)
  }
  return {
    label: ['json', 'form', 'multipart', 'utf8', 'type'][kind]!,
    method,
    path: `${session}${target}${query}`,
    headers,
    body,
  }
}

const running: Mock[] = []
after(async () => {
  await Promise.all(running.splice(0).map((mock) => mock.close()))
})

describe('fuzzing the OpenAPI routes, forms, sessions and the auth server over a socket', () => {
  test(`${COUNT} seeded requests: never 5xx, refusals are problem+json, the server keeps serving`, async () => {
    const mock = await startMock({ source: petstore, seed: 1, logRequests: false })
    running.push(mock)
    const r = mulberry32(SEED)
    const failures: string[] = []
    const statuses = new Map<number, number>()
    for (let index = 0; index < COUNT; index++) {
      const sent = next(r)
      const init: RequestInit = { method: sent.method, headers: sent.headers }
      if (sent.method !== 'GET' && sent.body !== undefined) init.body = sent.body
      const answer = await fetch(`${mock.url}${sent.path}`, init)
      const text = await answer.text()
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1)
      const type = answer.headers.get('content-type') ?? ''
      const oauth = sent.path.includes('/__restmock/oauth/')
      // the OAuth endpoints answer their own refusals as OAuth asks; limits that hold for every route
      // (the query parameter count) are problem+json there too
      const problem =
        answer.status < 400 ||
        type === 'application/problem+json' ||
        (oauth && type.startsWith('application/json') && /"error"/.test(text))
      if (answer.status >= 500 || !problem) {
        const body =
          sent.body instanceof Uint8Array ? `bytes(${sent.body.length})` : (sent.body ?? '').slice(0, 160)
        failures.push(
          `#${index} seed ${SEED} ${sent.label}: ${sent.method} ${sent.path.slice(0, 120)} ${sent.headers['content-type']} ${body} -> ${answer.status} ${type} ${text.slice(0, 160)}`,
        )
      }
    }
    assert.deepEqual(failures, [])
    // enough of both: answers that went through, and refusals
    const ok = [...statuses].filter(([status]) => status < 400).reduce((sum, [, n]) => sum + n, 0)
    assert.ok(ok >= 10, `accepted ${ok}`)
    assert.ok(COUNT - ok >= 50, `refused ${COUNT - ok}`)
    assert.equal((await fetch(`${mock.url}/api/v3/pet/1`)).status, 200)
  })
})
