/**
 * wippy's help class (package.json `oclif.helpClass`). oclif prints a command's summary at the
 * top of its help and then again as the first line of DESCRIPTION; every wippy command sets a
 * one-line `summary` and keeps the detail in `description`, so DESCRIPTION shows only the detail.
 */
import {CommandHelp, Help} from '@oclif/core'

class WippyCommandHelp extends CommandHelp {
  protected override description(): string | undefined {
    const {description, summary} = this.command
    if (!summary) return super.description()
    return description ? this.wrap(description) : undefined
  }
}

export default class WippyHelp extends Help {
  protected override CommandHelpClass = WippyCommandHelp
}
