import { CONSTRAINT_KEYWORDS, compileValidator, fieldSchema } from '../schema.ts'
import type { FakerSpec, FieldDef, FieldType, OnDelete, StringFormat } from './model.ts'
import { describeValue, isPlainObject, joinPath, type PlainObject, type Reporter } from './reporter.ts'

export const FIELD_TYPES: readonly FieldType[] = ['string', 'integer', 'number', 'boolean', 'object', 'array']
export const STRING_FORMATS: readonly StringFormat[] = ['email', 'uri', 'uuid', 'date', 'date-time']
export const ON_DELETE: readonly OnDelete[] = ['cascade', 'restrict', 'set-null']

const FIELD_KEYS = [
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
    unique: report.boolean(raw.unique, joinPath(path, 'unique')) ?? false,
  }
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
      const items = validateField(raw.items, joinPath(path, 'items'), report, true)
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
    for (const key of ['unique', 'ref', 'onDelete'] as const) {
      if (raw[key] !== undefined) report.add(joinPath(path, key), 'is only supported on top-level fields')
    }
  } else {
    const ref = report.string(raw.ref, joinPath(path, 'ref'))
    if (ref !== undefined) field.ref = ref
    const onDelete = report.oneOf(raw.onDelete, ON_DELETE, joinPath(path, 'onDelete'))
    if (onDelete !== undefined) {
      if (ref === undefined) report.add(joinPath(path, 'onDelete'), 'only applies to a field with `ref`')
      else field.onDelete = onDelete
    }
    if (field.unique && (type === 'object' || type === 'array')) {
      report.add(joinPath(path, 'unique'), `is only supported on string, number, integer and boolean fields`)
    }
  }
  if (field.enum !== undefined || raw.default !== undefined) checkValues(field, raw, path, report)
  return field
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
