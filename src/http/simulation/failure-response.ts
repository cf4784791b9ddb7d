import { RestmockError } from '../../core/errors.ts'
import type { SimulatedFailure } from '../../core/simulation/types.ts'
import { problemResponse } from '../problem.ts'

/** The problem+json answer of a simulated failure or a rate-limited request. */
export function failureResponse(
  failure: SimulatedFailure,
  rateLimitHeaders: Readonly<Record<string, string>> | undefined,
  instance: string,
  cors: Readonly<Record<string, string>>,
): Response {
  const headers = { ...rateLimitHeaders, ...failure.headers }
  return problemResponse(
    new RestmockError(failure.code, failure.detail, { status: failure.status, headers }),
    instance,
    cors,
  )
}

/** 504 after a `timeout` fault held the request for `simulate.timeout`. */
export function timeoutResponse(
  timeoutMs: number,
  instance: string,
  cors: Readonly<Record<string, string>>,
): Response {
  const detail = `simulated timeout: the request was held for ${timeoutMs}ms (simulate.timeout)`
  return problemResponse(new RestmockError('simulated_failure', detail, { status: 504 }), instance, cors)
}

/** In-process (no socket) a connection fault that needs one is answered as a 502 instead. */
export function noSocketResponse(
  kind: string,
  instance: string,
  cors: Readonly<Record<string, string>>,
): Response {
  const detail = `simulated "${kind}" connection fault: there is no socket in-process, so it is answered with 502`
  return problemResponse(
    new RestmockError('simulated_failure', detail, { status: 502, headers: { 'x-restmock-fault': kind } }),
    instance,
    cors,
  )
}
