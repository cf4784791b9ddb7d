import type { Faker } from '@faker-js/faker'
import { ConfigError, closestMatches } from '../errors.ts'
import type { FakerSpec, Issue, Manifest } from '../manifest/model.ts'
import { walkFields } from './primitives.ts'

/** faker locale names look like en, de_AT, en_AU_ocker, sr_RS_latin: nothing else reaches import(). */
const LOCALE_NAME = /^[a-z]{2,3}(_[A-Za-z]+)*$/

/** Error codes of an import (ERR_*) or require of a locale that faker does not have. */
export const MISSING_MODULE_CODES: readonly unknown[] = [
  'ERR_PACKAGE_PATH_NOT_EXPORTED',
  'ERR_MODULE_NOT_FOUND',
  'MODULE_NOT_FOUND',
]

/** faker's name of a locale (BCP 47 spellings such as de-AT accepted), or undefined for a malformed name. */
export function fakerLocaleName(requested: string): string | undefined {
  const locale = requested.replace(/-/g, '_')
  return LOCALE_NAME.test(locale) ? locale : undefined
}

export function unknownLocaleError(requested: string, available: readonly string[]): ConfigError {
  const names = available.filter((name) => name !== 'base')
  const close = closestMatches(requested.replace(/-/g, '_'), names)
  const hint =
    close.length > 0
      ? ` (did you mean ${close.map((name) => `"${name}"`).join(' or ')}?)`
      : `; available: ${names.join(', ')}`
  return new ConfigError('Unknown faker locale', [
    { path: 'locale', message: `unknown locale "${requested}"${hint}` },
  ])
}

/**
 * A faker instance for one locale (with English and base data as fallbacks). Only that locale's module
 * is imported: the package root would pull in every locale (it is read only to suggest a correction).
 */
export async function loadFaker(requested = 'en'): Promise<Faker> {
  const locale = fakerLocaleName(requested)
  if (locale !== undefined) {
    try {
      const module = (await import(`@faker-js/faker/locale/${locale}`)) as { faker?: Faker }
      if (module.faker !== undefined) return module.faker
    } catch (error) {
      if (!MISSING_MODULE_CODES.includes((error as { code?: unknown }).code)) throw error
    }
  }
  const { allLocales } = await import('@faker-js/faker')
  throw unknownLocaleError(requested, Object.keys(allLocales))
}

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

/**
 * Problems with the `faker` hints of a manifest: unknown method paths (with the closest existing ones
 * suggested) and calls that throw with the given args. One issue per field, at `...fields.<f>.faker`.
 */
export function fakerIssues(manifest: Manifest, faker: Faker): Issue[] {
  const issues: Issue[] = []
  for (const resource of Object.values(manifest.resources)) {
    walkFields(resource, (field, path) => {
      if (field.faker === undefined) return
      const message = fakerSpecProblem(field.faker, faker)
      if (message !== undefined) issues.push({ path: `${path}.faker`, message })
    })
  }
  return issues
}

function fakerSpecProblem(spec: FakerSpec, faker: Faker): string | undefined {
  const method = resolveFakerMethod(faker, spec.method)
  if (method === undefined) return `unknown faker method "${spec.method}"${suggestion(spec.method, faker)}`
  try {
    method(...spec.args)
    return undefined
  } catch (error) {
    return `faker method "${spec.method}" fails with args ${JSON.stringify(spec.args)}: ${(error as Error).message}`
  }
}

/** faker 7 and earlier used other names; manifests copied from older projects still do. */
const LEGACY_MODULES: Readonly<Record<string, string>> = {
  address: 'location',
  name: 'person',
  random: 'string',
  datatype: 'number',
  mersenne: 'number',
}
const LEGACY_METHODS: Readonly<Record<string, string>> = {
  'name.findName': 'person.fullName',
  'datatype.number': 'number.int',
  'datatype.float': 'number.float',
  'datatype.uuid': 'string.uuid',
  'random.word': 'word.sample',
  'random.words': 'word.words',
  'random.alphaNumeric': 'string.alphanumeric',
  'internet.userName': 'internet.username',
  'internet.avatar': 'image.avatar',
  'phone.phoneNumber': 'phone.number',
  'finance.account': 'finance.accountNumber',
  'image.imageUrl': 'image.url',
}

function suggestion(path: string, faker: Faker): string {
  const catalog = fakerCatalog(faker)
  const legacy = LEGACY_METHODS[path]
  if (legacy !== undefined) return ` (did you mean "${legacy}"? it was renamed in faker 8)`
  let matches = closestMatches(path, catalog.paths)
  const [written = '', methodName = ''] = path.split('.')
  const modules = [...catalog.methodsByModule.keys()]
  const closestModule = catalog.methodsByModule.has(written)
    ? written
    : closestMatches(written, [...modules, ...Object.keys(LEGACY_MODULES)], 1)[0]
  const moduleName =
    closestModule === undefined ? undefined : (LEGACY_MODULES[closestModule] ?? closestModule)
  const moduleMethods = moduleName === undefined ? undefined : catalog.methodsByModule.get(moduleName)
  if (matches.length === 0 && moduleMethods !== undefined) {
    matches = moduleMethods.includes(methodName)
      ? [`${moduleName}.${methodName}`]
      : closestMatches(methodName, moduleMethods).map((method) => `${moduleName}.${method}`)
    if (matches.length === 0) return `; ${moduleName} has ${moduleMethods.join(', ')}`
  }
  if (matches.length === 0) return `; faker modules are ${modules.join(', ')}`
  return ` (did you mean ${matches.map((m) => `"${m}"`).join(' or ')}?)`
}
