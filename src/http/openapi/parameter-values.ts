import { RestmockError } from '../../core/errors.ts'
import { parseJsonBody } from '../../core/json-text.ts'
import type { JsonSchema } from '../../core/openapi/import-schema.ts'

/** The type a schema asks for first (besides null). */
function wantedType(schema: JsonSchema): string | undefined {
  const type = schema.type
  if (typeof type === 'string') return type
  if (Array.isArray(type)) return type.find((t) => t !== 'null') as string | undefined
  if (schema.items !== undefined) return 'array'
  return undefined
}

/**
 * A parameter's text as the value its schema describes, so that `?limit=abc` fails as "must be an
 * integer" and `?limit=5` passes: numbers and booleans are read when they look like one, arrays come
 * from repeated parameters or a comma-separated value (OpenAPI's default `form` style).
 */
export function coerceParameter(raw: readonly string[], schema: JsonSchema): unknown {
  const type = wantedType(schema)
  if (type === 'array') {
    const values = raw.length === 1 ? raw[0]!.split(',') : raw
    const items = (schema.items ?? {}) as JsonSchema
    return values.map((value) => coerceText(value, items))
  }
  return coerceText(raw[0]!, schema)
}

/** One text value as its schema's type when it reads as one (left as text otherwise, for the validator). */
export function coerceText(value: string, schema: JsonSchema): unknown {
  const type = wantedType(schema)
  if ((type === 'integer' || type === 'number') && value.trim() !== '' && Number.isFinite(Number(value)))
    return Number(value)
  if (type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true'
  if (value === 'null' && Array.isArray(schema.type) && schema.type.includes('null')) return null
  if ((type === 'object' || type === 'array') && /^[[{]/.test(value.trim())) {
    try {
      return parseJsonBody(value)
    } catch (error) {
      // nested past the limit or holding a number too large: refused like such a JSON body (400)
      if (error instanceof RestmockError && error.code === 'invalid_body') throw error
      return value
    }
  }
  return value
}

/** A form body (every value text) with each property read as its schema's type. */
export function coerceProperties(value: unknown, schema: JsonSchema): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>
  const result: Record<string, unknown> = {}
  for (const [key, text] of Object.entries(value)) {
    const property = properties[key]
    result[key] = property === undefined || typeof text !== 'string' ? text : coerceProperty(text, property)
  }
  return result
}

function coerceProperty(text: string, schema: JsonSchema): unknown {
  return wantedType(schema) === 'array' ? coerceParameter([text], schema) : coerceText(text, schema)
}
