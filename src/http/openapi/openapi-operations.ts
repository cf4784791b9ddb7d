import type { Context, Hono } from 'hono'
import { type FieldError, RestmockError } from '../../core/errors.ts'
import { decodeUtf8, parseJsonBody } from '../../core/json-text.ts'
import type { OpenApiRoutes } from '../../core/openapi/import-document.ts'
import type { JsonSchema } from '../../core/openapi/import-schema.ts'
import type { ParameterRule, StatelessOperation } from '../../core/openapi/stateless-operations.ts'
import { compileValidator, type RecordValidator } from '../../core/schema.ts'
import { formKind, readBodyBytes, readFormObject } from '../body.ts'
import { optionsHeaders } from '../cors.ts'
import { type Responder, rewriteLinkHeaders } from '../reply.ts'
import { rememberBody, requestHeader } from '../request.ts'
import { coerceParameter, coerceProperties } from './parameter-values.ts'
import { checkCredentials, registerSecurityGuards } from './security-guard.ts'

export interface OpenApiRouteOptions {
  routes: OpenApiRoutes
  basePath: string
  bodyLimit: number
  responder: Responder
  /** hands a request on to the resource routes (a document path the engine serves under another path) */
  forward: (request: Request, env: unknown) => Response | Promise<Response>
  /** the auth simulation's verdict on a request that needs `scopes` (present when the manifest has auth) */
  authCheck?: (
    request: Request,
    env: unknown,
    scopes: readonly string[],
  ) => Promise<RestmockError | undefined>
}

interface CompiledParameter {
  rule: ParameterRule
  validate: RecordValidator
}

/** Compiled on first use: a large document's thousand operations would otherwise cost seconds at startup. */
function lazyValidator(schema: JsonSchema): RecordValidator {
  let validate: RecordValidator | undefined
  return (value) => {
    validate ??= compileValidator(schema)
    return validate(value)
  }
}

/**
 * The operations of an OpenAPI document that the engine does not serve, registered before the resource
 * routes (so `/pet/findByStatus` wins over `/pet/:id`): parameters and body validated against the
 * operation (400 / 422 problems), then the operation's answer. Collection paths the engine serves under
 * its own name (`/store/order` -> `/order`) are forwarded to it.
 */
export function registerOpenApiRoutes(app: Hono, options: OpenApiRouteOptions): void {
  const { basePath, responder } = options
  registerSecurityGuards(app, options.routes.guards, basePath)
  // one Hono route per first path segment, not one per operation: a document with a thousand operations
  // would otherwise slow the router down for every request, resource routes included
  const groups = new Map<string, Matcher[]>()
  for (const operation of options.routes.operations) {
    const first = operation.path.split('/').find((segment) => segment !== '')
    const key = first === undefined || first.includes('{') ? basePath : `${basePath}/${first}`
    let group = groups.get(key)
    if (group === undefined) {
      group = []
      groups.set(key, group)
    }
    group.push({
      method: operation.method,
      pattern: pathPattern(`${basePath}${operation.path}`),
      handle: operationHandler(operation, options),
    })
  }
  for (const [key, matchers] of groups) {
    const handler = async (c: Context, next: () => Promise<void>): Promise<Response | undefined> => {
      const path = c.req.path.length > 1 ? c.req.path.replace(/\/+$/, '') : c.req.path
      const method = c.req.method === 'HEAD' ? 'GET' : c.req.method
      let allow: string[] | undefined
      for (const matcher of matchers) {
        const match = matcher.pattern.exec(path)
        if (match === null) continue
        if (matcher.method === method) return matcher.handle(c, match.slice(1).map(safeDecode))
        allow ??= []
        allow.push(matcher.method)
      }
      if (allow !== undefined && method === 'OPTIONS') {
        const header = [...allow, 'OPTIONS'].join(', ')
        return responder.empty(c, 204, optionsHeaders(header, c, responder.grantsPreflight(c)))
      }
      await next()
      return undefined
    }
    app.all(key === '' ? '/' : key, handler)
    app.all(`${key}/*`, handler)
  }
  for (const { from, to } of options.routes.aliases) {
    const forward = async (c: Context) => {
      const url = new URL(c.req.url)
      url.pathname = `${basePath}${to}${url.pathname.slice(basePath.length + from.length)}`
      const response = await options.forward(new Request(url, c.req.raw), c.env)
      return underDocumentPath(response, `${basePath}${to}`, `${basePath}${from}`)
    }
    app.all(`${basePath}${from}`, forward)
    app.all(`${basePath}${from}/*`, forward)
  }
}

interface Matcher {
  method: string
  pattern: RegExp
  /** answers the operation; `params` are the path parameters in template order */
  handle: (c: Context, params: string[]) => Promise<Response>
}

/** `/pet/{petId}` as `^/pet/([^/]+)$`: parameters capture one segment (or part of one). */
function pathPattern(path: string): RegExp {
  const source = path
    .split(/(\{[^}]+\})/)
    .map((part) => (/^\{[^}]+\}$/.test(part) ? '([^/]+)' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('')
  return new RegExp(`^${source.length > 1 ? source.replace(/\/+$/, '') : source}$`)
}

/** The parameter names of a path template, in order. */
function templateNames(path: string): string[] {
  return [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]!)
}

