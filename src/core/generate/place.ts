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
 * city of the locale. faker has no city -> state table, so the city is a city of the country rather than
 * of the state. Each part is drawn when a field first asks for it (a record without a zip code field
 * draws none), the state before the zip code that depends on it.
 */
export function makePlace(faker: Faker): Place {
  return new LazyPlace(faker)
}

class LazyPlace implements Place {
  private readonly faker: Faker
  private drawnState: { name: string; abbreviation: string | undefined } | undefined
  private drawnCountry: Country | undefined
  private drawnZip: string | undefined
  private drawnCity: string | undefined

  constructor(faker: Faker) {
    this.faker = faker
  }

  get country(): string {
    return this.countryOf().name
  }

  get countryCode(): string {
    return this.countryOf().code
  }

  get state(): string {
    return this.stateOf().name
  }

  get stateAbbr(): string | undefined {
    return this.stateOf().abbreviation
  }

  get zipCode(): string {
    if (this.drawnZip !== undefined) return this.drawnZip
    const byState = locationOf(this.faker).postcode_by_state as Record<string, unknown> | undefined
    const abbreviation = byState === undefined ? undefined : this.stateOf().abbreviation
    this.drawnZip =
      abbreviation !== undefined && byState?.[abbreviation] !== undefined
        ? this.faker.location.zipCode({ state: abbreviation })
        : this.faker.location.zipCode()
    return this.drawnZip
  }

  get city(): string {
    this.drawnCity ??= this.faker.location.city()
    return this.drawnCity
  }

  private countryOf(): Country {
    if (this.drawnCountry !== undefined) return this.drawnCountry
    const own = localeCountry(this.faker)
    if (own !== null) this.drawnCountry = own
    else {
      const code = this.faker.location.countryCode()
      this.drawnCountry = { code, name: regionName(code, {}) }
    }
    return this.drawnCountry
  }

  private stateOf(): { name: string; abbreviation: string | undefined } {
    if (this.drawnState !== undefined) return this.drawnState
    const location = locationOf(this.faker)
    const states = Array.isArray(location.state) ? (location.state as string[]) : []
    const abbreviations = Array.isArray(location.state_abbr) ? (location.state_abbr as string[]) : []
    if (states.length === 0) {
      this.drawnState = { name: this.faker.location.state(), abbreviation: undefined }
    } else {
      const index = this.faker.number.int(states.length - 1)
      const abbreviation = abbreviations.length === states.length ? abbreviations[index] : undefined
      this.drawnState = { name: states[index]!, abbreviation }
    }
    return this.drawnState
  }
}

function locationOf(faker: Faker): Record<string, unknown> {
  return (faker.rawDefinitions as Definitions).location ?? {}
}
