import { addHint, kindOf } from '../util/errors.js';

/** A refused cluster call (403) also points at precheck, which lists every missing permission. */
export async function guard<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (kindOf(e) === 'forbidden') throw addHint(e, 'Run `istio-ts precheck` to see which permissions are missing.');
    throw e;
  }
}
