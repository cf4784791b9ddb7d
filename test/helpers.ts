import { readFileSync } from 'node:fs'
import { createMock, type MockApp } from '../src/index.ts'

const fixture = (name: string): string => new URL(`./fixtures/${name}`, import.meta.url).pathname

/** A fresh in-process mock of the test CRM manifest (new state for every call). */
export function crmMock(options: { bodyLimit?: number; cors?: boolean } = {}): MockApp {
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

export async function problem(
  response: Response,
): Promise<{ status: number; code: string; errors?: unknown }> {
  const body = (await response.json()) as { status: number; code: string; errors?: unknown }
  return body
}

export { fixture }
