import { RestmockError } from '../../core/errors.ts'
import type { Issue } from '../../core/manifest/types.ts'

/** Admin body problems as a 422 listing each with a JSON pointer, like resource validation. */
export function invalidAdminBody(issues: readonly Issue[]): RestmockError {
  const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`
  return new RestmockError('validation_failed', `the body has ${count}`, {
    errors: issues.map((issue) => ({ pointer: pointerOf(issue.path), detail: issue.message })),
  })
}

/** Dotted location (`errors.status.200`, `invoices[0].customerId`) -> RFC 6901 pointer (`/invoices/0/customerId`). */
export function pointerOf(path: string): string {
  if (path === '') return ''
  return path
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .map((key) => `/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`)
    .join('')
}
