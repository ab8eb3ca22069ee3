/**
 * The one shortcut table (as vitest's `stdin.ts`): the key handler dispatches from it and the
 * help view (`?`) and the footer print from it, so the help can never drift from the keys.
 */
import type {Key} from 'ink'

/** The screens of the TUI. */
export type View = 'help' | 'processes' | 'replay' | 'timeline'

/** Everything a key can ask for; the app maps each to one handler. */
export type ShortcutAction =
  | 'back'
  | 'cancel'
  | 'down'
  | 'expand'
  | 'filter'
  | 'fork'
  | 'help'
  | 'open'
  | 'pageDown'
  | 'pageUp'
  | 'quit'
  | 'replay'
  | 'signal'
  | 'skip'
  | 'up'

export interface Shortcut {
  action: ShortcutAction
  /** What the help and the footer print. */
  description: string
  /** The key as printed (`↑/k`, `enter`). */
  label: string
  /** Whether a key press is this shortcut. */
  matches: (input: string, key: Key) => boolean
  /** The footer's one word. */
  short: string
  /** Printed in the footer of these views (the help lists every shortcut). */
  footer: readonly View[]
  /** Active in these views (default: all). */
  views?: readonly View[]
}

/** A key typed alone: `c` is cancel, but Ctrl-C (also input `c`) must never be. */
function plain(char: string): (input: string, key: Key) => boolean {
  return (input, key) => input === char && !key.ctrl && !key.meta
}

const LISTS: readonly View[] = ['processes', 'timeline', 'replay']

export const SHORTCUTS: readonly Shortcut[] = [
  {action: 'up', short: 'up', description: 'move up', footer: [], label: '↑/k', matches: (i, k) => k.upArrow || plain('k')(i, k), views: LISTS},
  {action: 'down', short: 'down', description: 'move down', footer: [], label: '↓/j', matches: (i, k) => k.downArrow || plain('j')(i, k), views: LISTS},
  {action: 'pageUp', short: 'page up', description: 'page up', footer: [], label: 'pgup', matches: (_i, k) => k.pageUp, views: LISTS},
  {action: 'pageDown', short: 'page down', description: 'page down', footer: [], label: 'pgdn', matches: (_i, k) => k.pageDown, views: LISTS},
  {action: 'open', short: 'open', description: 'open the run’s timeline', footer: ['processes'], label: 'enter', matches: (_i, k) => k.return || k.rightArrow, views: ['processes']},
  {action: 'expand', short: 'details', description: 'fold/unfold the event’s details', footer: ['timeline'], label: 'enter', matches: (i, k) => k.return || plain(' ')(i, k), views: ['timeline']},
  {action: 'back', short: 'back', description: 'back to the list', footer: ['timeline', 'replay', 'help'], label: 'esc', matches: (_i, k) => k.escape || k.leftArrow || k.backspace, views: ['timeline', 'replay', 'help']},
  {action: 'filter', short: 'filter', description: 'filter runs', footer: ['processes'], label: '/', matches: plain('/'), views: ['processes']},
  {action: 'signal', short: 'signal', description: 'send a signal (topic + JSON)', footer: ['processes', 'timeline'], label: 's', matches: plain('s'), views: LISTS},
  {action: 'skip', short: 'skip', description: 'time skip to the next timer', footer: ['processes', 'timeline'], label: 't', matches: plain('t'), views: LISTS},
  {action: 'fork', short: 'fork', description: 'fork at the selected event', footer: ['timeline', 'replay'], label: 'f', matches: plain('f'), views: ['timeline', 'replay']},
  {action: 'cancel', short: 'cancel', description: 'cancel the run', footer: ['processes', 'timeline'], label: 'c', matches: plain('c'), views: LISTS},
  {action: 'replay', short: 'replay', description: 'replay check against the code', footer: ['processes', 'timeline'], label: 'r', matches: plain('r'), views: LISTS},
  {action: 'help', short: 'help', description: 'this help', footer: ['processes', 'timeline', 'replay'], label: '?', matches: plain('?')},
  {action: 'quit', short: 'quit', description: 'quit: stops the dev server cleanly (Ctrl-C too)', footer: ['processes', 'timeline', 'replay', 'help'], label: 'q', matches: (i, k) => plain('q')(i, k) || (k.ctrl && i === 'c')},
]

/** The shortcut a key press means in a view, if any. */
export function matchShortcut(view: View, input: string, key: Key): Shortcut | undefined {
  return SHORTCUTS.find((s) => (s.views === undefined || s.views.includes(view)) && s.matches(input, key))
}

/**
 * The footer of a view: `enter open · / filter · ...`. When it is wider than `width`, keys
 * are dropped from the middle: `? help` and `q quit` always stay, since help lists the rest.
 */
export function footerText(view: View, width = Number.POSITIVE_INFINITY): string {
  const items = SHORTCUTS.filter((s) => s.footer.includes(view)).map((s) => ({keep: s.action === 'help' || s.action === 'quit', text: `${s.label} ${s.short}`}))
  const join = (): string => items.map((i) => i.text).join(' · ')
  while (join().length > width) {
    const drop = items.findLastIndex((i) => !i.keep)
    if (drop === -1) break
    items.splice(drop, 1)
  }
  return join()
}
