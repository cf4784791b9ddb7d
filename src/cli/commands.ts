import type { Argv, CommandModule } from 'yargs'
import type { CliStreams } from './output.ts'

/*
 * The commands besides serve (main.ts) as yargs sees them: arguments, flags and help. Each runner is
 * imported when its command runs, so `--help` and `--version` load none of the server, the generator or
 * the exporter.
 */

export interface GenerateArgs {
  manifest: string
  out?: string
  seed?: number
  count?: number
  only?: string[]
  locale?: string
  now?: string
  data?: string
  fresh?: boolean
}

/**
 * `restmock generate <manifest>`. Defined apart from its runner (generate.ts), which is loaded only when
 * the command runs, so neither faker nor the generator slows down `--help` or `serve`.
 */
export function generateCommand(
  done: (exitCode: number) => void,
  argv: readonly string[],
  streams: CliStreams,
): CommandModule<object, GenerateArgs> {
  return {
    command: 'generate <manifest>',
    describe: 'write realistic generated records (faker) as a data file in seed-data shape',
    builder: (yargs: Argv) =>
      yargs
        .positional('manifest', { type: 'string', demandOption: true, describe: 'manifest (restmock.yaml)' })
        .option('out', { alias: 'o', type: 'string', describe: 'file to write (default: standard output)' })
        .option('seed', {
          type: 'number',
          describe: 'random seed (default: the manifest seed, else a random one)',
        })
        .option('count', {
          alias: 'n',
          type: 'number',
          describe: "records per collection (default: each resource's count, else 10)",
        })
        .option('only', {
          type: 'string',
          array: true,
          describe: 'generate only these resources (repeat or comma-separate)',
        })
        .option('locale', {
          type: 'string',
          describe: 'faker locale, e.g. de or pt_BR (default: the manifest locale, else en)',
        })
        .option('now', {
          type: 'string',
          describe:
            'date the generated dates are relative to (default: the latest in the seed data, else 2026-11-01)',
        })
        .option('fresh', {
          type: 'boolean',
          describe: 'replace the seed data of the generated resources instead of adding to it',
        })
        .option('data', {
          type: 'string',
          describe: "seed data file or folder (overrides the manifest's data)",
        })
        .example(
          '$0 generate restmock.yaml --out data.json --count 1000 --seed 42',
          '',
        ) as unknown as Argv<GenerateArgs>,
    handler: async (args) => {
      const { runGenerate } = await import('./generate.ts')
      done(await runGenerate(args, streams, argv))
    },
  }
}

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
      const { runOpenApi } = await import('./openapi.ts')
      done(await runOpenApi(args, streams))
    },
  }
}

export interface ValidateArgs {
  source: string
  data?: string
}

/** `restmock validate <source>`: every problem of every stage in one pass; exit 1 when there is one. */
export function validateCommand(
  done: (exitCode: number) => void,
  streams: CliStreams,
): CommandModule<object, ValidateArgs> {
  return {
    command: 'validate <source>',
    describe: 'check a manifest and its seed data; exit 1 listing every problem',
    builder: (y: Argv) =>
      y
        .positional('source', { type: 'string', demandOption: true, describe: 'manifest or db.json' })
        .option('data', {
          type: 'string',
          describe: "seed data file or folder (overrides the manifest's data)",
        }) as Argv<ValidateArgs>,
    handler: async (args) => {
      const { runValidate } = await import('./validate.ts')
      done(await runValidate(args, streams))
    },
  }
}

export interface ImportArgs {
  openapi: string
  out?: string
}

/** `restmock import <openapi> [--out restmock.yaml]`. */
export function importCommand(
  done: (exitCode: number) => void,
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
      const { runImport } = await import('./import.ts')
      done(await runImport(args, streams))
    },
  }
}
