// Go durations are parsed in util/ (flags use them too, and cli/ must not depend on schema/).
export { MILLISECOND_NS, parseDuration } from '../util/duration.js';
