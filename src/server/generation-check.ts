import { createRequire } from 'node:module'
import { fakerIssues } from '../core/generate/faker-issues.ts'
import { fakerLocaleName } from '../core/generate/load-faker.ts'
import { refCycleIssues } from '../core/generate/order.ts'
import { walkFields } from '../core/generate/walk-fields.ts'
import type { Issue, Manifest } from '../core/manifest/types.ts'
import type { ManifestCheck } from '../core/manifest/validate.ts'
import { loadFakerSync } from './faker-sync.ts'

const require = createRequire(import.meta.url)

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
