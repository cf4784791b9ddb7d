import type { Faker } from '@faker-js/faker'
import { closestMatches } from '../did-you-mean.ts'
import { ConfigError } from '../errors.ts'

/** faker locale names look like en, de_AT, en_AU_ocker, sr_RS_latin: nothing else reaches import(). */
const LOCALE_NAME = /^[a-z]{2,3}(_[A-Za-z]+)*$/

/** Error codes of an import (ERR_*) or require of a locale that faker does not have. */
export const MISSING_MODULE_CODES: readonly unknown[] = [
  'ERR_PACKAGE_PATH_NOT_EXPORTED',
  'ERR_MODULE_NOT_FOUND',
  'MODULE_NOT_FOUND',
]

/** faker's name of a locale (BCP 47 spellings such as de-AT accepted), or undefined for a malformed name. */
export function fakerLocaleName(requested: string): string | undefined {
  const locale = requested.replace(/-/g, '_')
  return LOCALE_NAME.test(locale) ? locale : undefined
}

export function unknownLocaleError(requested: string, available: readonly string[]): ConfigError {
  const names = available.filter((name) => name !== 'base')
  const close = closestMatches(requested.replace(/-/g, '_'), names)
  const hint =
    close.length > 0
      ? ` (did you mean ${close.map((name) => `"${name}"`).join(' or ')}?)`
      : `; available: ${names.join(', ')}`
  return new ConfigError('Unknown faker locale', [
    { path: 'locale', message: `unknown locale "${requested}"${hint}` },
  ])
}

/**
 * A faker instance for one locale (with English and base data as fallbacks). Only that locale's module
 * is imported: the package root would pull in every locale (it is read only to suggest a correction).
 */
export async function loadFaker(requested = 'en'): Promise<Faker> {
  const locale = fakerLocaleName(requested)
  if (locale !== undefined) {
    try {
      const module = (await import(`@faker-js/faker/locale/${locale}`)) as { faker?: Faker }
      if (module.faker !== undefined) return module.faker
    } catch (error) {
      if (!MISSING_MODULE_CODES.includes((error as { code?: unknown }).code)) throw error
    }
  }
  const { allLocales } = await import('@faker-js/faker')
  throw unknownLocaleError(requested, Object.keys(allLocales))
}
