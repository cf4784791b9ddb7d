import { invalidQuery } from './invalid-query.ts'

const DEFAULT_PER_PAGE = 10

/** Which records of the (filtered, sorted) list to return. */
export type Window =
  | { kind: 'page'; page: number; perPage: number }
  | { kind: 'slice'; start: number; end: number | undefined }

export type PagingParams = { [name in '_page' | '_per_page' | '_limit' | '_start' | '_end']?: string }

/**
 * `_page` (+ `_per_page` or `_limit`, default 10) wins over `_start` / `_end` / `_limit` slicing, as in
 * json-server 0.17. Strict mode rejects values that are not whole numbers; zero-config mode reads them as
 * json-server does (parseInt, bad values fall back to the defaults).
 */
export function parseWindow(params: PagingParams, strict: boolean): Window | undefined {
  const read = strict ? strictInteger : lenientInteger
  if (params._page !== undefined || params._per_page !== undefined) {
    const perPageParam = params._per_page !== undefined ? '_per_page' : '_limit'
    const page = read('_page', params._page, 1) ?? 1
    const perPage = read(perPageParam, params[perPageParam], 1) ?? DEFAULT_PER_PAGE
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
