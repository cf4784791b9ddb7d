/**
 * Seeded generators of hostile HTTP input for the fuzz suite: the same seed gives the same requests, so
 * a failure is reproduced by running the suite again with the seed it prints.
 */

export type Rng = () => number

/** mulberry32: a tiny, fast 32-bit PRNG; good enough to pick inputs, and fully determined by its seed. */
export function mulberry32(seed: number): Rng {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export const int = (r: Rng, min: number, max: number): number => min + Math.floor(r() * (max - min + 1))
export const chance = (r: Rng, p: number): boolean => r() < p
export const pick = <T>(r: Rng, list: readonly T[]): T => list[Math.floor(r() * list.length)]!

/** Picks one generator by weight and runs it. */
export function oneOf<T>(r: Rng, choices: ReadonlyArray<readonly [number, () => T]>): T {
  let roll = r() * choices.reduce((sum, [weight]) => sum + weight, 0)
  for (const [weight, make] of choices) {
    roll -= weight
    if (roll < 0) return make()
  }
  return choices[choices.length - 1]![1]()
}

export interface FuzzRequest {
  /** the generator that made it, for the failure report */
  label: string
  method: string
  /** path and query string, as sent */
  path: string
  headers: Record<string, string>
  body?: string | Uint8Array
}

// ---- JSON text -------------------------------------------------------------------------------------

const NUMBERS = ['0', '-0', '1', '-1', '3.14', '2.5e-7', '1e308', '-1e308', '1e-320', '9007199254740993']
const BIG_NUMBERS = ['123456789012345678901234567890', '0.1e1', '4e2', '-9999999999999999999999']
/** JSON numbers that JSON.parse turns into ±Infinity */
export const NON_FINITE = ['1e400', '-1e400', '1e309', '-2e999', '9'.repeat(400)]
const STRINGS = [
  '""',
  '"a"',
  '"\\ud800"',
  '"x\\udfff\\ud800y"',
  '"\\u0000"',
  '"💥 ünïcödé"',
  '"((a+)+$"',
  '"<script>alert(1)</script>"',
  '"NaN"',
  '"Infinity"',
  '"-Infinity"',
  '"1e400"',
  '"__proto__"',
  '"%ZZ%00"',
  '"\\n\\t\\r\\b\\f"',
  '"2026-02-30T25:61:00Z"',
  '"a@b"',
  '"1"',
]
const KEYS = [
  'id',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '',
  'a.b',
  '$ref',
  'createdAt',
  'updatedAt',
  '\\ud800',
  'x'.repeat(300),
]

function jsonString(r: Rng): string {
  if (chance(r, 0.05)) return `"${'z'.repeat(int(r, 1000, 20_000))}"`
  return pick(r, STRINGS)
}

/** A random JSON value as text; `keys` are tried as object keys besides the hostile ones. */
export function jsonValue(r: Rng, depth: number, keys: readonly string[] = [], nonFinite = false): string {
  const scalar = (): string =>
    oneOf(r, [
      [3, () => pick(r, NUMBERS)],
      [1, () => pick(r, BIG_NUMBERS)],
      [nonFinite ? 1 : 0, () => pick(r, NON_FINITE)],
      [4, () => jsonString(r)],
      [1, () => pick(r, ['true', 'false', 'null'])],
    ])
  if (depth <= 0 || chance(r, 0.35)) return scalar()
  // wide containers only near the leaves, so the text stays small whatever the depth
  const size = depth <= 2 && chance(r, 0.05) ? int(r, 20, 200) : int(r, 0, 4)
  const items = Array.from({ length: size }, () => jsonValue(r, depth - 1, keys, nonFinite))
  if (chance(r, 0.3)) return `[${items.join(',')}]`
  const key = (): string => JSON.stringify(chance(r, 0.6) && keys.length > 0 ? pick(r, keys) : pick(r, KEYS))
  return `{${items.map((item) => `${key()}:${item}`).join(',')}}`
}

/** A value nested `levels` deep (objects and arrays mixed), inside an object under `key`. */
export function deepJson(r: Rng, levels: number, key: string): string {
  let text = pick(r, ['1', '"leaf"', 'null', '{}', '[]'])
  for (let i = 1; i < levels; i++) text = chance(r, 0.5) ? `[${text}]` : `{"k${i % 7}":${text}}`
  return `{${JSON.stringify(key)}:${text}}`
}

/** Text that is not JSON, or JSON of the wrong shape for a body. */
export function brokenJson(r: Rng, valid: string): string {
  return oneOf(r, [
    [3, () => valid.slice(0, int(r, 0, Math.max(0, valid.length - 1)))],
    [1, () => `${valid}${pick(r, ['}', ',', ' x', '\u0000', '{}'])}`],
    [1, () => valid.replaceAll('"', "'")],
    [1, () => pick(r, ['NaN', 'Infinity', '-Infinity', 'undefined', '{"a":NaN}', '{"a":Infinity}'])],
    [1, () => pick(r, ['{"a":1,}', '[1,]', '{a:1}', '{"a":1 /* c */}', '\ufeff{"a":1}', '{"a":01}'])],
    [1, () => pick(r, ['[]', '[{}]', '"text"', '42', 'null', 'true', '   ', ''])],
    [1, () => '{"a":'.repeat(int(r, 1, 300))],
  ])
}

/** Invalid UTF-8 byte sequences: a stray continuation byte, an overlong form, an encoded surrogate, ... */
const BAD_UTF8: readonly number[][] = [
  [0xff],
  [0xfe, 0xff],
  [0x80],
  [0xc0, 0x80],
  [0xc3],
  [0xe2, 0x82],
  [0xed, 0xa0, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0xf8, 0x88, 0x80, 0x80, 0x80],
]

/**
 * A JSON object whose string value under `key` holds invalid UTF-8 bytes (an otherwise valid body). Each bad
 * sequence is followed by a character that cannot continue it, so two of them never make a valid one.
 */
export function invalidUtf8(r: Rng, key: string): Uint8Array {
  const encoder = new TextEncoder()
  const bytes = [...encoder.encode(`{${JSON.stringify(key)}:"ok `)]
  const count = int(r, 1, 3)
  for (let i = 0; i < count; i++)
    bytes.push(...pick(r, BAD_UTF8), ...encoder.encode(pick(r, ['x', ' ', 'é'])))
  bytes.push(...encoder.encode('"}'))
  return Uint8Array.from(bytes)
}

// ---- headers ---------------------------------------------------------------------------------------

export const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/merge-patch+json',
  'application/vnd.api+json',
  'APPLICATION/JSON',
  'application/json; charset=latin1',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/jsonx',
  'json',
  ';;;',
  '*/*',
  `application/json; ${'p=1;'.repeat(2000)}`,
]

