import type { Manifest } from '../manifest/model.ts'
import { singular } from '../manifest/zero-config.ts'

/** How one resource is named in an OpenAPI document. */
export interface ResourceNaming {
  /** components.schemas key of its records (`Customer`); `<schema>Input` and `<schema>Patch` follow it */
  schema: string
  /** PascalCase plural for list operationIds (`Customers`) */
  plural: string
  /** words for summaries: `customer`, `customers` */
  one: string
  many: string
}

/** Schema names the document itself uses. */
const RESERVED: readonly string[] = ['Problem', 'ProblemFieldError']

/** `order-lines` -> `OrderLines`, `customer_notes` -> `CustomerNotes`, `lineItems` -> `LineItems`. */
export function pascalCase(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word !== '')
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join('')
}

/**
 * Every resource's names: the PascalCase singular (`customers` -> `Customer`), or the PascalCase plural
 * when the singular is taken by another resource or by the document, with a number after it as a last
 * resort. Decided in manifest order, so a manifest always gets the same names.
 */
export function resourceNamings(manifest: Manifest): Map<string, ResourceNaming> {
  const taken = new Set(RESERVED)
  const namings = new Map<string, ResourceNaming>()
  const free = (candidate: string): boolean =>
    candidate !== '' &&
    !taken.has(candidate) &&
    !taken.has(`${candidate}Input`) &&
    !taken.has(`${candidate}Patch`)
  for (const name of Object.keys(manifest.resources)) {
    const plural = pascalCase(name) || 'Resource'
    let schema = pascalCase(singular(name))
    if (!free(schema)) schema = plural
    for (let n = 2; !free(schema); n++) schema = `${plural}${n}`
    for (const used of [schema, `${schema}Input`, `${schema}Patch`]) taken.add(used)
    const words = name.replace(/[-_]+/g, ' ')
    namings.set(name, { schema, plural, one: singular(words), many: words })
  }
  return namings
}

/** `a customer`, `an invoice` */
export function withArticle(noun: string): string {
  return /^[aeiou]/i.test(noun) ? `an ${noun}` : `a ${noun}`
}

/** Hands out operationIds, never the same one twice (a clash gets `_2`, `_3`, ...). */
export class OperationIds {
  readonly #used = new Set<string>()

  take(wanted: string): string {
    let id = wanted
    for (let n = 2; this.#used.has(id); n++) id = `${wanted}_${n}`
    this.#used.add(id)
    return id
  }
}
