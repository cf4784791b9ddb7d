/**
 * restmock as a library: startMock serves a mock over HTTP, createMock builds one in process, connectMock
 * drives one running elsewhere. Each comes with the same typed admin client (faults, simulation, request
 * journal, state).
 */
export { ConfigError } from './core/errors.ts'
export type { Issue } from './core/manifest/model.ts'
export { AdminApiError, type AdminClient } from './library/admin-client.ts'
export type {
  DbState,
  Duration,
  Fault,
  FaultInput,
  FaultKind,
  Health,
  IssuedTokens,
  JournalEntry,
  MockRecord,
  OpenApiDocument,
  Problem,
  RequestFilter,
  SimulationPolicy,
  TokenRequest,
  TruncatedBody,
  Weighted,
} from './library/admin-types.ts'
export type {
  FieldDef,
  FieldType,
  Manifest,
  ManifestAuth,
  ResourceAuth,
  ResourceDef,
  Scopes,
  StaticCredential,
} from './library/manifest-types.ts'
export {
  type ConnectOptions,
  connectMock,
  createMock,
  type InProcessMock,
  type Mock,
  startMock,
} from './library/mock-handles.ts'
export type { MockFetch, MockSession } from './library/session-handle.ts'
export type { MockOptions, StartOptions } from './server/options.ts'
