import type { FieldDef, Manifest, ResourceDef } from '../../src/core/manifest/model.ts'

/** Test helpers: normalized manifest objects with every default filled in, written compactly. */

export type FieldInput = Partial<Omit<FieldDef, 'faker' | 'items' | 'properties'>> & {
  faker?: string | { method: string; args?: unknown[] }
  items?: FieldInput
  properties?: Record<string, FieldInput>
}

export function field(input: FieldInput): FieldDef {
  const { faker, items, properties, ...rest } = input
  const def: FieldDef = {
    type: 'string',
    required: false,
    nullable: false,
    readOnly: false,
    unique: false,
    ...rest,
  }
  if (faker !== undefined) {
    def.faker =
      typeof faker === 'string'
        ? { method: faker, args: [] }
        : { method: faker.method, args: faker.args ?? [] }
  }
  if (items !== undefined) def.items = field(items)
  if (properties !== undefined) {
    def.properties = Object.fromEntries(
      Object.entries(properties).map(([name, child]) => [name, field(child)]),
    )
  }
  return def
}

type ResourceInput = Partial<Omit<ResourceDef, 'name' | 'fields'>> & { fields?: Record<string, FieldInput> }

export function manifestOf(resources: Record<string, ResourceInput>, seed?: number): Manifest {
  const defs: Record<string, ResourceDef> = {}
  for (const [name, input] of Object.entries(resources)) {
    const { fields, ...rest } = input
    const def: ResourceDef = {
      name,
      singleton: false,
      id: 'integer',
      idField: 'id',
      timestamps: false,
      additionalFields: false,
      ...rest,
    }
    if (fields !== undefined) {
      def.fields = Object.fromEntries(Object.entries(fields).map(([f, value]) => [f, field(value)]))
    }
    defs[name] = def
  }
  const manifest: Manifest = { name: 'test', basePath: '', resources: defs, relations: [], zeroConfig: false }
  if (seed !== undefined) manifest.seed = seed
  return manifest
}

/** The demo manifest in seeds/, through the product's own manifest validation. */
export async function demoManifest(): Promise<Manifest> {
  const { readFile } = await import('node:fs/promises')
  const { parseYamlOrJson } = await import('../../src/core/manifest/parse-text.ts')
  const { validateManifest } = await import('../../src/core/manifest/validate-manifest.ts')
  const text = await readFile(new URL('../../seeds/restmock.yaml', import.meta.url), 'utf8')
  return validateManifest(parseYamlOrJson(text, 'seeds/restmock.yaml').value)
}

export const NOW = new Date('2026-11-20T12:00:00Z')
