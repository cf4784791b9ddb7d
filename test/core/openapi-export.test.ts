import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { parseYamlOrJson } from '../../src/core/manifest/parse-text.ts'
import { validateManifest } from '../../src/core/manifest/validate-manifest.ts'
import { inferManifest } from '../../src/core/manifest/zero-config.ts'
import {
  exportOpenApi,
  type OpenApiExportOptions,
  openApiJson,
} from '../../src/core/openapi/export-document.ts'
import { pascalCase } from '../../src/core/openapi/export-names.ts'

// biome-ignore lint/suspicious/noExplicitAny: walking a JSON document
type Doc = any

function exportOf(yaml: string, options: OpenApiExportOptions = {}): Doc {
  return exportOpenApi(validateManifest(parseYamlOrJson(yaml, 'test.yaml').value), options)
}

const SHOP = `
name: Shop
basePath: /api
seed: 42
locale: de
data: ./shop.data.json
simulate: { latency: 20-120 }
extensions: [./hooks.js]
routes:
  "POST /orders": { errors: { rate: 0.5 } }
  "GET /orders/:id": { latency: 300 }
  "GET /orders/*": { latency: 10 }
resources:
  customers:
    count: 25
    timestamps: true
    simulate: { latency: 50 }
    fields:
      name: { type: string, required: true, minLength: 1, maxLength: 120, faker: person.fullName }
      email: { type: string, format: email, required: true, unique: true, faker: internet.email }
      plan: { type: string, enum: [free, pro], default: free, description: Billing plan }
      nickname: { type: string, nullable: true, pattern: "^[a-z]+$" }
      phone: { type: string, faker: { method: phone.number, args: [{ style: international }] } }
      points: { type: integer, minimum: 0, readOnly: true, default: 0 }
      address:
        type: object
        properties:
          city: { type: string, required: true }
          zip: { type: string, readOnly: true }
      tags: { type: array, maxItems: 5, items: { type: string, enum: [vip, new] } }
      active: { type: boolean, default: true }
  orders:
    id: uuid
    fields:
      customerId: { type: integer, ref: customers, required: true, onDelete: cascade }
      total: { type: number, exclusiveMinimum: 0, required: true }
  order-lines:
    id: string
    additionalFields: true
    fields:
      orderId: { type: string, ref: orders, required: true }
  settings:
    singleton: true
    fields:
      currency: { type: string, enum: [EUR, USD], default: EUR }
`

