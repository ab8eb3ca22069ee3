/** The current time, ticking every `ms`: the ages in the process list move without engine events. */
import {useEffect, useState} from 'react'

export function useNow(ms = 1000, now: () => number = Date.now): number {
  const [value, setValue] = useState(now)
  useEffect(() => {
    const timer = setInterval(() => setValue(now()), ms)
    return () => clearInterval(timer)
  }, [ms, now])
  return value
}
