/** RFC 7240 Prefer: the `return` preference (other preferences belong to simulation). */
export function preferredReturn(header: string | undefined): 'minimal' | 'representation' | undefined {
  if (header === undefined) return undefined
  const match = /(?:^|[,;\s])return\s*=\s*"?(minimal|representation)"?/i.exec(header)
  return match === null ? undefined : (match[1]!.toLowerCase() as 'minimal' | 'representation')
}
