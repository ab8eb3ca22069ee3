/**
 * The one shortcut table (as vitest's `stdin.ts`): the key handler dispatches from it and the
 * help view (`?`) and the footer print from it, so the help can never drift from the keys.
 */
import type {Key} from 'ink'

/** The screens of the TUI. */
export type View = 'help' | 'process' | 'processes' | 'replay' | 'timeline'

/** Everything a key can ask for; the app maps each to one handler. */
export type ShortcutAction =
  | 'back'
  | 'cancel'
  | 'down'
  | 'end'
  | 'expand'
  | 'filter'
  | 'fork'
  | 'help'
  | 'home'
  | 'open'
  | 'pageDown'
  | 'pageUp'
  | 'quit'
  | 'replay'
  | 'signal'
  | 'skip'
  | 'terminate'
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
/** Views that act on one run (the list's selected row, or the open run). */
const RUN_VIEWS: readonly View[] = ['processes', 'timeline', 'replay']

export const SHORTCUTS: readonly Shortcut[] = [
  {
    action: 'up',
    short: 'up',
    description: 'move up',
    footer: [],
    label: '↑/k',
    matches: (i, k) => k.upArrow || plain('k')(i, k),
    views: LISTS,
  },
  {
    action: 'down',
    short: 'down',
    description: 'move down',
    footer: [],
    label: '↓/j',
    matches: (i, k) => k.downArrow || plain('j')(i, k),
    views: LISTS,
  },
  {
    action: 'pageUp',
    short: 'page up',
    description: 'page up',
    footer: [],
    label: 'pgup',
    matches: (_i, k) => k.pageUp,
    views: LISTS,
  },
  {
    action: 'pageDown',
    short: 'page down',
    description: 'page down',
    footer: [],
    label: 'pgdn',
    matches: (_i, k) => k.pageDown,
    views: LISTS,
  },
  {
    action: 'home',
    short: 'first',
    description: 'first row',
    footer: [],
    label: 'home/g',
    matches: (i, k) => k.home || plain('g')(i, k),
    views: LISTS,
  },
  {
    action: 'end',
    short: 'last',
    description: 'last row',
    footer: [],
    label: 'end/G',
    matches: (i, k) => k.end || plain('G')(i, k),
    views: LISTS,
  },
  {
    action: 'open',
    short: 'open',
    description: 'open the run’s timeline (a service: its state)',
    footer: ['processes'],
    label: 'enter',
    matches: (_i, k) => k.return || k.rightArrow,
    views: ['processes'],
  },
  {
    action: 'expand',
    short: 'details',
    description: 'fold/unfold the event’s details',
    footer: ['timeline'],
    label: 'enter',
    matches: (i, k) => k.return || plain(' ')(i, k),
    views: ['timeline'],
  },
  {
    action: 'back',
    short: 'back',
    description: 'back (help: close it)',
    footer: ['timeline', 'replay', 'help', 'process'],
    label: 'esc',
    matches: (_i, k) => k.escape || k.leftArrow || k.backspace,
    views: ['timeline', 'replay', 'help', 'process'],
  },
  {
    action: 'filter',
    short: 'filter',
    description: 'filter runs (a new filter each time)',
    footer: ['processes'],
    label: '/',
    matches: plain('/'),
    views: ['processes'],
  },
  {
    action: 'signal',
    short: 'signal',
    description: 'send a signal (topic + JSON)',
    footer: ['processes', 'timeline'],
    label: 's',
    matches: plain('s'),
    views: RUN_VIEWS,
  },
  {
    action: 'skip',
    short: 'skip',
    description: 'time skip to the next timer',
    footer: ['processes', 'timeline'],
    label: 't',
    matches: plain('t'),
    views: RUN_VIEWS,
  },
  {
    action: 'fork',
    short: 'fork',
    description: 'fork (at the event, before a divergence; old code: on new code)',
    footer: ['processes', 'timeline', 'replay'],
    label: 'f',
    matches: plain('f'),
    views: RUN_VIEWS,
  },
  {
    action: 'cancel',
    short: 'cancel',
    description: 'cancel the run (asks first)',
    footer: ['processes', 'timeline'],
    label: 'c',
    matches: plain('c'),
    views: RUN_VIEWS,
  },
  {
    action: 'terminate',
    short: 'terminate',
    description: 'terminate the run (asks first; a reason)',
    footer: ['processes', 'timeline'],
    label: 'x',
    matches: plain('x'),
    views: RUN_VIEWS,
  },
  {
    action: 'replay',
    short: 'replay',
    description: 'replay check against the code',
    footer: ['processes', 'timeline'],
    label: 'r',
    matches: plain('r'),
    views: RUN_VIEWS,
  },
  {
    action: 'help',
    short: 'help',
    description: 'this help (? again closes it)',
    footer: ['processes', 'timeline', 'replay', 'process', 'help'],
    label: '?',
    matches: plain('?'),
  },
  {
    action: 'quit',
    short: 'quit',
    description: 'quit: stops the dev server (Ctrl-C too; in a prompt: closes it)',
    footer: ['processes', 'timeline', 'replay', 'process', 'help'],
    label: 'q',
    matches: (i, k) => plain('q')(i, k) || (k.ctrl && i === 'c'),
  },
]

/** The shortcut a key press means in a view, if any. */
export function matchShortcut(view: View, input: string, key: Key): Shortcut | undefined {
  return SHORTCUTS.find((s) => (s.views === undefined || s.views.includes(view)) && s.matches(input, key))
}

/**
 * Which keys a narrow footer leaves out first: the ones everybody knows (esc, enter, /), then
 * the rarer actions; the run actions (cancel, terminate, replay) stay longest.
 */
const DROP_FIRST: readonly ShortcutAction[] = [
  'back',
  'expand',
  'open',
  'filter',
  'skip',
  'signal',
  'fork',
  'replay',
  'terminate',
  'cancel',
]

/**
 * The footer of a view: `enter open · / filter · ...`, only the keys that `applies` to the
 * current row. When it is wider than `width`, keys are left out in {@link DROP_FIRST} order:
 * `? help` and `q quit` always stay, since help lists the rest.
 */
export function footerText(
  view: View,
  width = Number.POSITIVE_INFINITY,
  applies: (action: ShortcutAction) => boolean = () => true,
): string {
  const items = SHORTCUTS.filter((s) => s.footer.includes(view) && applies(s.action)).map((s) => ({
    action: s.action,
    text: `${s.label} ${s.short}`,
  }))
  const join = (): string => items.map((i) => i.text).join(' · ')
  for (const action of DROP_FIRST) {
    if (join().length <= width) break
    const at = items.findIndex((i) => i.action === action)
    if (at !== -1) items.splice(at, 1)
  }
  return join()
}
