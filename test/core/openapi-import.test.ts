import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, test } from 'node:test'
import { ConfigError } from '../../src/core/errors.ts'
import { parseYamlOrJson } from '../../src/core/manifest/parse-text.ts'
import { isPlainObject, type PlainObject } from '../../src/core/manifest/reporter.ts'
import { validateManifest } from '../../src/core/manifest/validate-manifest.ts'
import { DocumentRefs } from '../../src/core/openapi/document-refs.ts'
import { basePathOf, importOpenApi, openApiRoutes } from '../../src/core/openapi/import-document.ts'
import { resourceNamed } from '../../src/core/openapi/import-resources.ts'

const FIXTURES = new URL('../fixtures/openapi/', import.meta.url)

function document(name: string): PlainObject {
  const value = parseYamlOrJson(readFileSync(new URL(name, FIXTURES), 'utf8'), name).value
  assert.ok(isPlainObject(value))
  return value
}

function fieldsOf(manifest: PlainObject, resource: string): Record<string, PlainObject> {
  const resources = manifest.resources as Record<string, PlainObject>
  return resources[resource]!.fields as Record<string, PlainObject>
}

describe('OpenAPI import: Petstore 3.0', () => {
  const imported = importOpenApi(document('petstore.yaml'), 'petstore.yaml')

  test('CRUD-shaped paths become resources, with basePath from the first server', () => {
    assert.deepEqual(Object.keys(imported.manifest.resources as object), ['pet', 'order', 'user'])
    assert.equal(imported.manifest.basePath, '/api/v3')
    assert.equal(imported.manifest.name, 'Swagger Petstore - OpenAPI 3.0')
  })

  test('fields keep types, required, enums and nested objects; the id is not a field', () => {
    const pet = fieldsOf(imported.manifest, 'pet')
    assert.equal(pet.id, undefined)
    assert.deepEqual(pet.name, { type: 'string', required: true })
    assert.deepEqual(pet.status?.enum, ['available', 'pending', 'sold'])
    assert.equal(pet.category?.type, 'object')
    assert.deepEqual(pet.photoUrls, { type: 'array', required: true, items: { type: 'string' } })
  })

  test('petId and orderId path parameters address the `id`; username is the key of users (idField)', () => {
    const [pet, order, user] = imported.resources
    assert.equal(pet!.idProperty, 'id')
    assert.equal(order!.idProperty, 'id')
    assert.equal(user!.idProperty, 'username')
    const resources = imported.manifest.resources as Record<string, PlainObject>
    assert.equal(resources.user!.id, 'string')
    assert.equal(resources.user!.idField, 'username')
    assert.equal(resources.pet!.idField, undefined)
    // the document's numeric `id` of a user stays an ordinary field
    assert.equal(fieldsOf(imported.manifest, 'user').id?.type, 'integer')
    assert.equal(imported.data.user?.[0]?.username, 'theUser')
  })

  test('an xxxId property naming a resource becomes a ref', () => {
    assert.equal(fieldsOf(imported.manifest, 'order').petId?.ref, 'pet')
  })

  test('the security schemes become an auth block with demo credentials, and resource rules', () => {
    const auth = imported.manifest.auth as PlainObject
    const every = ['write:pets', 'read:pets']
    assert.deepEqual(auth.apiKeys, { header: 'api_key', keys: { 'demo-api-key': { scopes: every } } })
    assert.deepEqual(auth.bearer, { tokens: { 'demo-token': { scopes: every } } })
    assert.deepEqual(auth.clients, { 'demo-client': { secret: 'demo-secret', scopes: every } })
    assert.deepEqual(auth.users, { demo: { password: 'demo', scopes: every } })
    const resources = imported.manifest.resources as Record<string, PlainObject>
    // addPet and updatePet ask for petstore_auth with both scopes; reading a pet asks nothing
    assert.deepEqual(resources.pet!.auth, { write: ['write:pets', 'read:pets'] })
  })

  test('the manifest passes the manifest validator', () => {
    const manifest = validateManifest(imported.manifest)
    assert.equal(manifest.resources.pet?.id, 'integer')
  })

  test('every other operation is served statelessly, and listed', () => {
    const routes = openApiRoutes(imported, new Set(['pet', 'order', 'user']))
    const stateless = routes.operations.map((o) => `${o.method} ${o.path}`)
    assert.ok(stateless.includes('GET /pet/findByStatus'))
    assert.ok(stateless.includes('POST /pet/{petId}/uploadImage'))
    assert.ok(stateless.includes('PUT /pet'))
    assert.equal(routes.listing.length, 19)
    assert.deepEqual(routes.aliases, [{ from: '/store/order', to: '/order' }])
    const inventory = routes.operations.find((o) => o.path === '/store/inventory')!
    assert.deepEqual(inventory.answer, {
      status: 200,
      body: { available: 7, pending: 2, sold: 11 },
      contentType: 'application/json',
    })
  })
})

