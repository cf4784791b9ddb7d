import { didYouMean } from '../did-you-mean.ts'
import { RestmockError } from '../errors.ts'

/** A 400 `invalid_query` whose detail names the parameter (with its value) and what is wrong with it. */
export function invalidQuery(param: string, value: string | undefined, problem: string): RestmockError {
  const shown = value === undefined ? param : `${param}=${value}`
  return new RestmockError('invalid_query', `query parameter "${shown}": ${problem}`)
}

/** "unknown field "tittle" (did you mean "title"?); allowed: id, title, views" */
export function unknownName(what: string, name: string, allowed: readonly string[]): string {
  const list = allowed.length === 0 ? 'none' : allowed.join(', ')
  return `unknown ${what} "${name}"${didYouMean(name, allowed)}; allowed: ${list}`
}
