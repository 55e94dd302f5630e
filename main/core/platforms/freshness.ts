// Which is newer, a read's answer or an event? A read (the state re-read after a reconnect, a
// PATCH's own answer) may be answered before a change whose event then arrives before the answer
// does: applying the answer last would put the older value back on screen for good (seen in e2e on
// Genesys Cloud: a supervisor's "Training" overwritten by the resync's "Meal"). Events on one
// channel arrive in order, so the last event of a kind is at least as new as any read asked for
// before it arrived:
// - whole values (presence, routing status, the agent's state): a read gives way to an event of its
//   kind that arrived while it was out;
// - lists that change one item at a time (calls, conversations): the item events that arrived while
//   the list was out are applied again on top of the list.
export interface ReadTicket<Kind extends string, Item> {
  readonly seen: ReadonlyMap<Kind, number>;
  /** Item events that arrived while this read was out, in order. */
  readonly items: Item[];
}

export class Freshness<Kind extends string, Item = never> {
  private readonly seen = new Map<Kind, number>();
  private readonly open = new Set<ReadTicket<Kind, Item>>();

  /** An event of this kind was applied. */
  event(kind: Kind): void {
    this.seen.set(kind, (this.seen.get(kind) ?? 0) + 1);
  }

  /** An item event was applied: every read out now replays it on its list. */
  item(item: Item): void {
    for (const ticket of this.open) ticket.items.push(item);
  }

  /** Before the read's request leaves. */
  begin(): ReadTicket<Kind, Item> {
    const ticket: ReadTicket<Kind, Item> = { seen: new Map(this.seen), items: [] };
    this.open.add(ticket);
    return ticket;
  }

  /** The read's answer is in (or it failed): stop recording for it. */
  end(ticket: ReadTicket<Kind, Item>): void {
    this.open.delete(ticket);
  }

  /** True while no event of this kind arrived since the ticket was taken: the answer may be shown. */
  current(ticket: ReadTicket<Kind, Item>, kind: Kind): boolean {
    return (this.seen.get(kind) ?? 0) === (ticket.seen.get(kind) ?? 0);
  }

  /** Runs a read with a ticket that ends whatever the outcome. */
  async read<T>(run: (ticket: ReadTicket<Kind, Item>) => Promise<T>): Promise<T> {
    const ticket = this.begin();
    try {
      return await run(ticket);
    } finally {
      this.end(ticket);
    }
  }
}