describe('OpenAPI import: real-world shapes', () => {
  test('3.1: type [x, "null"] is nullable, uuid path parameters pick uuid ids, nested paths make refs', () => {
    const imported = importOpenApi(document('library-3.1.yaml'), 'library-3.1.yaml')
    assert.equal(imported.manifest.basePath, '/v2')
    const resources = imported.manifest.resources as Record<string, PlainObject>
    assert.equal(resources.authors!.id, 'uuid')
    assert.equal(resources.books!.id, 'integer')
    const author = fieldsOf(imported.manifest, 'authors')
    assert.deepEqual(author.email, { type: 'string', nullable: true, format: 'email' })
    assert.deepEqual(author.born, { type: 'integer', nullable: true, minimum: 1000 })
    const book = fieldsOf(imported.manifest, 'books')
    assert.equal(book.authorId?.ref, 'authors')
    assert.equal(book.isbn?.pattern, '^97[89][0-9]{10}$')
    const covered = imported.resources.find((r) => r.name === 'books')!.covered
    assert.ok(covered.includes('GET /authors/{authorId}/books'))
    validateManifest(imported.manifest)
  })

  test('a $ref to another file, given in memory, says to serve the document from its file', () => {
    assert.throws(
      () => importOpenApi(document('catalog.yaml'), 'catalog.yaml'),
      (error: ConfigError) => /points to another file \(\.\/schemas\/product\.yaml\)/.test(error.format()),
    )
  })

  test('circular schemas terminate (a Category with a parent Category, a Node tree)', () => {
    const catalog = document('catalog.yaml')
    const paths = catalog.paths as PlainObject
    delete paths['/products']
    delete paths['/products/{productId}']
    const imported = importOpenApi(catalog, 'catalog.yaml')
    const category = fieldsOf(imported.manifest, 'categories')
    assert.equal(category.parent?.type, 'object')
    const routes = openApiRoutes(imported, new Set(['categories']))
    const tree = routes.operations.find((o) => o.path === '/tree')!
    assert.equal(tree.answerSchema?.type, 'object')
  })

  test('allOf merges into one resource; oneOf bodies keep their alternatives', () => {
    const imported = importOpenApi(document('shapes.yaml'), 'shapes.yaml')
    const vehicle = fieldsOf(imported.manifest, 'vehicles')
    assert.deepEqual(Object.keys(vehicle), ['name', 'wheels', 'color'])
    assert.equal(vehicle.wheels?.required, true)
    assert.equal(vehicle.wheels?.minimum, 2)
    const routes = openApiRoutes(imported, new Set(['vehicles']))
    const payments = routes.operations.find((o) => o.path === '/payments')!
    assert.equal((payments.body!.schema!.oneOf as unknown[]).length, 2)
  })

  test('x-restmock on schemas and properties names the resource and carries what OpenAPI cannot say', () => {
    const imported = importOpenApi(
      {
        openapi: '3.1.0',
        info: { title: 'CRM', version: '1.0.0' },
        'x-restmock': { seed: 7 },
        paths: {
          '/customers': { post: { requestBody: body('CustomerInput'), responses: { 201: ok('Customer') } } },
          '/customers/{id}': {
            get: { parameters: [idParam], responses: { 200: ok('Customer') } },
            delete: {
              parameters: [idParam],
              'x-restmock': { simulate: { latency: 50 } },
              responses: { 204: { description: 'gone' } },
            },
          },
        },
        components: {
          schemas: {
            Customer: {
              type: 'object',
              'x-restmock': { resource: 'clients', id: 'uuid', count: 3, timestamps: true },
              required: ['email'],
              properties: {
                id: { type: 'string', format: 'uuid', readOnly: true },
                email: {
                  type: 'string',
                  format: 'email',
                  'x-restmock': { unique: true, faker: 'internet.email' },
                },
                createdAt: { type: 'string', format: 'date-time', readOnly: true },
                updatedAt: { type: 'string', format: 'date-time', readOnly: true },
              },
              additionalProperties: false,
            },
            CustomerInput: {
              type: 'object',
              required: ['email'],
              properties: { email: { type: 'string', format: 'email' } },
            },
          },
        },
      },
      'crm.json',
    )
    assert.deepEqual(imported.manifest.seed, 7)
    assert.deepEqual(imported.manifest.routes, { 'DELETE /clients/:id': { latency: 50 } })
    // an exported schema without `count` starts empty, as the manifest it came from
    assert.deepEqual((imported.manifest.resources as Record<string, unknown>).clients, {
      id: 'uuid',
      count: 3,
      timestamps: true,
      fields: {
        email: { type: 'string', required: true, format: 'email', unique: true, faker: 'internet.email' },
      },
    })
  })

  test('pointers are read as leniently as Redocly reads them (unencoded {} in a path key)', () => {
    const refs = new DocumentRefs(document('catalog.yaml'))
    const target = refs.at('#/paths/~1categories~1{categoryId}/get/responses/200')
    assert.equal((target as PlainObject).description, 'one')
    assert.equal(refs.at('#/paths/~1categories~1%7BcategoryId%7D/get/responses/200'), target)
  })

  test('a schema restmock exported keeps its resource without count: it starts empty, as the manifest did', () => {
    const schema = {
      type: 'object',
      description: 'People we sell to',
      'x-restmock': { resource: 'customers', id: 'integer' },
      properties: { id: { type: 'integer', readOnly: true }, name: { type: 'string' } },
      additionalProperties: false,
    }
    const response = { description: 'ok', content: { 'application/json': { schema } } }
    const imported = importOpenApi(
      {
        openapi: '3.1.0',
        info: { title: 'x', version: '1.0.0' },
        paths: {
          '/customers': { get: { responses: { 200: response } } },
          '/customers/{id}': {
            get: { parameters: [{ ...idParam, schema: { type: 'integer' } }], responses: { 200: response } },
          },
        },
      },
      'x.json',
    )
    assert.deepEqual((imported.manifest.resources as Record<string, unknown>).customers, {
      id: 'integer',
      description: 'People we sell to',
      fields: { name: { type: 'string' } },
    })
  })

  test('resource names match xxxId prefixes singular or plural, camel-cased', () => {
    assert.equal(resourceNamed('pet', ['pets', 'owners']), 'pets')
    assert.equal(resourceNamed('specialEvent', ['special-events', 'events']), 'special-events')
    assert.equal(resourceNamed('event', ['special-events']), undefined)
  })

  test('basePath comes from the first server URL, with server variables at their defaults', () => {
    assert.equal(basePathOf([{ url: 'https://x.io/api/v3/' }]), '/api/v3')
    assert.equal(basePathOf([{ url: '/' }]), '')
    assert.equal(basePathOf(undefined), '')
  })
})

