import {describe, expect, it} from 'vitest'

import {LineRenderer} from '../../src/dev/line-renderer.js'

/** The plain `wippy dev` banner counts in English: "1 process", not "1 processes". */
describe('wippy dev banner counts', () => {
  const banner = (entries: number, processes: number, open: number, total: number): string => {
    let text = ''
    new LineRenderer({write: (t: string) => (text += t)}).banner(
      {
        entries,
        persistence: {dir: '.wippy/dev', durable: true},
        processes,
        root: '/p',
        workflows: {blocked: 0, open, total},
      },
      {controlAddress: 'sock', readyMs: 12.7, watching: true},
    )
    return text.split('\n')[3] ?? ''
  }

  it('uses the singular for one', () => {
    expect(banner(1, 1, 1, 1)).toBe('  1 entry, 1 process, 1 open workflow (1 run, 0 blocked)')
  })

  it('uses the plural otherwise', () => {
    expect(banner(0, 2, 0, 3)).toBe('  0 entries, 2 processes, 0 open workflows (3 runs, 0 blocked)')
  })
})
