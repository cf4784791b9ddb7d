import { after } from 'node:test'
import yargs from 'yargs'
import { type ServeArgs, serveOptions, toStartOptions } from '../../src/cli/serve.ts'
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
 * would go to the test's stdout). Close it when done (left open, it is closed when the file ends).
 */
export async function serveInProcess(argv: readonly string[]): Promise<RunningMock> {
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
  const mock = await startMock(toStartOptions(args, argv))
  started.push(mock)
  return mock
}