describe('OpenAPI export: document and routes', () => {
  const doc = exportOf(SHOP)

  test('document level: 3.1, title, fixed version, basePath as the server, manifest keys under x-restmock', () => {
    assert.equal(doc.openapi, '3.1.0')
    assert.equal(doc.info.title, 'Shop')
    assert.equal(doc.info.version, '1.0.0')
    assert.deepEqual(doc.servers, [{ url: '/api' }])
    assert.deepEqual(doc['x-restmock'], {
      seed: 42,
      locale: 'de',
      simulate: { latency: '20-120' },
      // only the route policy that is not an exported operation stays at the top
      routes: { 'GET /orders/*': { latency: 10 } },
      data: './shop.data.json',
      extensions: ['./hooks.js'],
    })
  })

  test('every route kind: collections, items, nested collections of each ref, singletons', () => {
    assert.deepEqual(Object.keys(doc.paths), [
      '/customers',
      '/customers/{id}',
      '/customers/{id}/orders',
      '/orders',
      '/orders/{id}',
      '/orders/{id}/order-lines',
      '/order-lines',
      '/order-lines/{id}',
      '/settings',
    ])
    const methods = (path: string) => Object.keys(doc.paths[path]).filter((key) => key !== 'parameters')
    assert.deepEqual(methods('/customers'), ['get', 'post'])
    assert.deepEqual(methods('/customers/{id}'), ['get', 'put', 'patch', 'delete'])
    assert.deepEqual(methods('/customers/{id}/orders'), ['get', 'post'])
    assert.deepEqual(methods('/settings'), ['get', 'put', 'patch'])
  })

  test('operationIds are stable and readable', () => {
    const ids: string[] = []
    for (const item of Object.values(doc.paths) as Doc[]) {
      for (const [key, operation] of Object.entries(item) as [string, Doc][]) {
        if (key !== 'parameters') ids.push(operation.operationId)
      }
    }
    assert.deepEqual(ids, [
      'listCustomers',
      'createCustomer',
      'getCustomer',
      'replaceCustomer',
      'updateCustomer',
      'deleteCustomer',
      'listOrdersOfCustomer',
      'createOrderOfCustomer',
      'listOrders',
      'createOrder',
      'getOrder',
      'replaceOrder',
      'updateOrder',
      'deleteOrder',
      'listOrderLinesOfOrder',
      'createOrderLineOfOrder',
      'listOrderLines',
      'createOrderLine',
      'getOrderLine',
      'replaceOrderLine',
      'updateOrderLine',
      'deleteOrderLine',
      'getSetting',
      'replaceSetting',
      'updateSetting',
    ])
    assert.deepEqual(exportOf(SHOP), doc, 'the same manifest gives the same document')
  })

  test('item path parameters follow the id strategy', () => {
    assert.deepEqual(doc.paths['/customers/{id}'].parameters[0].schema, { type: 'integer' })
    assert.deepEqual(doc.paths['/orders/{id}'].parameters[0].schema, { type: 'string', format: 'uuid' })
    assert.deepEqual(doc.paths['/order-lines/{id}'].parameters[0].schema, { type: 'string', minLength: 1 })
    // a nested collection's parameter is its parent's id
    assert.deepEqual(doc.paths['/orders/{id}/order-lines'].parameters[0].schema, {
      type: 'string',
      format: 'uuid',
    })
  })

  test('route policies that match an operation land on it', () => {
    assert.deepEqual(doc.paths['/orders'].post['x-restmock'], { simulate: { errors: { rate: 0.5 } } })
    assert.deepEqual(doc.paths['/orders/{id}'].get['x-restmock'], { simulate: { latency: 300 } })
    assert.equal(doc.paths['/orders'].get['x-restmock'], undefined)
  })

  test('a manifest without optional keys has no top-level x-restmock and serves at /', () => {
    const plain = exportOf('resources: { notes: { fields: { text: { type: string } } } }')
    assert.equal(plain['x-restmock'], undefined)
    assert.deepEqual(plain.servers, [{ url: '/' }])
    assert.equal(plain.info.title, 'restmock')
  })
})

