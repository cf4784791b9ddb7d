import type { FieldDef, ResourceDef } from '../manifest/model.ts'
import { comparable } from '../record-rules.ts'
import { dateRangeFor, normalizeName } from './name-inference.ts'
import { type Checker, generationError, OMIT, type ValueGenerator } from './primitives.ts'

/** `later` must not be before (or below) `earlier` in a generated record. */
export interface OrderRule {
  later: string
  earlier: string
  /** declared with `after` (an error when it cannot be met) rather than inferred from the names */
  declared: boolean
}

/** Name pairs whose second part never comes before the first: createdAt/updatedAt, startDate/endDate... */
const PAIRS: ReadonlyArray<readonly [string, string]> = [
  ['created', 'updated'],
  ['created', 'modified'],
  ['start', 'end'],
  ['starts', 'ends'],
  ['begin', 'end'],
  ['begins', 'ends'],
  ['opened', 'closed'],
  ['issued', 'due'],
  ['min', 'max'],
  ['minimum', 'maximum'],
]

/** What a generated value of the field compares as: numbers, instants (dates by format or by name), or nothing. */
function orderKind(name: string, field: FieldDef): 'number' | 'instant' | undefined {
  if (field.type === 'integer' || field.type === 'number') return 'number'
  if (field.type !== 'string' || field.enum !== undefined || field.pattern !== undefined) return undefined
  if (field.format === 'date' || field.format === 'date-time') return 'instant'
  return field.format === undefined && dateRangeFor(normalizeName(name)) !== undefined ? 'instant' : undefined
}

/**
 * The ordering rules of generated records: every declared `after`, plus name pairs (createdAt and
 * updatedAt, startDate and endDate, minPrice and maxPrice...) of the same kind that declare none.
 * Fields the store maintains (timestamps) are already ordered and never regenerated.
 */
export function orderRules(resource: ResourceDef, generated: ReadonlySet<string>): OrderRule[] {
  const fields = resource.fields ?? {}
  const rules: OrderRule[] = []
  const depth = (name: string, seen = 0): number =>
    fields[name]?.after === undefined || seen > 100 ? 0 : 1 + depth(fields[name]!.after!, seen + 1)
  for (const [name, field] of Object.entries(fields)) {
    if (field.after !== undefined && generated.has(name))
      rules.push({ later: name, earlier: field.after, declared: true })
  }
  // a chain (c after b after a) settles from its start
  rules.sort((a, b) => depth(a.later) - depth(b.later))
  const byNormalized = new Map(Object.keys(fields).map((name) => [normalizeName(name), name]))
  for (const [normalized, name] of byNormalized) {
    const words = normalized.split('_')
    for (const [first, second] of PAIRS) {
      const at = words.indexOf(first)
      if (at === -1) continue
      const partner = byNormalized.get([...words.slice(0, at), second, ...words.slice(at + 1)].join('_'))
      if (partner === undefined || !generated.has(partner) || fields[partner]!.after !== undefined) continue
      const kind = orderKind(name, fields[name]!)
      if (kind === undefined || kind !== orderKind(partner, fields[partner]!)) continue
      rules.push({ later: partner, earlier: name, declared: false })
    }
  }
  return rules
}

/**
 * Fields in the order to generate them: a field after the fields it is derived from (`from`), so it can
 * read them. Otherwise the declared order. The record keeps the declared key order whatever this is.
 */
export function fillOrder<T>(
  fields: ReadonlyArray<readonly [string, T, FieldDef]>,
): Array<readonly [string, T, FieldDef]> {
  const pending = [...fields]
  const done = new Set<string>()
  const names = new Set(fields.map(([name]) => name))
  const order: Array<readonly [string, T, FieldDef]> = []
  while (pending.length > 0) {
    const index = pending.findIndex(([, , def]) =>
      (def.from ?? []).every((source) => done.has(source) || !names.has(source)),
    )
    // a cycle of `from`s is a manifest error reported elsewhere: keep the declared order for the rest
    const [next] = pending.splice(index === -1 ? 0 : index, 1)
    order.push(next!)
    done.add(next![0])
  }
  return order
}

const ATTEMPTS = 20

/**
 * Makes `record` satisfy `rules` (in the order given: earlier rules' fields settle first): a field that
 * comes before its partner is generated again, then given its partner's value when that fits its rules.
 * A declared rule that still fails is an error naming it.
 */
export function enforceOrder(
  record: Record<string, unknown>,
  rules: readonly OrderRule[],
  generators: ReadonlyMap<string, ValueGenerator>,
  checkers: ReadonlyMap<string, Checker>,
  path: (field: string) => string,
): void {
  for (const rule of rules) {
    const earlier = comparable(record[rule.earlier])
    if (earlier === undefined) continue
    const later = comparable(record[rule.later])
    if (later === undefined || later >= earlier) continue
    const generate = generators.get(rule.later)
    let fixed = false
    for (let attempt = 0; generate !== undefined && attempt < ATTEMPTS && !fixed; attempt++) {
      const value = generate()
      if (value === OMIT || value === null) continue
      const candidate = comparable(value)
      if (candidate !== undefined && candidate >= earlier) {
        record[rule.later] = value
        fixed = true
      }
    }
    if (fixed) continue
    const earlierValue = record[rule.earlier]
    if (checkers.get(rule.later)?.(earlierValue) === undefined) {
      record[rule.later] = earlierValue
    } else if (rule.declared) {
      throw generationError(
        `${path(rule.later)}.after`,
        `no value of ${rule.later} found that is not before ${rule.earlier} (${JSON.stringify(earlierValue)}) and fits the field's rules; widen its rules`,
      )
    }
  }
}
