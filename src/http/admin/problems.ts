import { RestmockError } from '../../core/errors.ts'
import type { Issue } from '../../core/manifest/types.ts'

/** Admin body problems as a 422 listing each with a JSON pointer, like resource validation. */
export function invalidAdminBody(issues: readonly Issue[]): RestmockError {
  const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`
  return new RestmockError('validation_failed', `the body has ${count}`, {
    errors: issues.map((issue) => ({ pointer: pointerOf(issue.path), detail: issue.message })),
  })
}

/** Dotted location (`errors.status.200`) -> RFC 6901 pointer (`/errors/status/200`). */
export function pointerOf(path: string): string {
  if (path === '') return ''
  return path
    .split('.')
    .map((key) => `/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`)
    .join('')
}
