import { inflateSync, constants } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { deflateFixedSyncFlush } from '../../src/kube/portforward.js';

describe('SPDY header compression', () => {
  it('frames are one zlib stream that any inflater reads frame by frame (sync flush)', () => {
    const a = Buffer.from('\u0000\u0000\u0000\u0001\u0000\u0000\u0000\u0004port\u0000\u0000\u0000\u000515000');
    const b = Buffer.from(Array.from({ length: 300 }, (_, i) => i & 0xff));
    const first = Buffer.concat([Buffer.from([0x78, 0x01]), deflateFixedSyncFlush(a)]);
    const second = deflateFixedSyncFlush(b);
    // Every frame ends with the sync-flush marker, so the stream so far inflates completely.
    expect(first.subarray(-4)).toEqual(Buffer.from([0, 0, 0xff, 0xff]));
    expect(inflateSync(first, { finishFlush: constants.Z_SYNC_FLUSH })).toEqual(a);
    expect(inflateSync(Buffer.concat([first, second]), { finishFlush: constants.Z_SYNC_FLUSH })).toEqual(Buffer.concat([a, b]));
  });
});
