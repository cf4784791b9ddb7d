import { rename, writeFile } from 'node:fs/promises'

/** Save as editors do: write a temporary file beside it, then rename it over the original. */
export async function saveAtomically(path: string, content: unknown): Promise<void> {
  const temporary = `${path}.tmp-${process.pid}`
  await writeFile(temporary, typeof content === 'string' ? content : JSON.stringify(content))
  await rename(temporary, path)
}

/**
 * Poll `probe` until it answers something other than false or undefined (a file watcher reacts on its
 * own time), and return that; fails the test after `timeoutMs`.
 */
export async function until<T>(
  what: string,
  probe: () => T | false | undefined | Promise<T | false | undefined>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== undefined && value !== false) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}
