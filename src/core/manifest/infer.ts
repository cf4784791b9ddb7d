import { ConfigError } from '../errors.ts'
import { conventionRelations } from '../relations.ts'
import type { Issue, Manifest, ResourceDef } from './types.ts'

const RESOURCE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/

/**
 * Zero-config mode: a json-server db.json becomes a manifest. Arrays are collections (integer ids
 * when every id is a number or absent, string ids otherwise), objects are singletons, any JSON object
 * body is accepted, and relations follow the `<singular>Id` convention.
 */
export function inferManifest(data: unknown, source: string): Manifest {
  const issues: Issue[] = []
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new ConfigError(`${source} must be a JSON object keyed by resource name`, [
      { path: '', message: 'expected an object such as { "posts": [], "profile": {} }' },
    ])
  }
  const resources: Record<string, ResourceDef> = {}
  for (const [name, value] of Object.entries(data)) {
    if (!RESOURCE_NAME.test(name)) {
      issues.push({ path: name, message: `"${name}" cannot be served as a URL path segment` })
      continue
    }
    if (Array.isArray(value)) {
      const stringIds = value.some((record) => typeof (record as { id?: unknown } | null)?.id === 'string')
      resources[name] = {
        name,
        singleton: false,
        id: stringIds ? 'string' : 'integer',
        timestamps: false,
        additionalFields: true,
      }
    } else if (typeof value === 'object' && value !== null) {
      resources[name] = { name, singleton: true, id: 'integer', timestamps: false, additionalFields: true }
    } else {
      issues.push({ path: name, message: 'must be an array (a collection) or an object (a singleton)' })
    }
  }
  if (issues.length > 0) throw new ConfigError(`${source} cannot be served:`, issues, source)
  const collections = Object.values(resources)
    .filter((resource) => !resource.singleton)
    .map((resource) => resource.name)
  return {
    name: source,
    basePath: '',
    resources,
    relations: conventionRelations(collections),
    zeroConfig: true,
  }
}
