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
  const links: Array<[string, number]> = [['first', 1]]
  if (page.page > 1) links.push(['prev', Math.min(page.page - 1, page.last)])
  if (page.page < page.last) links.push(['next', page.page + 1])
  links.push(['last', page.last])
  return links.map(([rel, target]) => `<${pageUrl(baseUrl, params, target)}>; rel="${rel}"`).join(', ')
}

function pageUrl(baseUrl: string, params: ReadonlyArray<readonly [string, string]>, target: number): string {
  let replaced = false
  const parts: string[] = []
  for (const [key, value] of params) {
    if (key === '_page') {
      if (replaced) continue
      replaced = true
      parts.push(`_page=${target}`)
    } else {
      parts.push(`${encode(key)}=${encode(value)}`)
    }
  }
  if (!replaced) parts.push(`_page=${target}`)
  return `${baseUrl}?${parts.join('&')}`
}

/** Percent-encodes like encodeURIComponent but keeps ":" (views:gte stays readable); "," is encoded
 * because naive Link parsers split the header on commas. */
function encode(text: string): string {
  const encoded = encodeURIComponent(text)
  return text.includes(':') ? encoded.replaceAll('%3A', ':') : encoded
}