/** Printable Latin-1 garbage (what a Headers object accepts). */
function headerGarbage(r: Rng): string {
  const length = chance(r, 0.05) ? int(r, 8000, 100_000) : int(r, 0, 40)
  let text = ''
  for (let i = 0; i < length; i++)
    text += String.fromCharCode(chance(r, 0.9) ? int(r, 0x21, 0x7e) : int(r, 0xa0, 0xff))
  return text
}

const ETAGS = ['*', '"x"', 'W/"x"', '""', '"', 'W/', '"a", "b"', ', ,', 'W/"1-0", *', '"1-0"']
const PREFERS = [
  'return=minimal',
  'return=representation',
  'return=',
  'return=minimal;;;',
  'respond-async, wait=1e30',
  'handling=strict, return=representation',
  'status=500',
  'fault=reset',
  'delay=100000',
]

/** Random extra headers; conditional, Prefer and Idempotency-Key values are mostly garbage. */
export function hostileHeaders(r: Rng, idempotencyKeys: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {}
  if (chance(r, 0.15)) headers['if-match'] = chance(r, 0.6) ? pick(r, ETAGS) : headerGarbage(r)
  if (chance(r, 0.15)) headers['if-none-match'] = chance(r, 0.6) ? pick(r, ETAGS) : headerGarbage(r)
  if (chance(r, 0.15)) headers.prefer = chance(r, 0.6) ? pick(r, PREFERS) : headerGarbage(r)
  if (chance(r, 0.15))
    headers['idempotency-key'] = chance(r, 0.6) ? pick(r, idempotencyKeys) : headerGarbage(r)
  if (chance(r, 0.05)) headers['x-restmock-session'] = headerGarbage(r)
  if (chance(r, 0.1)) headers.origin = pick(r, ['http://a.test', 'null', headerGarbage(r)])
  if (chance(r, 0.05)) headers['x-huge'] = 'h'.repeat(int(r, 10_000, 200_000))
  if (chance(r, 0.05)) headers.accept = headerGarbage(r)
  if (chance(r, 0.05)) headers['content-length'] = pick(r, ['-1', '1e3', 'abc', '99999999999999999999'])
  return headers
}

// ---- paths and queries -----------------------------------------------------------------------------

