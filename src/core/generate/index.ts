/** Seed generation with faker. Load this module lazily: it is not on the CLI's startup path. */
export { fakerIssues } from './faker-issues.ts'
export { type GenerateOptions, generateData } from './generate-data.ts'
export { fakerLocaleName, loadFaker, MISSING_MODULE_CODES, unknownLocaleError } from './load-faker.ts'
export { refCycleIssues } from './order.ts'
export { GENERATION_EPOCH, referenceDate } from './reference-date.ts'
