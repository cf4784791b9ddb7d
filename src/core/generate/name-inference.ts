import type { Faker } from '@faker-js/faker'
import type { FieldDef } from '../manifest/model.ts'
import type { DateRange } from './dates.ts'

/**
 * What a field's name says about its values, for fields without a `faker` hint, `enum` or `pattern`.
 * The table in docs/data-generation.md is generated from the rule lists below (`npm run docs:table`).
 */
export type Hint =
  | { kind: 'text'; make: (faker: Faker) => string }
  | { kind: 'number'; min: number; max: number; decimals: number }
  | { kind: 'date'; range: DateRange }
  | { kind: 'boolean'; trueRate: number }

type TextMaker = (faker: Faker) => string

/** camelCase, snake_case, kebab-case and spaces all become snake_case words: photoURL -> photo_url */
export function normalizeName(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '')
}

const capitalize = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1)
const titleFromWords = (faker: Faker): string =>
  capitalize(faker.lorem.sentence({ min: 2, max: 6 }).replace(/\.$/, ''))

/** Resource names (plural, lower case) that say what kind of thing a record is. */
const PEOPLE =
  /user|customer|client|member|employee|staff|person|people|author|contact|patient|student|teacher|stylist|driver|owner|player|guest|subscriber|agent|doctor|friend|admin/
const COMPANIES = /compan|organi[sz]ation|business|vendor|supplier|brand|partner|firm|agenc|manufacturer/
const PRODUCTS = /product|item|article|good|service|menu|dish|course|plan|package/
const CATEGORIES = /categor|tag|department|genre|topic|label|collection/

function nameFor(resource: string): TextMaker {
  if (PEOPLE.test(resource)) return (f) => f.person.fullName()
  if (COMPANIES.test(resource)) return (f) => f.company.name()
  if (PRODUCTS.test(resource)) return (f) => f.commerce.productName()
  if (CATEGORIES.test(resource)) return (f) => f.commerce.department()
  if (/cit(y|ies)|town/.test(resource)) return (f) => f.location.city()
  if (/countr/.test(resource)) return (f) => f.location.country()
  if (/book/.test(resource)) return (f) => f.book.title()
  if (/song|track|album/.test(resource)) return (f) => f.music.songName()
  if (/animal|pet|dog|cat/.test(resource)) return (f) => f.animal.petName()
  return (f) => capitalize(f.word.words({ count: { min: 1, max: 3 } }))
}

function titleFor(resource: string): TextMaker {
  if (PRODUCTS.test(resource)) return (f) => f.commerce.productName()
  if (/book/.test(resource)) return (f) => f.book.title()
  if (/song|track|album/.test(resource)) return (f) => f.music.songName()
  if (/job|position|role|vacanc/.test(resource)) return (f) => f.person.jobTitle()
  return titleFromWords
}

function descriptionFor(resource: string): TextMaker {
  if (PRODUCTS.test(resource)) return (f) => f.commerce.productDescription()
  return (f) => f.lorem.sentences({ min: 1, max: 3 })
}

