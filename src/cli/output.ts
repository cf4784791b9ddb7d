import { ConfigError } from '../core/errors.ts'

/** Exit codes: 0 ok, 1 bad config or runtime failure, 2 usage error. */
export const EXIT_OK = 0
export const EXIT_FAILURE = 1
export const EXIT_USAGE = 2

export class UsageError extends Error {}

/** Where a command writes: the process's streams, or a test's collectors. */
export interface CliStreams {
  stdout: NodeJS.WritableStream
  stderr: NodeJS.WritableStream & { isTTY?: boolean }
}

export function processStreams(): CliStreams {
  return { stdout: process.stdout, stderr: process.stderr }
}

/** Print a failure for humans (never a stack trace for expected problems) and return its exit code. */
export function reportFailure(error: unknown, { stderr }: CliStreams = processStreams()): number {
  if (error instanceof UsageError) {
    stderr.write(`restmock: ${error.message}\n`)
    return EXIT_USAGE
  }
  if (error instanceof ConfigError) {
    stderr.write(`restmock: ${error.format()}\n`)
    return EXIT_FAILURE
  }
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  if (code === 'EADDRINUSE') {
    stderr.write('restmock: the port is already in use; choose another with --port (0 picks a free one)\n')
    return EXIT_FAILURE
  }
  if (code === 'EACCES' || code === 'EADDRNOTAVAIL') {
    stderr.write(`restmock: cannot listen there (${code}); check --host and --port\n`)
    return EXIT_FAILURE
  }
  stderr.write(`restmock: ${(error as Error | undefined)?.message ?? String(error)}\n`)
  return EXIT_FAILURE
}
