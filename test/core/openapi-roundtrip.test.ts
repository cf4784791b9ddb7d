import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { parseYamlOrJson } from '../../src/core/manifest/parse-text.ts'
import { validateManifest } from '../../src/core/manifest/validate-manifest.ts'
import { exportOpenApi } from '../../src/core/openapi/export-document.ts'
import { importOpenApi } from '../../src/core/openapi/import-document.ts'
import { loadSource } from '../../src/server/load-source.ts'
import { fixture } from '../support/helpers.ts'

/** manifest -> export -> import -> manifest -> export: the same document, nothing lost on the way. */
function roundTrip(manifest: ReturnType<typeof validateManifest>): void {
  const first = exportOpenApi(manifest)
  const imported = importOpenApi(structuredClone(first), 'exported.json')
  const again = validateManifest(imported.manifest, { source: 'imported' })
  assert.deepEqual(exportOpenApi(again), first)
}

const EVERYTHING = `
name: Everything
basePath: /api
seed: 42
locale: de
simulate: { latency: 20-120 }
routes:
  "POST /orders": { errors: { rate: 0.5 } }
  "GET /orders/*": { latency: 10 }
resources:
  customers:
    count: 25
    timestamps: true
    simulate: { latency: 50 }
    fields:
      firstName: { type: string, required: true, minLength: 1, maxLength: 60, faker: person.firstName }
      lastName: { type: string, required: true, faker: person.lastName }
      email: { type: string, format: email, required: true, unique: true, from: [firstName, lastName] }
      handle: { type: string, unique: { caseInsensitive: true } }
      plan: { type: string, enum: [free, pro], default: free, description: Billing plan }
      nickname: { type: string, nullable: true }
      address:
        type: object
        properties:
          city: { type: string, required: true }
          zip: { type: string, pattern: "^[0-9]{5}$" }
  tags:
    id: string
    fields:
      label: { type: string, required: true }
  orders:
    id: uuid
    additionalFields: true
    fields:
      customerId: { type: integer, ref: customers, required: true, onDelete: cascade }
      tagIds: { type: array, items: { type: string, ref: tags }, maxItems: 3, onDelete: restrict }
      total: { type: number, minimum: 0, exclusiveMaximum: 100000, faker: { method: finance.amount, args: [{ min: 1 }] } }
      placedAt: { type: string, format: date-time }
      shippedAt: { type: string, format: date-time, after: placedAt }
  accounts:
    idField: _id
    fields:
      owner: { type: string, readOnly: true }
  settings:
    singleton: true
    fields:
      theme: { type: string, enum: [light, dark], default: light }
`

describe('the OpenAPI export and import round-trip', () => {
  test('a manifest using every field rule, relation kind and resource setting', () => {
    roundTrip(validateManifest(parseYamlOrJson(EVERYTHING, 'everything.yaml').value))
  })
  for (const source of ['seeds/restmock.yaml', fixture('crm.yaml')]) {
    test(source.split('/').slice(-2).join('/'), () => roundTrip(loadSource(source).manifest))
  }
})
