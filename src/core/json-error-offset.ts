/**
 * The offset of the first character that makes `text` invalid JSON (text.length when it ends too early),
 * or undefined when it is valid. V8's messages give a position only for some errors, so the state file's
 * error report finds it here; this runs only after JSON.parse has failed.
 */
export function jsonErrorOffset(text: string): number | undefined {
  let at = 0
  const fail = (): never => {
    throw at
  }
  const ws = (): void => {
    while (at < text.length && ' \t\n\r'.includes(text[at]!)) at++
  }
  const expect = (char: string): void => {
    if (text[at] !== char) fail()
    at++
  }
  const literal = (word: string): void => {
    for (const char of word) expect(char)
  }
  const string = (): void => {
    expect('"')
    while (at < text.length && text[at] !== '"') {
      const code = text.charCodeAt(at)
      if (code < 0x20) fail()
      if (text[at] === '\\') {
        at++
        if (text[at] === 'u') {
          at++
          for (let i = 0; i < 4; i++) {
            if (!/[0-9a-fA-F]/.test(text[at] ?? '')) fail()
            at++
          }
          continue
        }
        if (!'"\\/bfnrt'.includes(text[at] ?? 'x')) fail()
      }
      at++
    }
    expect('"')
  }
  const number = (): void => {
    const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(at, at + 400))
    if (!match || match[0] === '' || match[0] === '-') fail()
    at += match![0].length
  }
  const object = (): void => {
    expect('{')
    ws()
    if (text[at] === '}') {
      at++
      return
    }
    for (;;) {
      ws()
      string()
      ws()
      expect(':')
      value()
      ws()
      if (text[at] !== ',') break
      at++
    }
    expect('}')
  }
  const array = (): void => {
    expect('[')
    ws()
    if (text[at] === ']') {
      at++
      return
    }
    for (;;) {
      value()
      ws()
      if (text[at] !== ',') break
      at++
    }
    expect(']')
  }
  const value = (): void => {
    ws()
    const char = text[at]
    if (char === '{') object()
    else if (char === '[') array()
    else if (char === '"') string()
    else if (char === 't') literal('true')
    else if (char === 'f') literal('false')
    else if (char === 'n') literal('null')
    else if (char === '-' || (char !== undefined && char >= '0' && char <= '9')) number()
    else fail()
  }
  try {
    value()
    ws()
    if (at < text.length) fail()
    return undefined
  } catch (offset) {
    if (typeof offset !== 'number') throw offset
    return Math.min(offset, text.length)
  }
}
