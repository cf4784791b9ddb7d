import { CONSTRAINT_KEYWORDS, compileValidator, fieldSchema } from '../schema.ts'
import type { FakerSpec, FieldDef, FieldType, OnDelete, StringFormat } from './model.ts'
import { describeValue, isPlainObject, joinPath, type PlainObject, type Reporter } from './reporter.ts'

export const FIELD_TYPES: readonly FieldType[] = ['string', 'integer', 'number', 'boolean', 'object', 'array']
export const STRING_FORMATS: readonly StringFormat[] = ['email', 'uri', 'uuid', 'date', 'date-time']
export const ON_DELETE: readonly OnDelete[] = ['cascade', 'restrict', 'set-null']

/** The keys a field may have (the library's FieldDef type lists the same). */
export const FIELD_KEYS: readonly string[] = [
  'type',
  'required',
  'nullable',
  'readOnly',
  'unique',
  'format',
  'enum',
  ...CONSTRAINT_KEYWORDS,
  'items',
  'properties',
  'default',
  'ref',
  'onDelete',
  'faker',
  'description',
  'from',
  'after',
] as const

const NUMERIC_KEYS = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'] as const
const STRING_KEYS = ['minLength', 'maxLength', 'pattern', 'format'] as const
const ARRAY_KEYS = ['minItems', 'maxItems', 'items'] as const

/** Checks one field definition; returns the normalized field, or undefined when it is unusable. */
export function validateField(
  raw: unknown,
  path: string,
  report: Reporter,
  nested: boolean,
): FieldDef | undefined {
  if (!isPlainObject(raw)) {
    report.add(
      path,
      `must be an object describing the field (e.g. { type: string }), got ${describeValue(raw)}`,
    )
    return undefined
  }
  report.unknownKeys(raw, FIELD_KEYS, path, 'field')
  const type =
    raw.type === undefined ? undefined : report.oneOf(raw.type, FIELD_TYPES, joinPath(path, 'type'))
  if (raw.type === undefined)
    report.add(joinPath(path, 'type'), `is required (one of ${FIELD_TYPES.join(', ')})`)
  if (type === undefined) return undefined

  const field: FieldDef = {
    type,
    required: report.boolean(raw.required, joinPath(path, 'required')) ?? false,
    nullable: report.boolean(raw.nullable, joinPath(path, 'nullable')) ?? false,
    readOnly: report.boolean(raw.readOnly, joinPath(path, 'readOnly')) ?? false,
    unique: false,
  }
  readUnique(raw.unique, type, joinPath(path, 'unique'), field, report)
  const numeric = type === 'integer' || type === 'number'
  checkApplicable(raw, NUMERIC_KEYS, numeric, 'integer and number', path, report)
  checkApplicable(raw, STRING_KEYS, type === 'string', 'string', path, report)
  checkApplicable(raw, ARRAY_KEYS, type === 'array', 'array', path, report)
  checkApplicable(raw, ['properties'], type === 'object', 'object', path, report)

  if (numeric) {
    for (const key of NUMERIC_KEYS) {
      const value = report.number(raw[key], joinPath(path, key))
      if (value !== undefined) field[key] = value
    }
    checkRange(field.minimum, field.maximum, 'minimum', 'maximum', path, report)
  }
  if (type === 'string') {
    const minLength = report.nonNegativeInteger(raw.minLength, joinPath(path, 'minLength'))
    const maxLength = report.nonNegativeInteger(raw.maxLength, joinPath(path, 'maxLength'))
    if (minLength !== undefined) field.minLength = minLength
    if (maxLength !== undefined) field.maxLength = maxLength
    checkRange(minLength, maxLength, 'minLength', 'maxLength', path, report)
    const format = report.oneOf(raw.format, STRING_FORMATS, joinPath(path, 'format'))
    if (format !== undefined) field.format = format
    const pattern = report.string(raw.pattern, joinPath(path, 'pattern'))
    if (pattern !== undefined) {
      try {
        new RegExp(pattern, 'u')
        field.pattern = pattern
      } catch (error) {
        report.add(
          joinPath(path, 'pattern'),
          `is not a valid regular expression: ${(error as Error).message}`,
        )
      }
    }
  }
  if (type === 'array') {
    const minItems = report.nonNegativeInteger(raw.minItems, joinPath(path, 'minItems'))
    const maxItems = report.nonNegativeInteger(raw.maxItems, joinPath(path, 'maxItems'))
    if (minItems !== undefined) field.minItems = minItems
    if (maxItems !== undefined) field.maxItems = maxItems
    checkRange(minItems, maxItems, 'minItems', 'maxItems', path, report)
    if (raw.items !== undefined) {
      const items = nested
        ? validateField(raw.items, joinPath(path, 'items'), report, true)
        : readRefItems(raw.items, joinPath(path, 'items'), report)
      if (items !== undefined) field.items = items
    }
  }
  if (type === 'object' && raw.properties !== undefined) {
    const properties = validateFieldMap(raw.properties, joinPath(path, 'properties'), report, true)
    if (properties !== undefined) field.properties = properties
  }
  if (raw.enum !== undefined) {
    if (!Array.isArray(raw.enum) || raw.enum.length === 0) {
      report.add(joinPath(path, 'enum'), 'must be a non-empty list of allowed values')
    } else {
      field.enum = raw.enum
    }
  }
  const description = report.string(raw.description, joinPath(path, 'description'))
  if (description !== undefined) field.description = description
  const faker = validateFakerSpec(raw.faker, joinPath(path, 'faker'), report)
  if (faker !== undefined) field.faker = faker

  if (nested) {
    for (const key of ['unique', 'ref', 'onDelete', 'from', 'after'] as const) {
      if (raw[key] !== undefined) report.add(joinPath(path, key), 'is only supported on top-level fields')
    }
  } else {
    const ref = report.string(raw.ref, joinPath(path, 'ref'))
    if (ref !== undefined) field.ref = ref
    const onDelete = report.oneOf(raw.onDelete, ON_DELETE, joinPath(path, 'onDelete'))
    if (onDelete !== undefined) {
      if (ref === undefined && field.items?.ref === undefined)
        report.add(
          joinPath(path, 'onDelete'),
          'only applies to a field with `ref` (or an array field whose `items` have a `ref`)',
        )
      else field.onDelete = onDelete
    }
    readTies(raw, path, field, report)
    if (field.caseInsensitive === true && ref !== undefined)
      report.add(
        joinPath(path, 'unique'),
        'caseInsensitive does not apply to a `ref` field (ids compare exactly)',
      )
    if (
      field.unique &&
      field.caseInsensitive === undefined &&
      field.format === 'email' &&
      field.ref === undefined
    )
      field.caseInsensitive = true
    if (field.unique && (type === 'object' || type === 'array')) {
      report.add(joinPath(path, 'unique'), `is only supported on string, number, integer and boolean fields`)
    }
  }
  if (field.enum !== undefined || raw.default !== undefined) checkValues(field, raw, path, report)
  return field
}

