/** restmock as a library: start a real server, or build an in-process Hono app for tests. */
export type { Engine } from './core/engine.ts'
export { ConfigError, type ErrorCode, type FieldError, RestmockError } from './core/errors.ts'
export type { FieldDef, Manifest, ResourceDef } from './core/manifest/types.ts'
export type { Rec, StateData } from './core/state.ts'
export { createMock, type MockApp } from './server/create-mock.ts'
export type { MockOptions, StartOptions } from './server/options.ts'
export { type RunningMock, startMock } from './server/start-mock.ts'
