import type { ChildProcess } from 'node:child_process'
import { after } from 'node:test'
import { collectOutput, start } from './cli-helpers.ts'

/** A `restmock` serve process that printed its listening line. */
export interface RunningCli {
  child: ChildProcess
  url: string
  port: number
  /** everything written so far */
  stdout(): string
  stderr(): string
  /** resolves with the exit code (null when killed by a signal) and the signal */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

const children: ChildProcess[] = []
after(() => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
})

/** Spawn the real CLI and resolve once it printed `restmock listening on ...` (rejects if it exits first). */
export function serveCli(
  args: readonly string[],
  cwd: string,
  timeoutMs = 10_000,
  env: NodeJS.ProcessEnv = {},
): Promise<RunningCli> {
  const child = start(args, cwd, env)
  children.push(child)
  const { stdout, stderr } = collectOutput(child)
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal })),
  )
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no listening line in time; stderr: ${stderr()}`)),
      timeoutMs,
    )
    const onData = (): void => {
      const match = /^restmock listening on (http:\/\/\S+:(\d+))$/m.exec(stdout())
      if (match === null) return
      clearTimeout(timer)
      child.stdout?.off('data', onData)
      resolve({
        child,
        url: match[1]!,
        port: Number(match[2]),
        stdout,
        stderr,
        exited,
      })
    }
    child.stdout?.on('data', onData)
    void exited.then(({ code }) => {
      clearTimeout(timer)
      reject(new Error(`restmock exited (${code}) before listening; stderr: ${stderr()}`))
    })
  })
}
