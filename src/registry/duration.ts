/** Go-style durations (`"500ms"`, `"1h30m"`), as the platform's YAML config writes them. */
export {parseDurationMs as parseGoDuration} from '../time/duration.js'
