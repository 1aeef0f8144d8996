// Meta lists a batch's messages in no promised order: one person's "sheena@example.com" may come after the words they
// wrote next. Each person's messages are put back in the order they were written (by Meta's timestamps), in the
// places their messages held in the batch, so everything else (other people, statuses, identity news) keeps its place.

/**
 * The batch with each person's messages in the order they were written; messages of the same second keep Meta's order.
 * `personOf` names a message's person (undefined: not a person's message, left where it is).
 *
 *     const ordered = inWrittenOrder(items, (item) => (item.kind === 'message' ? { person: item.inbound.from.id, at: item.inbound.at } : undefined));
 */
export function inWrittenOrder<Item>(items: readonly Item[], personOf: (item: Item) => { person: string; at: string } | undefined): Item[] {
  const places = new Map<string, { index: number; at: number; item: Item }[]>();
  items.forEach((item, index) => {
    const written = personOf(item);
    if (written === undefined) return;
    const list = places.get(written.person) ?? [];
    list.push({ index, at: Date.parse(written.at), item });
    places.set(written.person, list);
  });
  const ordered = [...items];
  for (const list of places.values()) {
    if (list.length < 2) continue;
    const byTime = [...list].sort((a, b) => a.at - b.at);
    list.forEach((place, n) => {
      ordered[place.index] = byTime[n]!.item;
    });
  }
  return ordered;
}
