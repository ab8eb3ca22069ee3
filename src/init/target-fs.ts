/**
 * Where a project may be created. Pseudo filesystems (/proc, /sys, …) are refused before any
 * write: Node's `mkdir({recursive: true})` loops forever on /proc, and nothing there can hold
 * a project anyway. Write failures (EACCES, EPERM, EROFS, ENOSPC) become one clear error.
 */
import {statfsSync} from 'node:fs'
import {dirname, resolve} from 'node:path'

import {WippyError} from '../errors.js'
import {fsReason} from '../cli/file-errors.js'

/** statfs magic numbers of Linux pseudo filesystems (linux/magic.h). */
const PSEUDO_FS: ReadonlyMap<number, string> = new Map([
  [0x9fa0, 'proc'],
  [0x62656572, 'sysfs'],
  [0x1cd1, 'devpts'],
  [0x64626720, 'debugfs'],
  [0x74726163, 'tracefs'],
  [0x73636673, 'securityfs'],
  [0x27e0eb, 'cgroup'],
  [0x63677270, 'cgroup2'],
  [0xcafe4a11, 'bpf'],
  [0x6165676c, 'pstore'],
  [0x42494e4d, 'binfmt_misc'],
  [0xf97cff8c, 'selinuxfs'],
  [0x6e736673, 'nsfs'],
])

/** Paths refused by name too, for systems where statfs does not tell. */
const PSEUDO_ROOTS = ['/proc', '/sys', '/dev']

/** @throws WippyError WIPPY_INIT_BAD_LOCATION when `target` is on a pseudo filesystem. */
export function assertWritableLocation(target: string): void {
  const abs = resolve(target)
  const byName = PSEUDO_ROOTS.find((root) => abs === root || abs.startsWith(`${root}/`))
  const fsType = byName ? undefined : pseudoFsOf(abs)
  if (byName || fsType) {
    throw new WippyError(
      'WIPPY_INIT_BAD_LOCATION',
      `Can't create a project in ${abs}: it is on ${fsType ? `a ${fsType} pseudo filesystem` : `${byName}, a system pseudo filesystem`}.`,
      {
        hint: 'Choose a folder in your home or work directory, e.g. `wippy init ~/my-app`.',
      },
    )
  }
}

/** The pseudo filesystem holding the nearest existing ancestor of `abs`, if it is one. */
function pseudoFsOf(abs: string): string | undefined {
  for (let dir = abs; ; dir = dirname(dir)) {
    try {
      return PSEUDO_FS.get(Number(statfsSync(dir).type))
    } catch {
      if (dirname(dir) === dir) return undefined // nothing exists up to the root
    }
  }
}

/** A write during init failed: name the path and the reason in words, no stack. */
export function initWriteError(path: string, error: unknown): WippyError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  const reason =
    code === 'EROFS' ? 'the filesystem is read-only' : code === 'ENOSPC' ? 'the disk is full' : fsReason(error)
  return new WippyError('WIPPY_INIT_CANT_WRITE', `Can't write ${path}: ${reason}.`, {
    hint: 'Choose a folder you can write to, e.g. `wippy init ~/my-app`.',
  })
}
