import { type JsonObject, schemaRef } from './export-schemas.ts'

/** Problem responses by status: components.responses keys and what each means on a resource route. */
const PROBLEMS: Record<string, { name: string; description: string }> = {
  '400': {
    name: 'BadRequest',
    description:
      'Malformed JSON, a body that is not an object, or an invalid query parameter (invalid_query)',
  },
  '401': {
    name: 'Unauthorized',
    description:
      'No credentials, or a token that is unknown, expired, tampered or revoked (unauthenticated); WWW-Authenticate says which',
  },
  '403': {
    name: 'Forbidden',
    description: 'The credentials lack a scope the route needs (forbidden); WWW-Authenticate names it',
  },
  '404': { name: 'NotFound', description: 'No such record or route (not_found)' },
  '409': {
    name: 'Conflict',
    description: 'A unique field or the id is taken, or onDelete: restrict blocks the delete (conflict)',
  },
  '412': {
    name: 'PreconditionFailed',
    description: 'If-Match does not match the current ETag (precondition_failed)',
  },
  '413': { name: 'ContentTooLarge', description: 'The body is over the size limit (payload_too_large)' },
  '415': {
    name: 'UnsupportedMediaType',
    description: 'The body is not sent as JSON (unsupported_media_type)',
  },
  '422': {
    name: 'UnprocessableContent',
    description:
      'The body breaks the field rules; `errors` lists each problem with a JSON pointer (validation_failed)',
  },
}

export type ProblemStatus = keyof typeof PROBLEMS

const AUTH_STATUSES: readonly string[] = ['401', '403']

/** The problem response of a status, by reference. */
export function problem(status: ProblemStatus): JsonObject {
  return { $ref: `#/components/responses/${PROBLEMS[status]!.name}` }
}

/** Any other error, including simulated failures, rate limits and persistence failures. */
export const DEFAULT_PROBLEM: JsonObject = { $ref: '#/components/responses/Error' }

function problemResponse(description: string): JsonObject {
  return { description, content: { 'application/problem+json': { schema: schemaRef('Problem') } } }
}

/** components.responses: every problem response (401 and 403 with auth), and the 304 of a conditional GET. */
export function sharedResponses(auth: boolean): Record<string, JsonObject> {
  const responses: Record<string, JsonObject> = {}
  for (const [status, { name, description }] of Object.entries(PROBLEMS)) {
    if (auth || !AUTH_STATUSES.includes(status)) responses[name] = problemResponse(description)
  }
  responses.Error = problemResponse(
    'Any other error as problem details: simulated failures (500, 502, 503, 504), rate limits (429), a state that could not be written (503)',
  )
  responses.NotModified = {
    description: 'Not Modified: If-None-Match holds the current ETag',
    headers: { ETag: headerRef('ETag') },
  }
  return responses
}

export function headerRef(name: string): JsonObject {
  return { $ref: `#/components/headers/${name}` }
}

/** components.headers: the response headers the resource routes send. */
export function sharedHeaders(): Record<string, JsonObject> {
  return {
    'X-Total-Count': {
      description: 'How many records match, before paging',
      schema: { type: 'integer', minimum: 0 },
    },
    Link: {
      description: 'RFC 8288 links to the first, prev, next and last pages (paged lists only)',
      schema: { type: 'string' },
    },
    ETag: {
      description: "The representation's entity tag, for If-None-Match and If-Match",
      schema: { type: 'string' },
    },
    Location: { description: 'The URL of the created record', schema: { type: 'string' } },
    'Preference-Applied': {
      description: 'The `return` preference that was honoured (RFC 7240)',
      schema: { type: 'string' },
    },
  }
}

/** A JSON answer of `schema`, with these component headers. */
export function jsonResponse(
  description: string,
  schema: JsonObject,
  headers: readonly string[],
): JsonObject {
  const response: JsonObject = { description, content: { 'application/json': { schema } } }
  if (headers.length > 0)
    response.headers = Object.fromEntries(headers.map((name) => [name, headerRef(name)]))
  return response
}

/** The 204 of `Prefer: return=minimal` (or of a DELETE). */
export function noContent(description: string, headers: readonly string[]): JsonObject {
  const response: JsonObject = { description }
  if (headers.length > 0)
    response.headers = Object.fromEntries(headers.map((name) => [name, headerRef(name)]))
  return response
}

/** json-server 1.0's page envelope (`_page` with `_per_page`) around records of `item`. */
export function pageEnvelope(item: JsonObject): JsonObject {
  const pageNumber = { type: 'integer', minimum: 1 }
  const maybePage = { type: ['integer', 'null'], minimum: 1 }
  return {
    type: 'object',
    description: 'The page envelope answered for `_page` with `_per_page`',
    required: ['first', 'prev', 'next', 'last', 'pages', 'items', 'data'],
    properties: {
      first: pageNumber,
      prev: maybePage,
      next: maybePage,
      last: pageNumber,
      pages: pageNumber,
      items: { type: 'integer', minimum: 0, description: 'how many records match' },
      data: { type: 'array', items: item },
    },
  }
}
