import { assembleLoaded } from '../server/assemble.ts'
import { collectionsToGenerate } from '../server/generate-seed.ts'
import { loadSource } from '../server/load-source.ts'
import { EXIT_OK } from './output.ts'

export interface ValidateArgs {
  source: string
  data?: string
}

/** Check a manifest and its seed data; every problem is listed (exit 1), or a summary (exit 0). */
export async function runValidate(args: ValidateArgs): Promise<number> {
  const loaded = loadSource(args.source, args.data === undefined ? {} : { dataPath: args.data })
  const { manifest, seed } = assembleLoaded(loaded, {})
  let records = 0
  for (const value of Object.values(seed)) records += Array.isArray(value) ? value.length : 0
  const resources = Object.keys(manifest.resources).length
  const kind = loaded.kind === 'db' ? 'json-server data file' : 'manifest'
  let generated = 0
  for (const name of collectionsToGenerate(manifest, seed)) generated += manifest.resources[name]?.count ?? 0
  const plus = generated === 0 ? '' : ` (+${generated} generated at start from \`count\`)`
  process.stdout.write(
    `${args.source}: valid ${kind}, ${resources} resource${resources === 1 ? '' : 's'}, ${records} seed record${records === 1 ? '' : 's'}${plus}\n`,
  )
  return EXIT_OK
}
