import type { ManifestCheck } from '../core/manifest/validate.ts'
import { simulationCheck } from '../core/simulation/manifest-check.ts'
import { generationCheck } from './generation-check.ts'

/** Checks other modules add to manifest validation, run wherever a manifest is validated. */
export const MANIFEST_CHECKS: readonly ManifestCheck[] = [simulationCheck, generationCheck]
