export interface ProgressBar {
  update(done: number, total: number): void
  /** ends the line the bar was drawn on */
  finish(): void
}

const WIDTH = 30

/** One line of progress, redrawn in place: `generating [#########.....]  45%  45000/100000` */
export function renderProgress(done: number, total: number): string {
  const share = total === 0 ? 1 : Math.min(1, done / total)
  const filled = Math.round(share * WIDTH)
  const percent = `${Math.floor(share * 100)}%`.padStart(4)
  return `generating [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${percent}  ${done}/${total}`
}

/** A progress bar on a terminal stream (the caller decides whether there should be one). */
export function progressBar(write: (text: string) => void): ProgressBar {
  let drawn = false
  return {
    update(done, total) {
      write(`\r${renderProgress(done, total)}`)
      drawn = true
    },
    finish() {
      if (drawn) write('\n')
    },
  }
}
