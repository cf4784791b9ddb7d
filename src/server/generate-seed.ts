import { collectionsToGenerate } from '../core/seed.ts'
import type { Assembled } from './assemble.ts'

/**
 * The seed with generated records added (the state starts from seed data plus generated records). faker and the
 * generator are loaded only when some collection needs them, so plain manifests start as fast as before.
 */
export async function withGeneratedRecords(assembled: Assembled, locale?: string): Promise<Assembled> {
  if (collectionsToGenerate(assembled.manifest, assembled.seed).length === 0) return assembled
  const { generateSeedRecords } = await import('./generate-records.ts')
  return generateSeedRecords(assembled, locale)
}
