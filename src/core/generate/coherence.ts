import type { Faker, SexType } from '@faker-js/faker'
import type { FieldDef } from '../manifest/model.ts'
import { inferHint, normalizeName } from './name-inference.ts'
import { makePlace, type Place } from './place.ts'

/** The person a record is about: its name fields show this person, its email and username derive from it. */
export interface Person {
  firstName: string
  lastName: string
  sex: SexType
  fullName: string
}

/**
 * What the fields of the record being generated share: one person and one place, made on first use. A
 * field that asks again within the same record (a retry after a unique collision) gets a new one, so
 * retrying a unique name draws another person instead of repeating the taken name.
 */
export class RecordScope {
  /** the record being filled: derived fields read their sources from it */
  record: Record<string, unknown> = {}
  private readonly faker: Faker
  private person: Person | undefined
  private readonly personFields = new Set<string>()
  private place: Place | undefined
  private readonly placeFields = new Set<string>()

  constructor(faker: Faker) {
    this.faker = faker
  }

  begin(record: Record<string, unknown>): void {
    this.record = record
    this.person = undefined
    this.personFields.clear()
    this.place = undefined
    this.placeFields.clear()
  }

  /** The person, for a field that shows it (a name). */
  personFor(field: string): Person {
    if (this.person === undefined || this.personFields.has(field)) {
      this.person = makePerson(this.faker)
      this.personFields.clear()
    }
    this.personFields.add(field)
    return this.person
  }

  /** The person, for a field derived from it (email, username): never replaces it. */
  currentPerson(): Person {
    this.person ??= makePerson(this.faker)
    return this.person
  }

  /** The person if a name field showed it already. */
  shownPerson(): Person | undefined {
    return this.personFields.size > 0 ? this.person : undefined
  }

  placeFor(field: string): Place {
    if (this.place === undefined || this.placeFields.has(field)) {
      this.place = makePlace(this.faker)
      this.placeFields.clear()
    }
    this.placeFields.add(field)
    return this.place
  }
}

function makePerson(faker: Faker): Person {
  return new LazyPerson(faker)
}

/** Each part is drawn when a field first shows it: the sex first, the full name (with its occasional prefix or suffix) last. */
class LazyPerson implements Person {
  private readonly faker: Faker
  private drawnSex: SexType | undefined
  private drawnFirst: string | undefined
  private drawnLast: string | undefined
  private drawnFull: string | undefined

  constructor(faker: Faker) {
    this.faker = faker
  }

  get sex(): SexType {
    this.drawnSex ??= this.faker.person.sexType()
    return this.drawnSex
  }

  get firstName(): string {
    this.drawnFirst ??= this.faker.person.firstName(this.sex)
    return this.drawnFirst
  }

  get lastName(): string {
    this.drawnLast ??= this.faker.person.lastName(this.sex)
    return this.drawnLast
  }

  get fullName(): string {
    this.drawnFull ??= this.faker.person.fullName({
      firstName: this.firstName,
      lastName: this.lastName,
      sex: this.sex,
    })
    return this.drawnFull
  }
}

/** What a field shows of the record's person or place; the faker method it would otherwise call. */
const KINDS: Readonly<Record<string, Kind>> = {
  'person.fullName': 'fullName',
  'person.firstName': 'firstName',
  'person.lastName': 'lastName',
  'internet.email': 'email',
  'internet.username': 'username',
  'internet.userName': 'username',
  'location.city': 'city',
  'location.state': 'state',
  'location.zipCode': 'zipCode',
  'location.country': 'country',
  'location.countryCode': 'countryCode',
}

const PERSON_KINDS = ['fullName', 'firstName', 'lastName', 'email', 'username'] as const

type Kind =
  | 'fullName'
  | 'firstName'
  | 'lastName'
  | 'email'
  | 'username'
  | 'city'
  | 'state'
  | 'zipCode'
  | 'country'
  | 'countryCode'

export interface CoherenceInput {
  name: string
  field: FieldDef
  faker: Faker
  scope: RecordScope
  resourceName: string
  now: Date
  /** a property of an object field or an array item: may show the record's place, never its person */
  nested: boolean
}

/**
 * A source of values tied to the rest of the record, or undefined for a field that stands alone. Ties:
 * `from` (declared), then the faker method the field's `faker` key names (without arguments) or its name
 * implies: names show the record's person, emails and usernames derive from it, address parts come from
 * the record's place. The caller checks each value against the field's rules and falls back otherwise.
 */
