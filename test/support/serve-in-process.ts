import { after } from 'node:test'
import yargs from 'yargs'
import { type ServeArgs, serveOptions, toStartOptions } from '../../src/cli/serve.ts'
import type { StartOptions } from '../../src/server/options.ts'
import { type RunningMock, startMock } from '../../src/server/start-mock.ts'

const started: RunningMock[] = []
after(async () => {
  await Promise.allSettled(started.splice(0).map((mock) => mock.close()))
})

/**
 * The server `restmock <argv>` starts, started in this process: the serve command's own flags and
 * checks (serveOptions, toStartOptions), then startMock, as the command does. Only the banner, the
 * signals and the exit code need a real process (serveCli); this costs no process start. Give
 * absolute paths: this process's working folder stays where it is. Pass --quiet (the request log
 * would go to the test's stdout). `env` is the environment the flags are read with (set only while
 * they are). Close it when done (left open, it is closed when the file ends).
 */
export async function serveInProcess(
  argv: readonly string[],
  env: Record<string, string> = {},
): Promise<RunningMock> {
  const saved = Object.keys(env).map((name) => [name, process.env[name]] as const)
  Object.assign(process.env, env)
  try {
    const options = await parseServe(argv)
    const mock = await startMock(options)
    started.push(mock)
    return mock
  } finally {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name]
      else process.env[name] = value
    }
  }
}

async function parseServe(argv: readonly string[]): Promise<StartOptions> {
  let args: ServeArgs | undefined
  await yargs([...argv])
    .command(
      '$0 [source]',
      'serve',
      (y) => serveOptions(y),
      (parsed) => {
        args = parsed
      },
    )
    .strict()
    .exitProcess(false)
    .fail((message, error) => {
      throw error ?? new Error(message)
    })
    .parseAsync()
  if (args === undefined) throw new Error(`restmock ${argv.join(' ')} does not serve`)
  return toStartOptions(args, argv)
}
