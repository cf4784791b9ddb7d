import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'

/** Post fields, as OpenAPI properties and as manifest fields (the bench's POST body fits both). */
const POST_PROPERTIES = {
  title: { type: 'string', minLength: 1 },
  views: { type: 'integer', minimum: 0 },
  author: { type: 'object', properties: { name: { type: 'string' } } },
  tags: { type: 'array', items: { type: 'string' } },
  published: { type: 'boolean' },
}

/**
 * An OpenAPI 3.1 document of about `targetBytes`: /posts + /posts/{postId} (a resource of `count`
 * generated records, x-restmock count) and enough report operations with sizeable schemas to be
 * a real-world-sized document; plus the manifest declaring the same posts resource.
 */
export async function writeOpenApiFixture(
  dir: string,
  count: number,
  targetBytes = 1024 * 1024,
): Promise<{ document: string; manifest: string; bytes: number; operations: number }> {
  const post = { $ref: '#/components/schemas/Post' }
  const json = (schema: unknown) => ({ description: 'ok', content: { 'application/json': { schema } } })
  const paths: Record<string, unknown> = {
    '/posts': {
      get: { operationId: 'listPosts', responses: { 200: json({ type: 'array', items: post }) } },
      post: {
        operationId: 'createPost',
        requestBody: { required: true, content: { 'application/json': { schema: post } } },
        responses: { 201: json(post) },
      },
    },
    '/posts/{postId}': {
      parameters: [{ name: 'postId', in: 'path', required: true, schema: { type: 'integer' } }],
      get: { operationId: 'getPost', responses: { 200: json(post) } },
      put: {
        operationId: 'replacePost',
        requestBody: { content: { 'application/json': { schema: post } } },
        responses: { 200: json(post) },
      },
      delete: { operationId: 'deletePost', responses: { 204: { description: 'deleted' } } },
    },
  }
  const schemas: Record<string, unknown> = {
    Post: {
      type: 'object',
      'x-restmock': { resource: 'posts', id: 'integer', count },
      required: ['title'],
      properties: { id: { type: 'integer', readOnly: true }, ...POST_PROPERTIES },
    },
  }
  const document = {
    openapi: '3.1.0',
    info: { title: 'Bench API', version: '1.0.0' },
    paths,
    components: { schemas },
  }
  let operations = 5
  for (let i = 0; JSON.stringify(document).length < targetBytes; i++) {
    const properties: Record<string, unknown> = {}
    for (let p = 0; p < 12; p++)
      properties[`metric${p}Value`] = {
        type: p % 3 === 0 ? 'string' : 'number',
        description: `Metric ${p} of report ${i}, as measured at the end of the period`,
        minimum: p % 3 === 0 ? undefined : 0,
      }
    schemas[`Report${i}`] = { type: 'object', required: ['metric1Value'], properties }
    paths[`/reports/r${i}`] = {
      get: {
        operationId: `getReport${i}`,
        parameters: [
          { name: 'period', in: 'query', schema: { type: 'string', enum: ['day', 'week', 'month'] } },
        ],
        responses: {
          200: json({ $ref: `#/components/schemas/Report${i}` }),
          404: { description: 'no such report' },
        },
      },
      post: {
        operationId: `refreshReport${i}`,
        requestBody: {
          content: { 'application/json': { schema: { $ref: `#/components/schemas/Report${i}` } } },
        },
        responses: { 202: { description: 'accepted' } },
      },
    }
    operations += 2
  }
  const text = JSON.stringify(document, null, 1)
  const documentPath = join(dir, 'bench-openapi.json')
  await writeFile(documentPath, text)
  const manifest = {
    name: 'Bench API',
    resources: { posts: { id: 'integer', count, fields: POST_PROPERTIES } },
  }
  const manifestPath = join(dir, 'bench-manifest.json')
  await writeFile(manifestPath, JSON.stringify(manifest, null, 1))
  return { document: documentPath, manifest: manifestPath, bytes: Buffer.byteLength(text), operations }
}