/** `unique: true`, or `unique: { caseInsensitive: true }`; emails compare ignoring case unless told otherwise. */
function readUnique(raw: unknown, type: FieldType, path: string, field: FieldDef, report: Reporter): void {
  if (raw === undefined || typeof raw === 'boolean') {
    field.unique = raw === true
    return
  }
  if (!isPlainObject(raw)) {
    report.add(path, `must be true, false or { caseInsensitive: true }, got ${describeValue(raw)}`)
    return
  }
  report.unknownKeys(raw, ['caseInsensitive'], path, 'unique')
  field.unique = true
  const caseInsensitive = report.boolean(raw.caseInsensitive, joinPath(path, 'caseInsensitive'))
  if (caseInsensitive === undefined) return
  if (caseInsensitive && type !== 'string') {
    report.add(joinPath(path, 'caseInsensitive'), `only applies to string fields, not ${type}`)
    return
  }
  field.caseInsensitive = caseInsensitive
}

/** The items of a top-level array field: like any nested field, plus a `ref` (a many-to-many relation). */
function readRefItems(raw: unknown, path: string, report: Reporter): FieldDef | undefined {
  if (!isPlainObject(raw) || (raw.ref === undefined && raw.onDelete === undefined))
    return validateField(raw, path, report, true)
  const { ref: rawRef, onDelete, ...rest } = raw
  if (onDelete !== undefined)
    report.add(
      joinPath(path, 'onDelete'),
      'belongs on the array field itself (next to `items`), not inside `items`',
    )
  const items = validateField(rest, path, report, true)
  const ref = report.string(rawRef, joinPath(path, 'ref'))
  if (items !== undefined && ref !== undefined) items.ref = ref
  return items
}

