import type { Faker } from '@faker-js/faker'

export type FakerFunction = (...args: unknown[]) => unknown

export interface FakerCatalog {
  /** every callable "module.method" path, e.g. person.fullName */
  readonly paths: readonly string[]
  readonly methodsByModule: ReadonlyMap<string, readonly string[]>
}

const catalogs = new WeakMap<Faker, FakerCatalog>()

/** Methods of a faker module instance, walking its class chain (helpers extends a simpler base class). */
function methodNames(module: object): string[] {
  const names = new Set<string>()
  let prototype: object | null = Object.getPrototypeOf(module)
  while (prototype !== null && prototype !== Object.prototype) {
    for (const name of Object.getOwnPropertyNames(prototype)) {
      if (name === 'constructor' || name.startsWith('_')) continue
      const descriptor = Object.getOwnPropertyDescriptor(prototype, name)
      if (typeof descriptor?.value === 'function') names.add(name)
    }
    prototype = Object.getPrototypeOf(prototype)
  }
  return [...names].sort()
}

function isModule(value: unknown): value is object {
  if (typeof value !== 'object' || value === null) return false
  const prototype: unknown = Object.getPrototypeOf(value)
  return prototype !== Object.prototype && prototype !== null
}

export function fakerCatalog(faker: Faker): FakerCatalog {
  const cached = catalogs.get(faker)
  if (cached !== undefined) return cached
  const methodsByModule = new Map<string, string[]>()
  const paths: string[] = []
  for (const moduleName of Object.keys(faker).sort()) {
    if (moduleName.startsWith('_') || moduleName === 'fakerCore') continue
    const module: unknown = (faker as unknown as Record<string, unknown>)[moduleName]
    if (!isModule(module)) continue
    const methods = methodNames(module)
    if (methods.length === 0) continue
    methodsByModule.set(moduleName, methods)
    for (const method of methods) paths.push(`${moduleName}.${method}`)
  }
  const catalog = { paths, methodsByModule }
  catalogs.set(faker, catalog)
  return catalog
}

/** The faker method at `path` ("person.fullName") bound to its module, or undefined when there is none. */
export function resolveFakerMethod(faker: Faker, path: string): FakerFunction | undefined {
  const [moduleName, method, ...rest] = path.split('.')
  if (moduleName === undefined || method === undefined || rest.length > 0) return undefined
  if (!fakerCatalog(faker).methodsByModule.get(moduleName)?.includes(method)) return undefined
  const module = (faker as unknown as Record<string, Record<string, FakerFunction>>)[moduleName]!
  return module[method]!.bind(module)
}