export function coherentSource(input: CoherenceInput): (() => unknown) | undefined {
  const { name, field, faker, scope } = input
  if (field.type !== 'string' || field.ref !== undefined) return undefined
  if (field.from !== undefined) return derivedSource(name, field, faker, scope)
  const kind = kindOf(input)
  if (kind === undefined) return undefined
  if (input.nested && (PERSON_KINDS as readonly string[]).includes(kind)) return undefined
  switch (kind) {
    case 'fullName':
    case 'firstName':
    case 'lastName':
      return () => scope.personFor(name)[kind]
    case 'email':
      return () => faker.internet.email(nameParts(scope.currentPerson()))
    case 'username':
      return () => faker.internet.username(nameParts(scope.currentPerson()))
    default:
      return () => scope.placeFor(name)[kind]
  }
}

function kindOf({ name, field, resourceName, now }: CoherenceInput): Kind | undefined {
  if (field.faker !== undefined) return field.faker.args.length === 0 ? KINDS[field.faker.method] : undefined
  if (field.enum !== undefined || field.pattern !== undefined || field.default !== undefined) return undefined
  const hint = inferHint(name, field, resourceName, now)
  if (hint?.kind === 'text') {
    const method = probe(hint.make)
    return method === undefined ? undefined : KINDS[method]
  }
  return hint === undefined && field.format === 'email' ? 'email' : undefined
}

/** The faker method a name rule calls first, found by calling it on a stand-in that records the call. */
function probe(make: (faker: Faker) => string): string | undefined {
  let called: string | undefined
  const fake = new Proxy(
    {},
    {
      get: (_, module) =>
        new Proxy(
          {},
          {
            get:
              (__, method) =>
              (...args: unknown[]) => {
                called ??= args.length === 0 ? `${String(module)}.${String(method)}` : ''
                return ''
              },
          },
        ),
    },
  ) as Faker
  try {
    make(fake)
  } catch {
    // a rule that does more with the result than a string allows: not one of ours
  }
  return called === '' ? undefined : called
}

function nameParts(person: Pick<Person, 'firstName' | 'lastName'>): { firstName: string; lastName: string } {
  return { firstName: person.firstName, lastName: person.lastName }
}

/** Honorifics and suffixes that are not a first or last name: "Dr. Ada Lovelace Jr." -> Ada, Lovelace. */
const NOT_A_NAME =
  /^(mr|mrs|ms|miss|dr|prof|sir|herr|frau|m|mme|mlle|jr|sr|i|ii|iii|iv|v|md|dds|phd|dvm)\.?$/i

/** `from: name` (or `from: [firstName, lastName]`): an email, a username, a slug, or the sources joined. */
function derivedSource(name: string, field: FieldDef, faker: Faker, scope: RecordScope): () => unknown {
  const sources = field.from!
  const normalized = normalizeName(name)
  const method = field.faker?.method
  const kind =
    field.format === 'email' || method === 'internet.email' || /(^|_)e_?mail(_address)?$/.test(normalized)
      ? 'email'
      : method === 'internet.username' ||
          method === 'internet.userName' ||
          /(^|_)(user_?name|login|handle|nickname|screen_name)$/.test(normalized)
        ? 'username'
        : /(^|_)slug$/.test(normalized)
          ? 'slug'
          : 'join'
  return () => {
    const values = sources
      .map((source) => scope.record[source])
      .filter((value): value is string => typeof value === 'string' && value.trim() !== '')
    if (kind === 'join') return values.join(' ')
    if (kind === 'slug') return faker.helpers.slugify(values.join(' ')).toLowerCase()
    const parts = partsOf(values, scope.shownPerson())
    return kind === 'email' ? faker.internet.email(parts) : faker.internet.username(parts)
  }
}

/** First and last name from the source values: the record's person when they show it, else their words. */
function partsOf(
  values: readonly string[],
  person: Person | undefined,
): { firstName: string; lastName: string } {
  if (values.length === 0) return { firstName: 'user', lastName: '' }
  if (
    person !== undefined &&
    values.every((value) => value.includes(person.firstName) || value.includes(person.lastName))
  )
    return nameParts(person)
  if (values.length > 1) return { firstName: values[0]!, lastName: values.at(-1)! }
  const words = values[0]!
    .split(/\s+/)
    .map((word) => word.replace(/[^\p{L}\p{N}'-]/gu, ''))
    .filter((word) => word !== '' && !NOT_A_NAME.test(word))
  if (words.length === 0) return { firstName: values[0]!.replace(/\s+/g, ''), lastName: '' }
  return { firstName: words[0]!, lastName: words.length > 1 ? words.at(-1)! : '' }
}
