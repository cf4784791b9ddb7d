import type { Issue } from '../manifest/model.ts'
import { isPlainObject, type PlainObject } from '../manifest/reporter.ts'
import { pointerToken } from './document-refs.ts'

const TYPES = ['string', 'integer', 'number', 'boolean', 'object', 'array', 'null']
const LIMIT = 20

/**
 * Schema objects a reader would choke on, located by JSON pointer: an unknown `type`, `properties` that
 * is not an object, `required` that is not a list of names, `items` that is not a schema. Walks the
 * component schemas and every `schema` under paths and components.
 */
export function schemaIssues(document: PlainObject): Issue[] {
  const issues: Issue[] = []
  const seen = new WeakSet<object>()
  const checkSchema = (schema: unknown, pointer: string, depth: number): void => {
    if (issues.length >= LIMIT || depth > 64 || !isPlainObject(schema) || seen.has(schema)) return
    seen.add(schema)
    if (typeof schema.$ref === 'string') return
    const type = schema.type
    const types =
      typeof type === 'string' ? [type] : Array.isArray(type) ? type : type === undefined ? [] : [type]
    for (const value of types) {
      if (typeof value !== 'string' || !TYPES.includes(value))
        issues.push({
          path: `${pointer}/type`,
          message: `${JSON.stringify(value)} is not a schema type; use one of ${TYPES.join(', ')}`,
        })
    }
    if (schema.properties !== undefined && !isPlainObject(schema.properties))
      issues.push({
        path: `${pointer}/properties`,
        message: 'must be an object mapping property names to schemas',
      })
    if (schema.required !== undefined && typeof schema.required !== 'boolean') {
      if (!Array.isArray(schema.required) || schema.required.some((name) => typeof name !== 'string'))
        issues.push({
          path: `${pointer}/required`,
          message: 'must be a list of property names, such as [name, email]',
        })
    }
    if (typeof schema.pattern === 'string' && !validPattern(schema.pattern))
      issues.push({
        path: `${pointer}/pattern`,
        message: `${JSON.stringify(schema.pattern)} is not a valid regular expression`,
      })
    if (schema.items !== undefined && !isPlainObject(schema.items) && typeof schema.items !== 'boolean')
      issues.push({ path: `${pointer}/items`, message: 'must be a schema object describing each item' })
    if (isPlainObject(schema.properties))
      for (const [name, value] of Object.entries(schema.properties))
        checkSchema(value, `${pointer}/properties/${pointerToken(name)}`, depth + 1)
    if (isPlainObject(schema.items)) checkSchema(schema.items, `${pointer}/items`, depth + 1)
    if (isPlainObject(schema.additionalProperties))
      checkSchema(schema.additionalProperties, `${pointer}/additionalProperties`, depth + 1)
    for (const key of ['allOf', 'oneOf', 'anyOf'] as const)
      if (Array.isArray(schema[key]))
        for (const [index, part] of schema[key].entries())
          checkSchema(part, `${pointer}/${key}/${index}`, depth + 1)
  }
  const walk = (node: unknown, pointer: string, depth: number): void => {
    if (issues.length >= LIMIT || depth > 64) return
    if (Array.isArray(node)) {
      for (const [index, item] of node.entries()) walk(item, `${pointer}/${index}`, depth + 1)
      return
    }
    if (!isPlainObject(node)) return
    for (const [key, value] of Object.entries(node)) {
      if (key === 'example' || key === 'examples' || key.startsWith('x-')) continue
      const at = `${pointer}/${pointerToken(key)}`
      if (key === 'schema') checkSchema(value, at, depth + 1)
      else walk(value, at, depth + 1)
    }
  }
  const components = isPlainObject(document.components) ? document.components : {}
  if (isPlainObject(components.schemas))
    for (const [name, schema] of Object.entries(components.schemas))
      checkSchema(schema, `#/components/schemas/${pointerToken(name)}`, 0)
  walk(document.paths, '#/paths', 0)
  walk(components, '#/components', 0)
  return issues
}

function validPattern(pattern: string): boolean {
  try {
    new RegExp(pattern, 'u')
    return true
  } catch {
    return false
  }
}
