import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { createMock, type InProcessMock, type Problem } from '../../src/index.ts'
import { createMockApp, type MockApp } from '../../src/server/build-mock.ts'

export type { Problem }

const fixture = (name: string): string => new URL(`./fixtures/${name}`, import.meta.url).pathname

/** The CRM mock as the internal app, for tests that reach into the engine (fault injection, frozen records). */
export function crmApp(): MockApp {
  return createMockApp({
    manifest: readFileSync(fixture('crm.yaml'), 'utf8'),
    data: JSON.parse(readFileSync(fixture('crm.data.json'), 'utf8')),
  })
}

/** A fresh in-process mock of the test CRM manifest (new state for every call). */
export function crmMock(options: { bodyLimit?: number; cors?: boolean } = {}): InProcessMock {
  return createMock({
    manifest: readFileSync(fixture('crm.yaml'), 'utf8'),
    data: JSON.parse(readFileSync(fixture('crm.data.json'), 'utf8')),
    ...options,
  })
}

export function json(method: string, body: unknown, headers: Record<string, string> = {}): RequestInit {
  return {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  }
}

/** Asserts an RFC 9457 problem response with this status and code, and returns its body. */
export async function expectProblem(response: Response, status: number, code: string): Promise<Problem> {
  assert.equal(response.status, status)
  assert.equal(response.headers.get('content-type'), 'application/problem+json')
  const body = (await response.json()) as Problem
  assert.equal(body.status, status)
  assert.equal(body.code, code)
  assert.equal(body.type, `/__restmock/problems/${code.replaceAll('_', '-')}`)
  assert.equal(typeof body.detail, 'string')
  assert.equal(typeof body.instance, 'string')
  return body
}

export { fixture }
