import type { PageInfo } from './execute.ts'
import { invalidQuery } from './parse-query.ts'

const DEFAULT_PER_PAGE = 10

/** Which records of the (filtered, sorted) list to return. */
export type Window =
  | { kind: 'page'; page: number; perPage: number; envelope?: true }
  | { kind: 'slice'; start: number; end: number | undefined }

export type PagingParams = { [name in '_page' | '_per_page' | '_limit' | '_start' | '_end']?: string }

/**
 * `_page` (+ `_per_page` or `_limit`, default 10) wins over `_start` / `_end` / `_limit` slicing, as in
 * json-server 0.17. `_page` with `_per_page` asks for json-server 1.0's envelope (`envelope`), whose page
 * is clamped to the existing ones. Strict mode rejects values that are not whole numbers; zero-config mode
 * reads them as json-server does (parseInt, bad values fall back to the defaults).
 */
export function parseWindow(params: PagingParams, strict: boolean): Window | undefined {
  const read = strict ? strictInteger : lenientInteger
  if (params._page !== undefined || params._per_page !== undefined) {
    const perPageParam = params._per_page !== undefined ? '_per_page' : '_limit'
    const page = read('_page', params._page, 1) ?? 1
    const perPage = read(perPageParam, params[perPageParam], 1) ?? DEFAULT_PER_PAGE
    if (params._page !== undefined && params._per_page !== undefined) {
      // json-server 1.0 reads a per-page count below 1 as 1
      return { kind: 'page', page: Math.max(page, 1), perPage: Math.max(perPage, 1), envelope: true }
    }
    return { kind: 'page', page: Math.max(page, 1), perPage: perPage >= 1 ? perPage : DEFAULT_PER_PAGE }
  }
  if (params._start === undefined && params._end === undefined && params._limit === undefined)
    return undefined
  const start = Math.max(read('_start', params._start, 0) ?? 0, 0)
  const end = read('_end', params._end, 0)
  const limit = read('_limit', params._limit, 0)
  if (end !== undefined) return { kind: 'slice', start, end: Math.max(end, 0) }
  return { kind: 'slice', start, end: limit === undefined ? undefined : start + Math.max(limit, 0) }
}

/** [start, end) of a window; `end` may exceed the list length. */
export function windowBounds(window: Window | undefined): { start: number; end: number } {
  if (window === undefined) return { start: 0, end: Number.POSITIVE_INFINITY }
  if (window.kind === 'page') {
    return { start: (window.page - 1) * window.perPage, end: window.page * window.perPage }
  }
  return { start: window.start, end: window.end ?? Number.POSITIVE_INFINITY }
}

function strictInteger(param: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined
  const value = /^\d{1,15}$/.test(text) ? Number(text) : Number.NaN
  if (!(value >= min)) {
    const expected = min === 1 ? 'a whole number from 1' : 'a whole number from 0'
    throw invalidQuery(param, text, `must be ${expected} (up to 15 digits)`)
  }
  return value
}

/** json-server 0.17 reading: parseInt, undefined when not a number (callers apply defaults and bounds). */
function lenientInteger(_param: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined
  const value = Number.parseInt(text, 10)
  return Number.isNaN(value) ? undefined : Math.min(value, Number.MAX_SAFE_INTEGER)
}

/**
 * RFC 8288 `Link` value with first / prev / next / last for a paged list. `baseUrl` is the request URL without
 * its query; every other parameter is kept in order and only `_page` changes. A page past the end gets
 * first, prev (the last page) and last.
 */
export function buildLinkHeader(
  baseUrl: string,
  params: ReadonlyArray<readonly [string, string]>,
  page: PageInfo,
): string {
  // the other parameters are encoded once, around the page number each link puts in
  const { head, tail } = pageUrlTemplate(baseUrl, params)
  const link = (rel: string, target: number): string => `<${head}${target}${tail}>; rel="${rel}"`
  let header = link('first', 1)
  if (page.page > 1) header += `, ${link('prev', Math.min(page.page - 1, page.last))}`
  if (page.page < page.last) header += `, ${link('next', page.page + 1)}`
  return `${header}, ${link('last', page.last)}`
}

/** The page URL split where its `_page` value goes: the first `_page` is replaced, later ones dropped. */
function pageUrlTemplate(
  baseUrl: string,
  params: ReadonlyArray<readonly [string, string]>,
): { head: string; tail: string } {
  let head = `${baseUrl}?`
  let tail = ''
  let replaced = false
  let empty = true
  for (const [key, value] of params) {
    const part = key === '_page' ? '_page=' : `${encode(key)}=${encode(value)}`
    if (key === '_page' && replaced) continue
    if (replaced) tail += `&${part}`
    else head += empty ? part : `&${part}`
    empty = false
    if (key === '_page') replaced = true
  }
  if (!replaced) head += empty ? '_page=' : '&_page='
  return { head, tail }
}

/** Percent-encodes like encodeURIComponent but keeps ":" (views:gte stays readable); "," is encoded
 * because naive Link parsers split the header on commas. */
function encode(text: string): string {
  const encoded = encodeURIComponent(text)
  return text.includes(':') ? encoded.replaceAll('%3A', ':') : encoded
}