describe('OpenAPI export: schemas', () => {
  const doc = exportOf(SHOP)
  const schemas = doc.components.schemas

  test('component names: PascalCase singular, with Input and Patch bodies, and the shared Problem', () => {
    assert.deepEqual(Object.keys(schemas), [
      'Customer',
      'CustomerInput',
      'CustomerPatch',
      'Order',
      'OrderInput',
      'OrderPatch',
      'OrderLine',
      'OrderLineInput',
      'OrderLinePatch',
      'Setting',
      'SettingInput',
      'SettingPatch',
      'Problem',
      'ProblemFieldError',
    ])
  })

  test('the record schema: id, every field, read-only timestamps, resource settings in x-restmock', () => {
    const customer = schemas.Customer
    assert.deepEqual(Object.keys(customer.properties), [
      'id',
      'name',
      'email',
      'plan',
      'nickname',
      'phone',
      'points',
      'address',
      'tags',
      'active',
      'createdAt',
      'updatedAt',
    ])
    assert.deepEqual(customer.required, ['id', 'name', 'email', 'createdAt', 'updatedAt'])
    assert.equal(customer.additionalProperties, false)
    assert.deepEqual(customer.properties.createdAt, { type: 'string', format: 'date-time', readOnly: true })
    assert.deepEqual(customer['x-restmock'], {
      resource: 'customers',
      id: 'integer',
      count: 25,
      timestamps: true,
      simulate: { latency: 50 },
    })
    assert.deepEqual(schemas.Setting['x-restmock'], { resource: 'settings', id: 'integer', singleton: true })
    assert.equal(schemas.Setting.properties.id, undefined, 'a singleton has no id')
    assert.deepEqual(schemas.OrderLine['x-restmock'], {
      resource: 'order-lines',
      id: 'string',
      additionalFields: true,
    })
    assert.equal(schemas.OrderLine.additionalProperties, undefined)
  })

  test('field rules map 1:1; nullable is a type union; the rest is property-level x-restmock', () => {
    const p = schemas.Customer.properties
    assert.deepEqual(p.name, {
      type: 'string',
      minLength: 1,
      maxLength: 120,
      'x-restmock': { faker: 'person.fullName' },
    })
    assert.deepEqual(p.email, {
      type: 'string',
      format: 'email',
      'x-restmock': { faker: 'internet.email', unique: true },
    })
    assert.deepEqual(p.plan, {
      type: 'string',
      enum: ['free', 'pro'],
      default: 'free',
      description: 'Billing plan',
    })
    assert.deepEqual(p.nickname, { type: ['string', 'null'], pattern: '^[a-z]+$' })
    assert.deepEqual(p.phone['x-restmock'], {
      faker: { method: 'phone.number', args: [{ style: 'international' }] },
    })
    assert.deepEqual(p.points, { type: 'integer', minimum: 0, default: 0, readOnly: true })
    assert.deepEqual(p.tags, { type: 'array', maxItems: 5, items: { type: 'string', enum: ['vip', 'new'] } })
    assert.deepEqual(p.address.required, ['city'])
    assert.equal(p.address.additionalProperties, false)
    assert.deepEqual(schemas.Order.properties.customerId, {
      type: 'integer',
      'x-restmock': { ref: 'customers', onDelete: 'cascade' },
    })
    assert.deepEqual(schemas.Order.properties.total, { type: 'number', exclusiveMinimum: 0 })
  })

  test('request bodies: read-only fields only in responses; Input keeps required, Patch requires nothing', () => {
    const input = schemas.CustomerInput
    assert.equal(input['x-restmock'], undefined)
    assert.deepEqual(input.required, ['name', 'email'])
    assert.equal(input.additionalProperties, false)
    for (const hidden of ['id', 'points', 'createdAt', 'updatedAt']) {
      assert.equal(input.properties[hidden], undefined, hidden)
      assert.equal(schemas.CustomerPatch.properties[hidden], undefined, hidden)
    }
    assert.equal(input.properties.address.properties.zip, undefined, 'nested read-only fields too')
    assert.deepEqual(input.properties.address.required, ['city'])
    assert.equal(schemas.CustomerPatch.required, undefined)
    assert.equal(schemas.CustomerPatch.properties.address.required, undefined)
    assert.match(schemas.CustomerPatch.description, /merge patch/)
    const body = doc.paths['/customers'].post.requestBody
    assert.deepEqual(body.content['application/json'].schema, { $ref: '#/components/schemas/CustomerInput' })
    const patch = doc.paths['/customers/{id}'].patch.requestBody.content
    assert.deepEqual(Object.keys(patch), ['application/json', 'application/merge-patch+json'])
    assert.deepEqual(patch['application/json'].schema, { $ref: '#/components/schemas/CustomerPatch' })
    assert.deepEqual(doc.paths['/customers/{id}'].put.requestBody.content['application/json'].schema, {
      $ref: '#/components/schemas/CustomerInput',
    })
  })

  test('names: a collision takes the plural; PascalCase of any resource name', () => {
    const both = exportOf('resources: { person: {}, persons: {}, problems: {} }')
    assert.deepEqual(
      Object.keys(both.components.schemas).filter((name) => !/Input|Patch/.test(name)),
      ['Person', 'Persons', 'Problems', 'Problem', 'ProblemFieldError'],
    )
    assert.equal(pascalCase('order-lines'), 'OrderLines')
    assert.equal(pascalCase('customer_notes'), 'CustomerNotes')
    assert.equal(pascalCase('lineItems'), 'LineItems')
  })
})

