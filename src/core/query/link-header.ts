import type { PageInfo } from './types.ts'

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
