/**
 * Ink hands over one stdin read as one input: a paste, fast typing or a laggy ssh/tmux link
 * gives `"jjj"` or `"/metrics\r"` in one call. {@link splitKeys} turns such a chunk back into
 * the keys it holds, so every key is handled (and an Enter stays an Enter).
 */
import type {Key} from 'ink'

export interface KeyPress {
  input: string
  key: Key
}

const NO_KEY: Key = {
  backspace: false,
  capsLock: false,
  ctrl: false,
  delete: false,
  downArrow: false,
  end: false,
  escape: false,
  home: false,
  hyper: false,
  leftArrow: false,
  meta: false,
  numLock: false,
  pageDown: false,
  pageUp: false,
  return: false,
  rightArrow: false,
  shift: false,
  super: false,
  tab: false,
  upArrow: false,
}

/** A key press as Ink would report one typed character. */
export function charKey(char: string): KeyPress {
  switch (char) {
    case '\r':
    case '\n':
      return {input: '', key: {...NO_KEY, return: true}}
    case '\t':
      return {input: '', key: {...NO_KEY, tab: true}}
    case '\u007F':
    case '\b':
      return {input: '', key: {...NO_KEY, backspace: true}}
    default: {
      const code = char.codePointAt(0) ?? 0
      // Ctrl-A..Ctrl-Z: Ink reports the letter with `ctrl`.
      if (code >= 1 && code <= 26) return {input: String.fromCodePoint(code + 96), key: {...NO_KEY, ctrl: true}}
      return {input: char, key: {...NO_KEY, shift: /[A-Z]/.test(char)}}
    }
  }
}

/**
 * The keys of one input. A single key (or a named one: arrows, Home...) is returned as is; a
 * chunk of plain characters becomes one key press per character.
 */
export function splitKeys(input: string, key: Key): KeyPress[] {
  const chars = [...input]
  if (chars.length <= 1 || key.ctrl || key.meta) return [{input, key}]
  return chars.map(charKey)
}

/**
 * Where the app hands a prompt its keys: the open prompt sets it while it is mounted. The
 * handler returns whether the prompt takes more keys (false once it sent or closed).
 */
export interface KeySlot {
  current: ((input: string, key: Key) => boolean) | undefined
}
