import { bashFragment } from '../shell/fragment.js';

/** `write_if_changed FILE [MODE [OWNER]]` (./write-if-changed.sh), for the backends that write files from stdin. */
export const WRITE_IF_CHANGED = bashFragment(new URL('./write-if-changed.sh', import.meta.url));
