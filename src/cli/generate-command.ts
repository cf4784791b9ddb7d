import type { Argv, CommandModule } from 'yargs'
import type { CliStreams } from './output.ts'

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
