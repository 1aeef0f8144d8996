// What the channel remembers of its own sends: an echo that comes before the answer of the send it echoes waits for
// it; an app id learned from our own echoes tells a person's at once; receipts' watermarks cover the messages sent
// before them, once per status.
import { describe, expect, it } from 'vitest';
import { OwnSends } from '../../../src/channels/messenger/own-sends.ts';

describe('echoes', () => {
  it('waits for a send to the same person still under way before deciding an echo is not ours', async () => {
    const sends = new OwnSends();
    const done = sends.begin('psid-1');
    let decided: boolean | undefined;
    const ours = sends.isOurs('psid-1', 'm_1').then((answer) => (decided = answer));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(decided).toBeUndefined();
    sends.sent('psid-1', 'm_1', 1000);
    done();
    expect(await ours).toBe(true);
    expect(await sends.isOurs('psid-1', 'm_other')).toBe(false);
  });

  it('learns its app id from its own echoes: an echo from another app is a person\'s, one from ours is its own', async () => {
    const sends = new OwnSends();
    sends.sent('psid-1', 'm_1', 1000);
    expect(await sends.isOurs('psid-1', 'm_1', { appId: '111' })).toBe(true);
    const busy = sends.begin('psid-1');
    expect(await sends.isOurs('psid-1', 'm_inbox', { appId: '263902037430900' })).toBe(false);
    expect(await sends.isOurs('psid-1', 'm_earlier_part', { appId: '111' })).toBe(true);
    busy();
  });
});

describe('receipts', () => {
  it('covers the messages sent up to the watermark, and those listed, once per status', () => {
    const sends = new OwnSends();
    sends.sent('psid-1', 'm_1', 1000);
    sends.sent('psid-1', 'm_2', 2000);
    sends.sent('psid-1', 'm_3', 3000);
    expect(sends.reached('psid-1', 'delivered', { mids: [], watermark: 2000 })).toEqual(['m_1', 'm_2']);
    expect(sends.reached('psid-1', 'delivered', { mids: ['m_3'], watermark: 2500 })).toEqual(['m_3']);
    // Instagram names the last message read.
    expect(sends.reached('psid-1', 'read', { mids: ['m_2'] })).toEqual(['m_2', 'm_1']);
    expect(sends.reached('psid-1', 'read', { mids: [], watermark: 9000 })).toEqual(['m_3']);
    expect(sends.reached('psid-2', 'read', { mids: ['m_unknown'] })).toEqual(['m_unknown']);
  });
});
