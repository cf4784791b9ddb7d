import type { Faker } from '@faker-js/faker'
import { closestMatches } from '../did-you-mean.ts'
import type { FakerSpec, Issue, Manifest } from '../manifest/types.ts'
import { fakerCatalog, resolveFakerMethod } from './faker-methods.ts'
import { walkFields } from './walk-fields.ts'

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
