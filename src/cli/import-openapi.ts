import type { Argv, CommandModule } from 'yargs'
import type { CliStreams } from './output.ts'

export interface ImportArgs {
  openapi: string
  out?: string
}

/** `restmock import <openapi> [--out restmock.yaml]`. */
export function importCommand(
  done: (code: number) => void,
  streams: CliStreams,
): CommandModule<object, ImportArgs> {
  return {
    command: 'import <openapi>',
    describe: 'convert an OpenAPI 3.0/3.1 document into a restmock manifest',
    builder: (y: Argv) =>
      y
        .positional('openapi', {
          type: 'string',
          demandOption: true,
          describe: 'OpenAPI document (YAML or JSON)',
        })
        .option('out', {
          type: 'string',
          describe: 'write the manifest here (.yaml, or .json for JSON); default: print it',
        }) as Argv<ImportArgs>,
    handler: async (args) => {
      // loaded only when the command runs, so --help stays fast
      const { runImport } = await import('./import-manifest.ts')
      done(await runImport(args, streams))
    },
  }
}