const SEGMENTS = [
  '%ZZ',
  '%',
  '%E0%A4%A',
  '%00',
  '..',
  '%2e%2e',
  '..%2f..%2f',
  '',
  '__proto__',
  'constructor',
  'prototype',
  '-1',
  '1.5',
  '1e3',
  '0x10',
  '%20',
  'p%C3%B6sts',
  '💥',
  '*',
  ':id',
]

/** A path built from real route segments mixed with hostile ones. */
export function hostilePath(r: Rng, real: readonly string[]): string {
  const segments = pick(r, real).split('/').slice(1)
  const count = int(r, 1, 3)
  for (let i = 0; i < count; i++) {
    const at = int(r, 0, segments.length)
    const segment = chance(r, 0.1) ? '9'.repeat(int(r, 100, 20_000)) : pick(r, SEGMENTS)
    if (chance(r, 0.5)) segments.splice(at, 0, segment)
    else segments[Math.min(at, segments.length - 1)] = segment
  }
  const path = `/${segments.join(chance(r, 0.1) ? '//' : '/')}`
  return chance(r, 0.1) ? `/${path}` : chance(r, 0.1) ? `${path}/` : path
}

const OPERATORS = [
  '',
  '_gte',
  '_gt',
  '_lte',
  '_lt',
  '_ne',
  '_like',
  ':gt',
  ':gte',
  ':lt',
  ':lte',
  ':ne',
  ':eq',
  ':in',
  ':contains',
  ':startsWith',
  ':endsWith',
  ':bogus',
  '_nope',
  ':',
]
const VALUES = [
  '1',
  '',
  'abc',
  '%ZZ',
  '%',
  '1e400',
  'NaN',
  '-0',
  'true',
  'null',
  '((a+)+$',
  '[',
  '\\',
  '(?<',
  'a{99999}',
]
const CONTROLS: ReadonlyArray<(r: Rng) => string> = [
  (r) => `_page=${pick(r, [...VALUES, '1e30', '-1', '0', '2', '1.5'])}`,
  (r) => `_limit=${pick(r, [...VALUES, '99999999999', '0', '-5'])}`,
  (r) => `_per_page=${pick(r, [...VALUES, '0', '5'])}`,
  (r) => `_start=${pick(r, VALUES)}&_end=${pick(r, VALUES)}`,
  (r) =>
    `_sort=${pick(r, [...VALUES, '-id', 'id,-id', '__proto__', ',,'])}&_order=${pick(r, [...VALUES, 'desc', 'sideways'])}`,
  (r) => `_embed=${pick(r, [...VALUES, 'nope', '__proto__', 'comments', 'posts'])}`,
  (r) => `_expand=${pick(r, [...VALUES, 'author', 'user', 'post', 'constructor'])}`,
  (r) => `_fields=${pick(r, [...VALUES, '__proto__,constructor', 'id', ','])}`,
  (r) =>
    `_where=${encodeURIComponent(pick(r, ['{bad', '[]', '{"a":{"gt":1}}', '{"__proto__":{}}', 'null', '{"or":[]}', deepJson(r, 150, 'a')]))}`,
  (r) => `q=${pick(r, VALUES)}`,
  (r) => `__proto__=${pick(r, VALUES)}`,
  (r) => `constructor[prototype]=${pick(r, VALUES)}`,
  (r) => `a.b.c.__proto__.d=${pick(r, VALUES)}`,
  (r) =>
    pick(r, ['_status=500', '_fault=reset', '_delay=100000', 'callback=x', '_=1', '&&&', '=', '=x', '%=%']),
]

/** A query string (without `?`) of random filters, operators and control parameters. */
export function hostileQuery(r: Rng, fields: readonly string[], count = int(r, 1, 6)): string {
  const params: string[] = []
  for (let i = 0; i < count; i++) {
    if (chance(r, 0.4)) {
      params.push(pick(r, CONTROLS)(r))
    } else {
      const field = chance(r, 0.85) ? pick(r, fields) : pick(r, ['nope', 'a.b', '', '%ZZ', 'profile.bio'])
      params.push(`${field}${pick(r, OPERATORS)}=${encodeValue(r, pick(r, VALUES))}`)
    }
  }
  return params.join('&')
}

function encodeValue(r: Rng, value: string): string {
  return chance(r, 0.5) ? encodeURIComponent(value) : value
}

/** `count` equality filters on real fields (for the query-parameter limit). */
export function manyParams(r: Rng, fields: readonly string[], count: number): string {
  return Array.from({ length: count }, (_, i) => `${pick(r, fields)}=${i}`).join('&')
}