/** Text rules, first match wins; tested against the normalized field name. */
export const TEXT_RULES: ReadonlyArray<readonly [RegExp, (resource: string) => TextMaker]> = [
  [/(^|_)e_?mail(_address)?$/, () => (f) => f.internet.email()],
  [/(^|_)(avatar|photo|picture|portrait|profile_image)(_url)?$/, () => (f) => f.image.avatar()],
  [/(^|_)(image|img|thumbnail|logo|cover|banner)(_url)?$/, () => (f) => f.image.url()],
  [/(^|_)(url|uri|website|homepage|link|href|web_site)$/, () => (f) => f.internet.url()],
  [/(^|_)(uuid|guid)$/, () => (f) => f.string.uuid()],
  [/(^|_)(first_?name|given_name|forename)$/, () => (f) => f.person.firstName()],
  [/(^|_)(last_?name|surname|family_name)$/, () => (f) => f.person.lastName()],
  [/(^|_)middle_?name$/, () => (f) => f.person.middleName()],
  [/(^|_)(user_?name|login|handle|nickname|screen_name)$/, () => (f) => f.internet.username()],
  [
    /(^|_)(company|business|organi[sz]ation|employer|vendor|supplier|brand)(_name)?$/,
    () => (f) => f.company.name(),
  ],
  [/(^|_)product(_name)?$/, () => (f) => f.commerce.productName()],
  [/(^|_)(city|town)(_name)?$/, () => (f) => f.location.city()],
  [/(^|_)country_?code$/, () => (f) => f.location.countryCode()],
  [/(^|_)country(_name)?$/, () => (f) => f.location.country()],
  [/(^|_)street(_name)?$/, () => (f) => f.location.street()],
  [/(^|_)file_?name$/, () => (f) => f.system.fileName()],
  [
    /(^|_)(full_?name|display_?name|contact_?name|customer_?name|author_?name|owner_?name|person)$/,
    () => (f) => f.person.fullName(),
  ],
  [/^name$/, nameFor],
  [/(^|_)(job_?title|position|occupation|profession)$/, () => (f) => f.person.jobTitle()],
  [/(^|_)(title|headline|subject|heading)$/, titleFor],
  [/(^|_)(phone|mobile|tel|telephone|fax|cell)(_?(number|no))?$/, () => (f) => f.phone.number()],
  // before the address rules: ip_address and mac_address are not street addresses
  [/(^|_)(ip|ip_?address|ipv4)$/, () => (f) => f.internet.ipv4()],
  [/(^|_)ipv6$/, () => (f) => f.internet.ipv6()],
  [/(^|_)mac(_address)?$/, () => (f) => f.internet.mac()],
  [
    /(^|_)(address_?2|address_line_?2|secondary_address|apartment|suite)$/,
    () => (f) => f.location.secondaryAddress(),
  ],
  [
    /(^|_)(street_?address|address|address_?1|address_line_?1|address_line)$/,
    () => (f) => f.location.streetAddress(),
  ],
  [/(^|_)(state|province|region|county)$/, () => (f) => f.location.state()],
  [/(^|_)(zip|zip_?code|postal_?code|post_?code|postcode)$/, () => (f) => f.location.zipCode()],
  [/(^|_)currency(_code)?$/, () => (f) => f.finance.currencyCode()],
  [/(^|_)iban$/, () => (f) => f.finance.iban()],
  [/(^|_)(bic|swift)$/, () => (f) => f.finance.bic()],
  [/(^|_)account_?(number|no)$/, () => (f) => f.finance.accountNumber()],
  [/(^|_)(credit_?card|card_?number)$/, () => (f) => f.finance.creditCardNumber()],
  [/(^|_)bio(graphy)?$/, () => (f) => f.person.bio()],
  [/(^|_)(description|summary|about|details|excerpt|abstract)$/, descriptionFor],
  [
    /(^|_)(body|content|text|message|comment|comments|notes?|review|feedback)$/,
    () => (f) => f.lorem.paragraph(),
  ],
  [/(^|_)slug$/, () => (f) => f.lorem.slug({ min: 2, max: 4 })],
  [/(^|_)colou?r$/, () => (f) => f.color.human()],
  [/(^|_)user_?agent$/, () => (f) => f.internet.userAgent()],
  [/(^|_)(domain|domain_name|hostname|host)$/, () => (f) => f.internet.domainName()],
  [/(^|_)password$/, () => (f) => f.internet.password()],
  [/(^|_)(token|api_?key|secret|hash)$/, () => (f) => f.string.alphanumeric(32)],
  [/(^|_)isbn$/, () => (f) => f.commerce.isbn()],
  [/(^|_)(timezone|time_zone|tz)$/, () => (f) => f.location.timeZone()],
  [/(^|_)(language|lang|locale)(_code)?$/, () => (f) => f.location.language().alpha2],
  [/(^|_)(department|category)$/, () => (f) => f.commerce.department()],
  [/(^|_)(version|semver)$/, () => (f) => f.system.semver()],
  [/(^|_)mime(_?type)?$/, () => (f) => f.system.mimeType()],
  [/(^|_)(file_?path|path)$/, () => (f) => f.system.filePath()],
  [/(^|_)(word|keyword|tag)$/, () => (f) => f.lorem.word()],
  [
    /(^|_)(sku|code|reference|ref_code|voucher|coupon)$/,
    () => (f) => f.string.alphanumeric({ length: 8, casing: 'upper' }),
  ],
]