describe('OpenAPI export: operations', () => {
  const doc = exportOf(SHOP)
  const params = (operation: Doc): string[] =>
    operation.parameters.map((p: Doc) => p.name ?? p.$ref.replace('#/components/parameters/', '#'))

  test('list: equality filters per field, operator filters, search, sort, paging and relations', () => {
    const list = doc.paths['/customers'].get
    assert.deepEqual(params(list), [
      'id',
      'name',
      'email',
      'plan',
      'nickname',
      'phone',
      'points',
      'tags',
      'active',
      'createdAt',
      'updatedAt',
      '#CustomerFilters',
      '#q',
      '#sort',
      '#order',
      '#page',
      '#limit',
      '#perPage',
      '#start',
      '#end',
      '#where',
      '_embed',
      '_fields',
    ])
    const plan = list.parameters.find((p: Doc) => p.name === 'plan')
    assert.deepEqual(plan.schema, { type: 'array', items: { type: 'string', enum: ['free', 'pro'] } })
    assert.equal(plan.explode, true)
    const embed = list.parameters.find((p: Doc) => p.name === '_embed')
    assert.deepEqual(embed.schema.items.enum, ['orders'])
    const orders = doc.paths['/orders'].get.parameters
    const expand = orders.find((p: Doc) => p.name === '_expand')
    assert.deepEqual(expand.schema.items.enum, ['customer'])

    const filters = doc.components.parameters.CustomerFilters
    assert.equal(filters.name, '_filters')
    assert.equal(filters.style, 'form')
    assert.equal(filters.explode, true)
    const names = Object.keys(filters.schema.properties)
    for (const name of [
      'name_gte',
      'name:gte',
      'name_like',
      'name:contains',
      'name:in',
      'address.city',
      'address.city_ne',
    ]) {
      assert.ok(names.includes(name), name)
    }
    assert.ok(!names.includes('active_gte'), 'no ordering operators on booleans')
    assert.ok(!names.includes('active:contains'), 'text operators only on strings')
    assert.ok(!names.includes('points:startsWith'))
    assert.deepEqual(filters.schema.properties.points_gte, { type: 'integer' })
    assert.equal(filters.schema.additionalProperties, false)
    for (const name of ['q', 'sort', 'order', 'page', 'limit', 'perPage', 'start', 'end', 'where']) {
      assert.equal(doc.components.parameters[name].in, 'query', name)
    }
    assert.equal(doc.components.parameters.perPage.name, '_per_page')
  })

  test('list answers: array or page envelope, X-Total-Count and Link; 400 for a bad query', () => {
    const list = doc.paths['/customers'].get
    const ok = list.responses['200']
    assert.deepEqual(Object.keys(ok.headers), ['X-Total-Count', 'Link'])
    const [array, envelope] = ok.content['application/json'].schema.oneOf
    assert.deepEqual(array, { type: 'array', items: { $ref: '#/components/schemas/Customer' } })
    assert.deepEqual(envelope.required, ['first', 'prev', 'next', 'last', 'pages', 'items', 'data'])
    assert.deepEqual(Object.keys(list.responses), ['200', '400', 'default'])
  })

  test('headers and conditional requests where the routes honour them', () => {
    const post = doc.paths['/customers'].post
    assert.deepEqual(Object.keys(post.responses['201'].headers), ['ETag', 'Location'])
    assert.deepEqual(params(post), ['#prefer', '#idempotencyKey'])
    const item = doc.paths['/customers/{id}']
    assert.deepEqual(Object.keys(item.get.responses['200'].headers), ['ETag'])
    assert.deepEqual(item.get.responses['304'], { $ref: '#/components/responses/NotModified' })
    assert.ok(params(item.get).includes('#ifNoneMatch'))
    for (const method of ['put', 'patch', 'delete'])
      assert.ok(params(item[method]).includes('#ifMatch'), method)
    assert.ok(params(doc.paths['/settings'].put).includes('#ifMatch'))
    assert.equal(doc.components.parameters.ifMatch.name, 'If-Match')
    assert.equal(doc.components.parameters.ifMatch.in, 'header')
    assert.deepEqual(Object.keys(doc.components.headers), [
      'X-Total-Count',
      'Link',
      'ETag',
      'Location',
      'Preference-Applied',
    ])
  })

  test('every error is problem+json referencing the shared Problem schema', () => {
    const item = doc.paths['/customers/{id}']
    assert.deepEqual(Object.keys(item.put.responses), [
      '200',
      '204',
      '400',
      '404',
      '409',
      '412',
      '413',
      '415',
      '422',
      'default',
    ])
    assert.deepEqual(Object.keys(item.delete.responses), ['200', '204', '404', '409', '412', 'default'])
    assert.deepEqual(Object.keys(doc.paths['/customers'].post.responses), [
      '201',
      '204',
      '400',
      '409',
      '413',
      '415',
      '422',
      'default',
    ])
    assert.deepEqual(Object.keys(doc.paths['/customers/{id}/orders'].post.responses), [
      '201',
      '204',
      '400',
      '404',
      '409',
      '413',
      '415',
      '422',
      'default',
    ])
    for (const [name, response] of Object.entries(doc.components.responses) as [string, Doc][]) {
      if (name === 'NotModified') continue
      assert.deepEqual(response.content, {
        'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } },
      })
    }
    assert.deepEqual(doc.components.schemas.Problem.required, ['type', 'title', 'status', 'code', 'detail'])
  })

  test('the admin API only when asked, on its own server', () => {
    assert.ok(!Object.keys(doc.paths).some((path) => path.startsWith('/__restmock')))
    const admin = exportOf(SHOP, { includeAdmin: true })
    assert.deepEqual(admin.paths['/__restmock/reset'].servers, [{ url: '/' }])
    assert.equal(admin.paths['/__restmock/openapi.json'].get.operationId, 'adminOpenApi')
    assert.ok(admin.paths['/__restmock/faults/{id}'].delete)
    assert.equal(admin.tags.at(-1).name, 'admin')
  })
})

