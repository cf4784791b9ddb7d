import { createRequire } from 'node:module'
import type { Faker } from '@faker-js/faker'
import { fakerLocaleName, MISSING_MODULE_CODES, unknownLocaleError } from '../core/generate/load-faker.ts'

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
