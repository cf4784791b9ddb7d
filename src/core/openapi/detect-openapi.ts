import { ConfigError } from '../errors.ts'
import { isPlainObject, type PlainObject } from '../manifest/reporter.ts'

export type OpenApiVersion = '3.0' | '3.1'

/**
 * A parsed document that declares itself OpenAPI or Swagger (its `openapi` or `swagger` key); a manifest
 * naming a document (`openapi: ./api.yaml` beside `resources`) is not one.
 */
export function isOpenApiLike(value: unknown): value is PlainObject {
  return isPlainObject(value) && ('openapi' in value || 'swagger' in value) && !isPlainObject(value.resources)
}

/**
 * The OpenAPI version a document declares, or a ConfigError saying why it cannot be served: Swagger 2.0
 * (convert it first), another OpenAPI version, or a document without paths.
 */
export function openApiVersion(document: PlainObject, source: string): OpenApiVersion {
  if ('swagger' in document && !('openapi' in document)) {
    throw new ConfigError(`${source} is a Swagger ${String(document.swagger)} document`, [
      {
        path: 'swagger',
        message:
          'restmock serves OpenAPI 3.0 and 3.1 documents; convert it first, e.g. `npx swagger2openapi ' +
          `${source} -o openapi.yaml\`, then serve openapi.yaml`,
      },
    ])
  }
  const declared = document.openapi
  const text = typeof declared === 'string' ? declared : String(declared)
  const match = /^3\.([01])(?:\.\d+)?(?:-[\w.]+)?$/.exec(text)
  if (typeof declared !== 'string' || match === null) {
    throw new ConfigError(`${source} declares an OpenAPI version restmock cannot serve`, [
      {
        path: 'openapi',
        message: `is ${JSON.stringify(declared)}; restmock serves OpenAPI 3.0.x and 3.1.x (write it as a string such as "3.1.0")`,
      },
    ])
  }
  if (!isPlainObject(document.paths) || Object.keys(document.paths).length === 0) {
    throw new ConfigError(`${source} has no operations to serve`, [
      { path: 'paths', message: 'declare at least one path with an operation (GET, POST, ...)' },
    ])
  }
  return match[1] === '0' ? '3.0' : '3.1'
}
