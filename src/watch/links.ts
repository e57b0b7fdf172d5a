/**
 * The watcher's links view: today one `ip -json addr show` per read, joined
 * for every read asked in the same turn of the event loop (pass/join-next).
 */
import type { LinksView } from '../core/links-view';
import { readLinks } from '../adapters/ip';
import { JoinNext } from '../pass/join-next';

export async function openLinksView(): Promise<LinksView> {
  const joined = new JoinNext(readLinks);
  return {
    read: (o) => (o?.fresh ? readLinks() : joined.get()),
    invalidate: () => undefined,
    close: async () => undefined,
  };
}