/** `from: name` / `from: [firstName, lastName]` and `after: startDate`: names of sibling fields, checked later. */
function readTies(raw: PlainObject, path: string, field: FieldDef, report: Reporter): void {
  if (raw.from !== undefined) {
    const from = typeof raw.from === 'string' ? [raw.from] : raw.from
    if (
      !Array.isArray(from) ||
      from.length === 0 ||
      !from.every((name) => typeof name === 'string' && name !== '')
    ) {
      report.add(
        joinPath(path, 'from'),
        `must name a field of the same record (from: name) or list them (from: [firstName, lastName]), got ${describeValue(raw.from)}`,
      )
    } else if (field.type !== 'string') {
      report.add(joinPath(path, 'from'), `only applies to string fields, not ${field.type}`)
    } else {
      field.from = from as string[]
    }
  }
  const after = report.string(raw.after, joinPath(path, 'after'))
  if (after !== undefined) field.after = after
}

export function validateFieldMap(
  raw: unknown,
  path: string,
  report: Reporter,
  nested: boolean,
): Record<string, FieldDef> | undefined {
  const object = report.object(raw, path)
  if (object === undefined) return undefined
  const fields: Record<string, FieldDef> = {}
  for (const [name, definition] of Object.entries(object)) {
    if (name === '') report.add(path, 'field names must not be empty')
    const field = validateField(definition, joinPath(path, name), report, nested)
    if (field !== undefined) fields[name] = field
  }
  return fields
}

function checkApplicable(
  raw: PlainObject,
  keys: readonly string[],
  applies: boolean,
  types: string,
  path: string,
  report: Reporter,
): void {
  if (applies) return
  for (const key of keys) {
    if (raw[key] !== undefined)
      report.add(joinPath(path, key), `only applies to ${types} fields, not ${String(raw.type)}`)
  }
}

function checkRange(
  min: number | undefined,
  max: number | undefined,
  minKey: string,
  maxKey: string,
  path: string,
  report: Reporter,
): void {
  if (min !== undefined && max !== undefined && min > max) {
    report.add(joinPath(path, minKey), `${minKey} (${min}) is greater than ${maxKey} (${max})`)
  }
}

/** enum values and the default must themselves satisfy the field's rules. */
function checkValues(field: FieldDef, raw: PlainObject, path: string, report: Reporter): void {
  const { enum: allowed, ...withoutEnum } = field
  const check = compileValidator(fieldSchema(withoutEnum, { forInput: false }))
  allowed?.forEach((value, index) => {
    for (const error of check(value))
      report.add(joinPath(joinPath(path, 'enum'), index), `${describeValue(value)} ${error.detail}`)
  })
  if (raw.default === undefined) return
  const errors = compileValidator(fieldSchema(field, { forInput: false }))(raw.default)
  if (errors.length === 0) {
    field.default = raw.default
  } else {
    for (const error of errors) {
      const where = error.pointer === '' ? '' : ` at ${error.pointer}`
      report.add(joinPath(path, 'default'), `${describeValue(raw.default)}${where} ${error.detail}`)
    }
  }
}

function validateFakerSpec(raw: unknown, path: string, report: Reporter): FakerSpec | undefined {
  if (raw === undefined) return undefined
  if (typeof raw === 'string' && /^[A-Za-z]+(\.[A-Za-z]+)+$/.test(raw)) return { method: raw, args: [] }
  if (isPlainObject(raw)) {
    report.unknownKeys(raw, ['method', 'args'], path, 'faker')
    const method = report.string(raw.method, joinPath(path, 'method'))
    if (raw.method === undefined)
      report.add(joinPath(path, 'method'), 'is required (a faker method path such as person.fullName)')
    if (raw.args !== undefined && !Array.isArray(raw.args))
      report.add(joinPath(path, 'args'), 'must be a list of arguments')
    if (method === undefined) return undefined
    return { method, args: Array.isArray(raw.args) ? raw.args : [] }
  }
  report.add(
    path,
    `must be a faker method path such as person.fullName, or { method, args }, got ${describeValue(raw)}`,
  )
  return undefined
}