describe('OpenAPI import: bad documents', () => {
  const problem = (name: string): ConfigError => {
    try {
      importOpenApi(document(name), name)
    } catch (error) {
      assert.ok(error instanceof ConfigError)
      return error
    }
    assert.fail(`${name} was accepted`)
  }

  test('Swagger 2.0 asks to convert to 3.x, naming a converter', () => {
    const error = problem('swagger2.json')
    assert.match(error.format(), /Swagger 2\.0/)
    assert.match(error.format(), /swagger2openapi/)
  })

  test('an unresolved $ref is located by JSON pointer', () => {
    const error = problem('unresolved-ref.yaml')
    assert.equal(
      error.issues[0]!.path,
      '#/paths/~1pets~1{petId}/get/responses/200/content/application~1json/schema/$ref',
    )
    assert.match(error.issues[0]!.message, /#\/components\/schemas\/Pett does not exist/)
  })

  test('an unknown schema type is located and names the valid ones', () => {
    const error = problem('invalid-schema.yaml')
    assert.match(
      error.issues[0]!.path,
      /~1things\/get\/responses\/200\/content\/application~1json\/schema\/type$/,
    )
    assert.match(error.issues[0]!.message, /"strng" is not a schema type/)
  })

  test('an unsupported version says which ones are served', () => {
    assert.throws(
      () => importOpenApi({ openapi: '4.0.0', info: {}, paths: { '/a': {} } }, 'x.yaml'),
      (error: ConfigError) => /3\.0\.x and 3\.1\.x/.test(error.format()),
    )
  })
})

const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }
function ok(schema: string): PlainObject {
  return {
    description: 'ok',
    content: { 'application/json': { schema: { $ref: `#/components/schemas/${schema}` } } },
  }
}
function body(schema: string): PlainObject {
  return { content: { 'application/json': { schema: { $ref: `#/components/schemas/${schema}` } } } }
}
