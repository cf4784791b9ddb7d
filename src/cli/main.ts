import { existsSync, readFileSync } from 'node:fs'
import yargs, { type Argv, type CommandModule } from 'yargs'
import { generateCommand, importCommand, openApiCommand, validateCommand } from './commands.ts'
import { closestName, firstPositional, type KnownFlags, unknownArgumentMessage } from './flag-hints.ts'
import { type CliStreams, processStreams, reportFailure, UsageError } from './output.ts'
import { type ServeArgs, serveOptions } from './serve.ts'

function packageVersion(): string {
  const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8')
  return (JSON.parse(text) as { version: string }).version
}

/**
 * Run the CLI; resolves to the process exit code (0 ok, 1 failure, 2 usage error). Commands that exit
 * write to `streams`; a server, help and the version write to the process's own.
 */
export async function main(argv: readonly string[], streams: CliStreams = processStreams()): Promise<number> {
  let exitCode = 0
  const serve: CommandModule<object, ServeArgs> = {
    command: ['serve [source]', '$0 [source]'],
    describe: 'serve the API (default command)',
    builder: (y: Argv) => serveOptions(y),
    handler: async (args) => {
      // commands load the server only when they run, so --help stays fast
      const { runServe } = await import('./serve.ts')
      exitCode = await runServe(args, argv)
    },
  }
  const validate = validateCommand((code) => (exitCode = code), streams)
  const generate = generateCommand((code) => (exitCode = code), argv, streams)
  const openapi = openApiCommand((code) => (exitCode = code), streams)
  const importing = importCommand((code) => (exitCode = code), streams)
  const commandNames = [serve, validate, generate, openapi, importing]
    .flatMap((c) => [c.command ?? []].flat())
    .flatMap((form) => {
      const word = form.split(' ', 1)[0]!
      return word === '$0' ? [] : [word]
    })
  const helpCommand = commandNames.includes(argv[0] ?? '') ? `restmock ${argv[0]}` : 'restmock'

  const cli: Argv = yargs([...argv])
    .scriptName('restmock')
    .usage('$0 [source]\n\nServe a realistic mock REST API from a manifest or a json-server db.json.')
    .command(serve)
    .command(validate)
    .command(generate)
    .command(openapi)
    .command(importing)
    .strict()
    // yargs would otherwise word its messages in the terminal's language, which the hints below read
    .locale('en')
    .help()
    .alias('h', 'help')
    .version(packageVersion())
    .alias('v', 'version')
    .wrap(Math.min(100, process.stdout.columns ?? 100))
    .exitProcess(false)
    .fail((message, error) => {
      if (error !== undefined && error !== null) throw error
      const unknown = /^Unknown arguments?: (.*)$/.exec(message)
      if (unknown === null) throw new UsageError(`${message}; see ${helpCommand} --help`)
      throw new UsageError(
        unknownArgumentMessage(unknown[1]!.split(', '), argv, knownFlags(cli), helpCommand),
      )
    })
  try {
    const wrongCommand = unknownCommand(argv, commandNames)
    if (wrongCommand !== undefined) throw new UsageError(wrongCommand)
    await cli.parseAsync()
  } catch (error) {
    return reportFailure(error, streams)
  }
  return exitCode
}

/**
 * A first word that is neither a command nor a file (`restmock valdate x.yaml`, `restmock -p 3000 valdate`)
 * is a mistyped command; without this check it would be served as a source that does not exist.
 */
function unknownCommand(argv: readonly string[], commands: readonly string[]): string | undefined {
  const serveFlags = knownFlags(serveOptions(yargs([])))
  const word = firstPositional(argv, {
    names: [...serveFlags.names, 'help', 'h', 'version', 'v'],
    booleans: [...serveFlags.booleans, 'help', 'h', 'version', 'v'],
  })
  if (word === undefined || !/^[a-z][a-z-]*$/i.test(word) || commands.includes(word) || existsSync(word)) {
    return undefined
  }
  const match = closestName(word, commands)
  return `unknown command ${word}; ${match === undefined ? 'see restmock --help' : `did you mean ${match}?`}`
}

/** The flags of the command yargs was parsing when it failed (its `getOptions`, missing from the typings). */
function knownFlags(cli: Argv): KnownFlags {
  const options = (
    cli as unknown as { getOptions(): { key: Record<string, unknown>; boolean: string[] } }
  ).getOptions()
  return { names: Object.keys(options.key), booleans: options.boolean }
}
