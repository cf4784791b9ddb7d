import { createRequire } from 'node:module'
import type { Faker } from '@faker-js/faker'
import { referenceDate } from '../core/generate/dates.ts'
import {
  fakerIssues,
  fakerLocaleName,
  MISSING_MODULE_CODES,
  unknownLocaleError,
} from '../core/generate/faker.ts'
import { generateData } from '../core/generate/generate-data.ts'
import { refCycleIssues } from '../core/generate/generation-plan.ts'
import { walkFields } from '../core/generate/primitives.ts'
import type { Issue, Manifest } from '../core/manifest/model.ts'
import type { ManifestCheck } from '../core/manifest/validate-manifest.ts'
import { collectionsToGenerate } from '../core/seed.ts'
import { simulationCheck } from '../core/simulation/validate-policy.ts'
import type { Assembled } from './build-mock.ts'

const require = createRequire(import.meta.url)

/**
 * loadFaker for synchronous callers (createMock, manifest checks): faker is ES modules only, which
 * require() loads since Node 20.19. Only the requested locale is loaded.
 */
export function loadFakerSync(requested = 'en'): Faker {
  const locale = fakerLocaleName(requested)
  if (locale !== undefined) {
    try {
      const module = require(`@faker-js/faker/locale/${locale}`) as { faker?: Faker }
      if (module.faker !== undefined) return module.faker
    } catch (error) {
      if (!MISSING_MODULE_CODES.includes((error as { code?: unknown }).code)) throw error
    }
  }
  const { allLocales } = require('@faker-js/faker') as typeof import('@faker-js/faker')
  throw unknownLocaleError(requested, Object.keys(allLocales))
}

/**
 * The seed with generated records added (the state starts from seed data plus generated records). faker and the
 * generator are loaded only when some collection needs them, so plain manifests start as fast as before.
 */
export async function withGeneratedRecords(assembled: Assembled, locale?: string): Promise<Assembled> {
  if (collectionsToGenerate(assembled.manifest, assembled.seed).length === 0) return assembled
  const { generateSeedRecords } = await import('./seed-generation.ts')
  return generateSeedRecords(assembled, locale)
}

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

/**
 * The manifest validator's hook for data generation: an unknown `locale`, unknown or failing `faker`
 * methods (with close matches suggested), and ref cycles among `count` resources that no nullable or
 * optional ref breaks. faker is loaded only when the manifest names a faker method. All are reported
 * together: an unknown locale does not hide the method typos.
 */
export const generationCheck: ManifestCheck = (manifest) => {
  const issues: Issue[] = [...refCycleIssues(manifest)]
  const localeIssue = manifest.locale === undefined ? undefined : checkLocale(manifest.locale)
  if (localeIssue !== undefined) issues.push(localeIssue)
  // every locale has the same methods: with an unknown one, English still finds the method typos
  const locale = localeIssue === undefined ? (manifest.locale ?? 'en') : 'en'
  if (usesFaker(manifest)) issues.push(...fakerIssues(manifest, loadFakerSync(locale)))
  return issues
}

/** Resolves the locale's module without loading it. */
function checkLocale(locale: string): Issue | undefined {
  const name = fakerLocaleName(locale)
  if (name !== undefined) {
    try {
      require.resolve(`@faker-js/faker/locale/${name}`)
      return undefined
    } catch {
      // reported below with suggestions
    }
  }
  try {
    loadFakerSync(locale)
    return undefined
  } catch (error) {
    const issue = (error as { issues?: Issue[] }).issues?.[0]
    if (issue === undefined) throw error
    return issue
  }
}

function usesFaker(manifest: Manifest): boolean {
  let found = false
  for (const resource of Object.values(manifest.resources)) {
    walkFields(resource, (field) => {
      if (field.faker !== undefined) found = true
    })
  }
  return found
}

/** Checks other modules add to manifest validation, run wherever a manifest is validated. */
export const MANIFEST_CHECKS: readonly ManifestCheck[] = [simulationCheck, generationCheck]
