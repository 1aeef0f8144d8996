// How a person came (an m.me link's ref, an ad), told by their channel before they write (Messenger's referral
// event): kept in the store until their next message takes it, so a restart, or another process on PostgreSQL taking
// that message, still gives it to them. One document a person, deleted once taken, and with the contact.
import type { WaitingReferrals } from '../types.ts';
import type { Store } from '../store/types.ts';
import { refuseWhileUnavailable } from './runtime.ts';

/** The store's collection of the referrals waiting for their person's next message, by `waitingReferralKey`. */
export const WAITING_REFERRALS = 'waiting-referrals';

interface WaitingReferral {
  referral: string;
}

/** The document key of a person's waiting referral; the erase of a contact deletes it for each of their identities. */
export function waitingReferralKey(channel: string, address: string): string {
  return `${channel}:${address}`;
}

/**
 * The host's `referrals` for `channel`, on `store`.
 *
 *     const referrals = waitingReferrals(store, 'messenger');
 *     await referrals.keep('6789012345678901', 'summer-sale');
 *     await referrals.waiting('6789012345678901'); // 'summer-sale'
 */
export function waitingReferrals(store: Store, channel: string): WaitingReferrals {
  const key = (address: string) => waitingReferralKey(channel, address);
  return {
    // The store out of reach is a refusal (503 and Retry-After to Meta, which sends the batch again), as a delivery's.
    keep(address, referral) {
      return refuseWhileUnavailable(store.transaction(`${WAITING_REFERRALS}:${key(address)}`, async (tx) => {
        tx.putDoc(WAITING_REFERRALS, key(address), { referral } satisfies WaitingReferral);
      }));
    },
    async waiting(address) {
      return (await refuseWhileUnavailable(store.doc<WaitingReferral>(WAITING_REFERRALS, key(address))))?.referral;
    },
    taken(address, referral) {
      return refuseWhileUnavailable(store.transaction(`${WAITING_REFERRALS}:${key(address)}`, async (tx) => {
        // A newer one, kept since it was read, waits for the next message.
        if ((await tx.doc<WaitingReferral>(WAITING_REFERRALS, key(address)))?.referral === referral) tx.deleteDoc(WAITING_REFERRALS, key(address));
      }));
    },
  };
}
