import { existsSync } from 'node:fs'
import { UsageError } from './output.ts'

const DEFAULT_SOURCES = ['restmock.yaml', 'restmock.yml', 'restmock.json', 'db.json'] as const

/** The source given, or the first of restmock.yaml|.yml|.json, db.json in the working directory. */
export function findSource(given: string | undefined): string {
  if (given !== undefined) return given
  const found = DEFAULT_SOURCES.find((name) => existsSync(name))
  if (found !== undefined) return found
  throw new UsageError(
    `no source given and none of ${DEFAULT_SOURCES.join(', ')} is in this folder.\n` +
      '  Try: restmock seeds/restmock.yaml   or   restmock db.json   (restmock --help for more)',
  )
}
