import { closestMatches } from '../core/errors.ts'
import type { Manifest } from '../core/manifest/model.ts'

/**
 * For a 404 whose path names no resource but is one typo away from one (`/api/product`, or `/products`
 * when the resources live under `/api`): `no resource "product" at /api/product; did you mean
 * /api/products?`. Undefined when the path names a resource or nothing is close, so the caller keeps its
 * own detail. Runs for 404s only, never on the way to a found record.
 */
export function resourceHint(manifest: Manifest, path: string): string | undefined {
  const { basePath, resources } = manifest
  const underBase = basePath === '' || path.startsWith(`${basePath}/`)
  const rest = underBase ? path.slice(basePath.length) : path
  const [, name = '', ...more] = rest.split('/')
  if (name === '' || (underBase && Object.hasOwn(resources, name))) return undefined
  const [match] = closestMatches(name, Object.keys(resources), 1)
  if (match === undefined) return undefined
  const suggestion = [`${basePath}/${match}`, ...more].join('/')
  if (suggestion === path) return undefined
  return `no resource ${JSON.stringify(name)} at ${path}; did you mean ${suggestion}?`
}
