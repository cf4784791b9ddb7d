import type { Faker } from '@faker-js/faker'

/** The address parts of one record: all from the faker locale's country. */
export interface Place {
  country: string
  countryCode: string
  state: string
  stateAbbr: string | undefined
  zipCode: string
  city: string
}

/** The country of language-only faker locales, whose address data describe that country. */
const LANGUAGE_COUNTRIES: Readonly<Record<string, string>> = {
  en: 'US',
  de: 'DE',
  fr: 'FR',
  es: 'ES',
  it: 'IT',
  nl: 'NL',
  pl: 'PL',
  sv: 'SE',
  da: 'DK',
  fi: 'FI',
  cs: 'CZ',
  sk: 'SK',
  hu: 'HU',
  ro: 'RO',
  el: 'GR',
  tr: 'TR',
  ru: 'RU',
  uk: 'UA',
  ja: 'JP',
  ko: 'KR',
  he: 'IL',
  vi: 'VN',
  th: 'TH',
  lv: 'LV',
  hr: 'HR',
  mk: 'MK',
  hy: 'AM',
  az: 'AZ',
  fa: 'IR',
}

type Definitions = Record<string, Record<string, unknown> | undefined>

interface Country {
  code: string
  name: string
}

const countries = new WeakMap<Faker, Country | null>()

/** The locale's country (code and name in the locale's language), or null when the locale names none. */
export function localeCountry(faker: Faker): Country | null {
  let country = countries.get(faker)
  if (country !== undefined) return country
  const metadata = (faker.rawDefinitions as Definitions).metadata ?? {}
  const code =
    typeof metadata.country === 'string'
      ? metadata.country
      : LANGUAGE_COUNTRIES[typeof metadata.language === 'string' ? metadata.language : '']
  country = code === undefined ? null : { code, name: regionName(code, metadata) }
  countries.set(faker, country)
  return country
}

function regionName(code: string, metadata: Record<string, unknown>): string {
  const tag = typeof metadata.code === 'string' ? metadata.code.replaceAll('_', '-') : 'en'
  try {
    return new Intl.DisplayNames([tag, 'en'], { type: 'region' }).of(code) ?? code
  } catch {
    return new Intl.DisplayNames(['en'], { type: 'region' }).of(code) ?? code
  }
}

/**
 * One place: the locale's country, one of its states (with the matching abbreviation), a zip code of that
 * state where the locale knows zip ranges by state (en_US) or of the locale's format otherwise, and a
 * city and street of the locale. faker has no city -> state table, so the city is a city of the country
 * rather than of the state.
 */
export function makePlace(faker: Faker): Place {
  const location = (faker.rawDefinitions as Definitions).location ?? {}
  const states = Array.isArray(location.state) ? (location.state as string[]) : []
  const abbreviations = Array.isArray(location.state_abbr) ? (location.state_abbr as string[]) : []
  let state: string
  let stateAbbr: string | undefined
  if (states.length > 0) {
    const index = faker.number.int(states.length - 1)
    state = states[index]!
    stateAbbr = abbreviations.length === states.length ? abbreviations[index] : undefined
  } else {
    state = faker.location.state()
  }
  const byState = location.postcode_by_state as Record<string, unknown> | undefined
  const zipCode =
    stateAbbr !== undefined && byState?.[stateAbbr] !== undefined
      ? faker.location.zipCode({ state: stateAbbr })
      : faker.location.zipCode()
  const city = faker.location.city()
  const own = localeCountry(faker)
  const countryCode = own?.code ?? faker.location.countryCode()
  const country = own?.name ?? regionName(countryCode, {})
  return { country, countryCode, state, stateAbbr, zipCode, city }
}