function operationHandler(
  operation: StatelessOperation,
  options: OpenApiRouteOptions,
): (c: Context, params: string[]) => Promise<Response> {
  const names = templateNames(operation.path)
  const parameters: CompiledParameter[] = operation.parameters.map((rule) => ({
    rule,
    validate: lazyValidator(rule.schema),
  }))
  const bodySchema = operation.body?.schema
  const validateBody = bodySchema === undefined ? undefined : lazyValidator(bodySchema)
  const { answer } = operation
  let text = answer.body === undefined ? undefined : bodyText(answer.body, answer.contentType)
  const generate = operation.answerSchema === undefined ? undefined : options.routes.generate
  let generated = false
  return async (c, params) => {
    if (operation.authScopes !== undefined && options.authCheck !== undefined) {
      const refused = await options.authCheck(c.req.raw, c.env, operation.authScopes)
      if (refused !== undefined) throw refused
    } else checkCredentials(c, operation.security)
    checkParameters(c, parameters, names, params)
    if (operation.body !== undefined) {
      const body = await readBody(c, operation, options.bodyLimit)
      if (body === undefined) {
        if (operation.body.required)
          throw new RestmockError(
            'invalid_body',
            `${operation.method} ${operation.path} needs a request body`,
          )
      } else if (validateBody !== undefined && bodySchema !== undefined && body.value !== undefined) {
        const errors = validateBody(body.form ? coerceProperties(body.value, bodySchema) : body.value)
        if (errors.length > 0)
          throw new RestmockError('validation_failed', describeErrors(errors, 'field'), { errors })
      }
    }
    if (text === undefined && generate !== undefined && !generated) {
      generated = true
      const body = generate(operation)
      if (body !== undefined) text = bodyText(body, answer.contentType)
    }
    if (text === undefined)
      return answer.status === 204
        ? options.responder.empty(c, 204)
        : emptyWithStatus(c, answer.status, options.responder)
    const headers =
      answer.contentType === undefined ? undefined : { 'content-type': contentTypeHeader(answer.contentType) }
    return options.responder.json(c, answer.status, text, headers)
  }
}

function emptyWithStatus(c: Context, status: number, responder: Responder): Response {
  return new Response(null, { status, headers: { ...responder.cors(c) } })
}

function contentTypeHeader(type: string): string {
  return /json/i.test(type) ? `${type}; charset=utf-8` : type
}

function bodyText(body: unknown, contentType: string | undefined): string {
  if (typeof body === 'string' && contentType !== undefined && !/json/i.test(contentType)) return body
  return JSON.stringify(body)
}

function checkParameters(
  c: Context,
  parameters: readonly CompiledParameter[],
  names: readonly string[],
  params: readonly string[],
): void {
  const errors: FieldError[] = []
  let queryOnly = true
  const url = new URL(c.req.url)
  for (const { rule, validate } of parameters) {
    let raw: string[]
    if (rule.in === 'path') {
      const index = names.indexOf(rule.name)
      const value = index === -1 ? undefined : params[index]
      raw = value === undefined ? [] : [value]
    } else if (rule.in === 'query') raw = url.searchParams.getAll(rule.name)
    else {
      const value = requestHeader(c, rule.name)
      raw = value === undefined ? [] : [value]
    }
    const problem = (detail: string) => {
      errors.push({
        pointer: `/${rule.in}/${rule.name}`,
        detail: `${rule.in} parameter "${rule.name}" ${detail}`,
      })
      if (rule.in !== 'query') queryOnly = false
    }
    if (raw.length === 0) {
      if (rule.required) problem('is required')
      continue
    }
    for (const error of validate(coerceParameter(raw, rule.schema))) problem(error.detail)
  }
  if (errors.length > 0) {
    throw new RestmockError(
      queryOnly ? 'invalid_query' : 'bad_request',
      describeErrors(errors, 'parameter'),
      { errors },
    )
  }
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value)
  } catch {
    return value
  }
}

function describeErrors(errors: readonly FieldError[], noun: string): string {
  return errors.length === 1 ? errors[0]!.detail : `${errors.length} ${noun}s are invalid`
}

const FORM = /^application\/x-www-form-urlencoded$/i
const MULTIPART = /^multipart\/form-data$/i
const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json$/i

/** The request body as the operation declares it: JSON, or a form read as an object; undefined when empty. */
async function readBody(
  c: Context,
  operation: StatelessOperation,
  limit: number,
): Promise<{ value: unknown; form: boolean } | undefined> {
  const declared = operation.body!.mediaTypes
  const contentType = requestHeader(c, 'content-type')
  const length = Number(requestHeader(c, 'content-length') ?? Number.NaN)
  if (contentType === undefined && (length === 0 || c.req.raw.body === null)) return undefined
  const mediaType = (contentType ?? '').split(';', 1)[0]!.trim()
  const accepts = (pattern: RegExp) => declared.some((type) => pattern.test(type) || type === '*/*')
  if (JSON_TYPE.test(mediaType) && (accepts(JSON_TYPE) || declared.length === 0)) {
    const text = decodeUtf8(await readBodyBytes(c, limit))
    if (text.trim() === '') return undefined
    const value = parseJsonBody(text)
    rememberBody(c.req.raw, value)
    return { value, form: false }
  }
  const kind = formKind(c)
  if ((kind === 'urlencoded' && accepts(FORM)) || (kind === 'multipart' && accepts(MULTIPART)))
    return { value: await readFormObject(c, kind, limit), form: true }
  if (declared.some((type) => type.split(';', 1)[0]!.trim().toLowerCase() === mediaType.toLowerCase())) {
    // declared but not JSON or a form (XML, an octet stream): accepted as it is, not validated
    await readBodyBytes(c, limit)
    return { value: undefined, form: false }
  }
  throw new RestmockError(
    'unsupported_media_type',
    `send the body as ${declared.join(' or ')} (got ${contentType === undefined ? 'no Content-Type' : `"${contentType}"`})`,
  )
}

/** The answer of a resource reached by its document path: `Location` and `Link` name that path too. */
function underDocumentPath(response: Response, enginePath: string, documentPath: string): Response {
  rewriteLinkHeaders(response, (_name, value) => value.split(enginePath).join(documentPath))
  return response
}