describe('OpenAPI export: zero-config data', () => {
  const doc: Doc = exportOpenApi(
    inferManifest(
      { posts: [{ id: 1, title: 'a' }], comments: [{ id: 'c1', postId: 1 }], profile: { name: 'x' } },
      'db.json',
    ),
  )

  test('resources without fields are open objects; inferred relations nest', () => {
    assert.deepEqual(doc.components.schemas.Post, {
      type: 'object',
      properties: { id: { type: 'integer' } },
      required: ['id'],
      'x-restmock': { resource: 'posts', id: 'integer' },
    })
    assert.deepEqual(doc.components.schemas.CommentInput, { type: 'object' })
    assert.deepEqual(doc.components.schemas.Profile.properties, {})
    assert.ok(doc.paths['/posts/{id}/comments'])
    assert.deepEqual(doc.servers, [{ url: '/' }])
  })

  test('any filter is accepted; DELETE answers the deleted record', () => {
    const filters = doc.components.parameters.PostFilters
    assert.deepEqual(filters.schema, { type: 'object', additionalProperties: { type: 'string' } })
    const list = doc.paths['/posts'].get.parameters.map((p: Doc) => p.name ?? p.$ref)
    assert.ok(list.includes('_embed') && list.includes('_expand'))
    assert.match(doc.paths['/posts/{id}'].delete.responses['200'].description, /deleted/)
    assert.deepEqual(Object.keys(doc.paths['/posts'].post.responses), [
      '201',
      '204',
      '400',
      '409',
      '413',
      '415',
      '422',
      'default',
    ])
    assert.deepEqual(Object.keys(doc.paths['/posts/{id}'].put.responses), [
      '200',
      '204',
      '400',
      '404',
      '409',
      '412',
      '413',
      '415',
      'default',
    ])
  })

  test('the JSON text is indented and ends with a newline', () => {
    const text = openApiJson(doc)
    assert.ok(text.startsWith('{\n  "openapi": "3.1.0"'))
    assert.ok(text.endsWith('}\n'))
  })
})

test('a primary key named by idField is the record property, the filter and x-restmock.idField', () => {
  const doc = exportOf(`
resources:
  users:
    idField: _id
    id: uuid
    fields:
      name: { type: string, required: true }
`)
  const schema = doc.components.schemas.User
  assert.deepEqual(schema.properties._id, { type: 'string', format: 'uuid' })
  assert.equal(schema.properties.id, undefined)
  assert.deepEqual(schema.required, ['_id', 'name'])
  assert.deepEqual(schema['x-restmock'], { resource: 'users', id: 'uuid', idField: '_id' })
  const filters = doc.components.parameters.UserFilters.schema.properties
  assert.ok(
    '_id' in filters || Object.keys(filters).some((key) => key.startsWith('_id')),
    Object.keys(filters).join(),
  )
})
