import type { Manifest } from '../core/manifest/types.ts'
import type { StateData } from '../core/state.ts'
import type { Assembled } from './assemble.ts'

/** Collections with a `count` and no records in the seed data: they get generated records at start. */
export function collectionsToGenerate(manifest: Manifest, seed: StateData): string[] {
  return Object.values(manifest.resources)
    .filter((resource) => !resource.singleton && (resource.count ?? 0) > 0)
    .filter((resource) => {
      const records = seed[resource.name]
      return !Array.isArray(records) || records.length === 0
    })
    .map((resource) => resource.name)
}

/**
 * The seed with generated records added (DESIGN 2.4: seed data + generated records). faker and the
 * generator are loaded only when some collection needs them, so plain manifests start as fast as before.
 */
export async function withGeneratedRecords(assembled: Assembled, locale?: string): Promise<Assembled> {
  if (collectionsToGenerate(assembled.manifest, assembled.seed).length === 0) return assembled
  const { generateSeedRecords } = await import('./generate-records.ts')
  return generateSeedRecords(assembled, locale)
}
