import { readFileSync } from 'node:fs'
import yargs, { type Argv } from 'yargs'
import { generateCommand } from './generate.ts'
import { EXIT_USAGE, reportFailure, UsageError } from './output.ts'
import { type ServeArgs, serveOptions } from './serve.ts'
import type { ValidateArgs } from './validate.ts'

function packageVersion(): string {
  const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8')
  return (JSON.parse(text) as { version: string }).version
}

/** Run the CLI; resolves to the process exit code (0 ok, 1 failure, 2 usage error). */
export async function main(argv: readonly string[]): Promise<number> {
  let exitCode = 0
  const cli = yargs([...argv])
    .scriptName('restmock')
    .usage('$0 [source]\n\nServe a realistic mock REST API from a manifest or a json-server db.json.')
    .command<ServeArgs>(
      ['serve [source]', '$0 [source]'],
      'serve the API (default command)',
      (y: Argv) => serveOptions(y),
      async (args) => {
        // commands load the server only when they run, so --help stays fast
        const { runServe } = await import('./serve.ts')
        exitCode = await runServe(args)
      },
    )
    .command<ValidateArgs>(
      'validate <source>',
      'check a manifest and its seed data; exit 1 listing every problem',
      (y: Argv) =>
        y
          .positional('source', { type: 'string', demandOption: true, describe: 'manifest or db.json' })
          .option('data', {
            type: 'string',
            describe: "seed data file or folder (overrides the manifest's data)",
          }) as Argv<ValidateArgs>,
      async (args) => {
        const { runValidate } = await import('./validate.ts')
        exitCode = await runValidate(args)
      },
    )
    .command(generateCommand((code) => (exitCode = code)))
    .strict()
    .help()
    .alias('h', 'help')
    .version(packageVersion())
    .alias('v', 'version')
    .wrap(Math.min(100, process.stdout.columns ?? 100))
    .exitProcess(false)
    .fail((message, error) => {
      throw error ?? new UsageError(message)
    })
  try {
    await cli.parseAsync()
  } catch (error) {
    if (error instanceof UsageError) {
      cli.showHelp((text) => process.stderr.write(`${text}\n\n`))
      process.stderr.write(`restmock: ${error.message}\n`)
      return EXIT_USAGE
    }
    return reportFailure(error)
  }
  return exitCode
}
