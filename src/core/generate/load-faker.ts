import type { Faker } from '@faker-js/faker'
import { closestMatches } from '../did-you-mean.ts'
import { ConfigError } from '../errors.ts'

/** faker locale names look like en, de_AT, en_AU_ocker, sr_RS_latin: nothing else reaches import(). */
const LOCALE_NAME = /^[a-z]{2,3}(_[A-Za-z]+)*$/

/**
 * A faker instance for one locale (with English and base data as fallbacks). Only that locale's module
 * is imported: the package root would pull in every locale. BCP 47 spellings (de-AT) are accepted too.
 */
export async function loadFaker(requested = 'en'): Promise<Faker> {
  const locale = requested.replace(/-/g, '_')
  if (LOCALE_NAME.test(locale)) {
    try {
      const module = (await import(`@faker-js/faker/locale/${locale}`)) as { faker?: Faker }
      if (module.faker !== undefined) return module.faker
    } catch (error) {
      const code = (error as { code?: unknown }).code
      if (code !== 'ERR_PACKAGE_PATH_NOT_EXPORTED' && code !== 'ERR_MODULE_NOT_FOUND') throw error
    }
  }
  throw new ConfigError('Unknown faker locale', [
    { path: 'locale', message: `unknown locale "${requested}"${await localeHint(locale)}` },
  ])
}

/** Only on the error path: listing the locales means loading them all. */
async function localeHint(locale: string): Promise<string> {
  const { allLocales } = await import('@faker-js/faker')
  const names = Object.keys(allLocales).filter((name) => name !== 'base')
  const close = closestMatches(locale, names)
  if (close.length > 0) return ` (did you mean ${close.map((name) => `"${name}"`).join(' or ')}?)`
  return `; available: ${names.join(', ')}`
}
