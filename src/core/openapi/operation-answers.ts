import type { Faker } from '@faker-js/faker'
import { RecordScope } from '../generate/coherence.ts'
import type { GeneratorContext } from '../generate/primitives.ts'
import { compileField } from '../generate/values.ts'
import type { FieldDef } from '../manifest/model.ts'
import { isPlainObject, Reporter } from '../manifest/reporter.ts'
import { validateField } from '../manifest/validate-field.ts'
import { createRandom, deriveSeed, type Random } from '../random.ts'
import { fieldFromSchema } from './import-fields.ts'
import { alternativesOf, type JsonSchema, mergeAllOf } from './import-schema.ts'
import type { StatelessOperation } from './stateless-operations.ts'

const MAX_DEPTH = 6

/**
 * The body of an operation without an example, generated from its response schema: property `example`s
 * where the document gives them, faker values that satisfy the schema elsewhere. Seeded per operation,
 * so the same seed always answers the same body, whichever operation is asked first.
 */
export function generatedAnswer(
  operation: StatelessOperation,
  faker: Faker,
  seed: number,
  now: Date,
): unknown {
  if (operation.answerSchema === undefined) return undefined
  const random = createRandom(deriveSeed(seed, `openapi ${operation.method} ${operation.path}`))
  const context: GeneratorContext = {
    faker,
    random,
    now,
    resourceName: operation.path,
    idsOf: () => [],
    scope: new RecordScope(faker),
  }
  return sample(operation.answerSchema, 'value', context, random, 0)
}

function sample(
  input: JsonSchema,
  name: string,
  context: GeneratorContext,
  random: Random,
  depth: number,
): unknown {
  const schema = mergeAllOf(input)
  if (schema.example !== undefined) return structuredClone(schema.example)
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return structuredClone(schema.examples[0])
  if (schema.const !== undefined) return schema.const
  const alternatives = alternativesOf(schema)
  if (alternatives !== undefined && schema.properties === undefined)
    return sample(alternatives[0]!, name, context, random, depth)
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type
  if ((type === 'object' || isPlainObject(schema.properties)) && Array.isArray(schema.enum) === false) {
    const result: Record<string, unknown> = {}
    if (depth >= MAX_DEPTH) return result
    for (const [key, value] of Object.entries((schema.properties ?? {}) as Record<string, JsonSchema>)) {
      if (value.writeOnly === true) continue
      result[key] = sample(value, key, context, random, depth + 1)
    }
    return result
  }
  if (type === 'array') {
    if (depth >= MAX_DEPTH || !isPlainObject(schema.items)) return []
    const min = typeof schema.minItems === 'number' ? schema.minItems : 1
    const count = Math.max(min, Math.min(2, typeof schema.maxItems === 'number' ? schema.maxItems : 2))
    return Array.from({ length: count }, () =>
      sample(schema.items as JsonSchema, name, context, random, depth + 1),
    )
  }
  return primitive(schema, name, context)
}

function primitive(schema: JsonSchema, name: string, context: GeneratorContext): unknown {
  const raw = fieldFromSchema(schema, true)
  if (raw === undefined) return null
  const reporter = new Reporter()
  const field: FieldDef | undefined = validateField(raw, name, reporter, false)
  if (field === undefined) return null
  // descriptions do not change values; without them, equal fields share one compiled checker
  const { description: _description, ...rules } = field
  try {
    return compileField(name, { ...rules, nullable: false }, name, context)()
  } catch {
    return field.default ?? null
  }
}