type NumberRule = readonly [RegExp, (now: Date) => Extract<Hint, { kind: 'number' }>]
const money = { kind: 'number', min: 1, max: 1000, decimals: 2 } as const
export const NUMBER_RULES: readonly NumberRule[] = [
  [/(^|_)(lat|latitude)$/, () => ({ kind: 'number', min: -90, max: 90, decimals: 6 })],
  [/(^|_)(lng|lon|long|longitude)$/, () => ({ kind: 'number', min: -180, max: 180, decimals: 6 })],
  [
    /(^|_)(price|amount|total|cost|subtotal|sub_total|balance|fee|fees|salary|revenue|income|payment|budget)$/,
    () => money,
  ],
  [/(^|_)(quantity|qty|stock|inventory|units)$/, () => ({ kind: 'number', min: 1, max: 100, decimals: 0 })],
  [/(^|_)count$/, () => ({ kind: 'number', min: 0, max: 100, decimals: 0 })],
  [/(^|_)age$/, () => ({ kind: 'number', min: 18, max: 90, decimals: 0 })],
  [/(^|_)(rating|stars)$/, () => ({ kind: 'number', min: 1, max: 5, decimals: 1 })],
  [/(^|_)score$/, () => ({ kind: 'number', min: 0, max: 100, decimals: 0 })],
  [/(^|_)(percent|percentage|discount|progress)$/, () => ({ kind: 'number', min: 0, max: 100, decimals: 0 })],
  [/(^|_)rate$/, () => ({ kind: 'number', min: 0, max: 1, decimals: 4 })],
  [
    /(^|_)year$/,
    (now) => ({ kind: 'number', min: now.getUTCFullYear() - 30, max: now.getUTCFullYear(), decimals: 0 }),
  ],
  [/(^|_)(minutes|duration)$/, () => ({ kind: 'number', min: 5, max: 240, decimals: 0 })],
  [
    /(^|_)(views|likes|followers|visits|clicks|downloads|points)$/,
    () => ({ kind: 'number', min: 0, max: 10000, decimals: 0 }),
  ],
]

export const DATE_RULES: ReadonlyArray<readonly [RegExp, DateRange]> = [
  [/(^|_)(birth|birthday|birth_?date|date_of_birth|dob|born(_on)?)$/, 'birth'],
  [
    /(^|_)(due|expires|expiry|expiration|deadline|ends|end|until|valid_until|renews)(_?(at|on|date))?$/,
    'future',
  ],
  [/(^|_)(starts|start|scheduled|begins|event|appointment)(_?(at|on|date|time))?$/, 'around'],
  [/(^|_)(hired|joined|registered|signed_up|member_since|since)(_?(at|on|date))?$/, 'years'],
  [/(_at|_on|_date|_time|^date|^time|timestamp)$/, 'recent'],
]

export const BOOLEAN_RULES: ReadonlyArray<readonly [RegExp, number]> = [
  [/(^|_)(deleted|archived|disabled|blocked|banned|suspended|locked|spam|flagged)$/, 0.1],
  [/(^|_)(active|enabled|verified|published|visible|available|confirmed|approved|in_stock)$/, 0.8],
]

/** The date range a date-like name implies, or undefined for names that are not about dates. */
export function dateRangeFor(normalized: string): DateRange | undefined {
  for (const [test, range] of DATE_RULES) if (test.test(normalized)) return range
  return undefined
}

export function inferHint(
  fieldName: string,
  field: FieldDef,
  resourceName: string,
  now: Date,
): Hint | undefined {
  const name = normalizeName(fieldName)
  const resource = resourceName.toLowerCase()
  switch (field.type) {
    case 'string': {
      if (field.format === 'date' || field.format === 'date-time') {
        return { kind: 'date', range: dateRangeFor(name) ?? 'recent' }
      }
      for (const [test, maker] of TEXT_RULES)
        if (test.test(name)) return { kind: 'text', make: maker(resource) }
      const range = dateRangeFor(name)
      return range === undefined ? undefined : { kind: 'date', range }
    }
    case 'integer':
    case 'number':
      for (const [test, hint] of NUMBER_RULES) if (test.test(name)) return hint(now)
      return undefined
    case 'boolean':
      for (const [test, trueRate] of BOOLEAN_RULES) if (test.test(name)) return { kind: 'boolean', trueRate }
      return undefined
    default:
      return undefined
  }
}
