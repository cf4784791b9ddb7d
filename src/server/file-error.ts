/** Why a file could not be used, in words that follow its name ("<file> is a folder"). */
export function fileErrorReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code
  if (code === 'EISDIR') return 'is a folder'
  if (code === 'ENOENT') return 'is in a folder that does not exist'
  if (code === 'EACCES' || code === 'EPERM') return 'is not writable'
  return `cannot be used (${(error as Error).message})`
}
