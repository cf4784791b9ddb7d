/** Seed generation with faker. Load this module dynamically: it is not on the CLI's startup path. */
export { fakerIssues } from './faker-issues.ts'
export { type GenerateOptions, generateData } from './generate-data.ts'
export { loadFaker } from './load-faker.ts'
export { refCycleIssues } from './order.ts'
