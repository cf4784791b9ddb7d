import { didYouMean } from '../errors.ts'
import type { FieldDef, ResourceDef } from './model.ts'
import type { Reporter } from './reporter.ts'

/**
 * Checks the ties between fields of one record: `from` names string fields of the same resource, `after`
 * names a field of the same type (date, date-time, integer or number) and the `after` chain has no cycle.
 */
export function checkFieldTies(resources: Readonly<Record<string, ResourceDef>>, report: Reporter): void {
  for (const resource of Object.values(resources)) {
    const fields = resource.fields ?? {}
    const names = Object.keys(fields)
    if (resource.timestamps) names.push('createdAt', 'updatedAt')
    const path = (field: string, key: string): string => `resources.${resource.name}.fields.${field}.${key}`
    for (const [name, field] of Object.entries(fields)) {
      field.from?.forEach((source, index) => {
        const where = field.from!.length === 1 ? path(name, 'from') : `${path(name, 'from')}.${index}`
        if (source === name) report.add(where, 'a field cannot be derived from itself')
        else if (!names.includes(source))
          report.add(where, `unknown field "${source}"${didYouMean(source, names)}`)
        else if (fields[source] !== undefined && fields[source].type !== 'string')
          report.add(
            where,
            `"${source}" is ${fields[source].type}: a field can only be derived from string fields`,
          )
        else if (fields[source]?.from !== undefined)
          report.add(
            where,
            `"${source}" is itself derived (from: ${fields[source].from!.join(', ')}); derive from the original field`,
          )
      })
      if (field.after !== undefined) checkAfter(resource, name, field, names, path(name, 'after'), report)
    }
  }
}

function orderKind(field: FieldDef | undefined, timestamp: boolean): string | undefined {
  if (timestamp) return 'date-time'
  if (field === undefined) return undefined
  if (field.type === 'integer' || field.type === 'number') return 'number'
  if (field.type === 'string' && (field.format === 'date' || field.format === 'date-time'))
    return field.format
  return undefined
}

function checkAfter(
  resource: ResourceDef,
  name: string,
  field: FieldDef,
  names: readonly string[],
  path: string,
  report: Reporter,
): void {
  const fields = resource.fields ?? {}
  const other = field.after!
  const kind = orderKind(field, false)
  if (kind === undefined) {
    report.add(
      path,
      `only applies to date, date-time, integer and number fields (${name} is ${describeField(field)})`,
    )
    return
  }
  if (other === name) {
    report.add(path, 'a field cannot be ordered after itself')
    return
  }
  if (!names.includes(other)) {
    report.add(path, `unknown field "${other}"${didYouMean(other, names)}`)
    return
  }
  const timestamp = resource.timestamps && (other === 'createdAt' || other === 'updatedAt')
  const otherKind = orderKind(fields[other], timestamp)
  if (otherKind !== kind) {
    const described = timestamp ? 'a date-time timestamp' : describeField(fields[other]!)
    report.add(
      path,
      `"${other}" is ${described}; ${name} (${describeField(field)}) can only follow a field of the same kind`,
    )
    return
  }
  // a cycle (a after b, b after a) can never hold for different values
  const seen = new Set([name])
  let current: string | undefined = other
  while (current !== undefined && fields[current] !== undefined) {
    if (seen.has(current)) {
      report.add(path, `ordering cycle: ${[...seen, current].join(' -> ')}`)
      return
    }
    seen.add(current)
    current = fields[current]!.after
  }
}

function describeField(field: FieldDef): string {
  if (field.type === 'string' && field.format !== undefined) return `a ${field.format} string`
  return `${field.type === 'integer' ? 'an' : 'a'} ${field.type}`
}
