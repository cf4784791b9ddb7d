import { generateData } from '../core/generate/generate-data.ts'
import { referenceDate } from '../core/generate/reference-date.ts'
import { collectionsToGenerate } from '../core/seed.ts'
import type { Assembled } from './assemble.ts'
import { loadFakerSync } from './faker-sync.ts'

/**
 * Synchronous generation step (createMock is synchronous; startMock reaches it through the lazy
 * withGeneratedRecords). Records come from the effective random seed, with dates relative to the seed
 * data, so a restart or `reset` regenerates exactly the same records.
 */
export function generateSeedRecords(assembled: Assembled, locale?: string): Assembled {
  const only = collectionsToGenerate(assembled.manifest, assembled.seed)
  if (only.length === 0) return assembled
  const faker = loadFakerSync(locale ?? assembled.manifest.locale ?? 'en')
  const seed = generateData(assembled.manifest, faker, {
    seed: assembled.randomSeed,
    only,
    existing: assembled.seed,
    now: referenceDate(assembled.seed),
  })
  return { ...assembled, seed }
}
