import type { Context } from 'hono'

export const JSON_TYPE = 'application/json; charset=utf-8'

/** A JSON response from already serialized text (each record is serialized once per request). */
export function jsonText(
  c: Context,
  status: 200 | 201,
  text: string,
  headers?: Record<string, string>,
): Response {
  c.header('content-type', JSON_TYPE)
  if (headers !== undefined) for (const [name, value] of Object.entries(headers)) c.header(name, value)
  return c.body(text, status)
}

export function noContent(c: Context, headers?: Record<string, string>): Response {
  if (headers !== undefined) for (const [name, value] of Object.entries(headers)) c.header(name, value)
  return c.body(null, 204)
}
