/** One-line text editing for the prompts: typing (and pastes) appends, backspace deletes. */
import type {Key} from 'ink'

/** The edited value, or undefined when the key is not an edit (enter, esc, arrows...). */
export function editLine(value: string, input: string, key: Key): string | undefined {
  if (key.backspace || key.delete) return value.slice(0, -1)
  if (key.ctrl && input === 'u') return ''
  if (
    key.return ||
    key.escape ||
    key.tab ||
    key.upArrow ||
    key.downArrow ||
    key.leftArrow ||
    key.rightArrow ||
    key.ctrl ||
    key.meta
  )
    return undefined
  if (!input) return undefined
  // Pasted newlines would end the prompt: keep the text on one line.
  return value + input.replace(/[\r\n]+/g, ' ')
}
