import type { Argv, CommandModule } from 'yargs'
import type { CliStreams } from './output.ts'

export interface OpenApiArgs {
  source: string
  out?: string
  includeAdmin?: boolean
}

/** `restmock openapi <source>`: the OpenAPI 3.1 document of what the source serves. */
export function openApiCommand(
  done: (exitCode: number) => void,
  streams: CliStreams,
): CommandModule<object, OpenApiArgs> {
  return {
    command: 'openapi <source>',
    describe: 'write the OpenAPI 3.1 document of the API a manifest or db.json serves',
    builder: (yargs: Argv) =>
      yargs
        .positional('source', { type: 'string', demandOption: true, describe: 'manifest or db.json' })
        .option('out', {
          alias: 'o',
          type: 'string',
          describe: 'file to write, YAML when it ends in .yaml or .yml (default: JSON on standard output)',
        })
        .option('include-admin', {
          type: 'boolean',
          describe: 'describe the admin API (/__restmock) too',
        })
        .example([
          ['$0 openapi restmock.yaml > openapi.json', ''],
          ['$0 openapi restmock.yaml --out openapi.yaml', ''],
        ]) as Argv<OpenApiArgs>,
    handler: async (args) => {
      // loaded only when the command runs, so the exporter does not slow down `--help` or `serve`
      const { runOpenApi } = await import('./openapi-export.ts')
      done(await runOpenApi(args, streams))
    },
  }
}
