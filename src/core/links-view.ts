/**
 * The host's links and addresses as the watcher sees them. An adapter keeps
 * it (src/watch/links.ts opens one); the watcher's passes only read it.
 * `fresh: true` waits until the view reflects every change the kernel made
 * before the call (after a pass's own commands, or to confirm a bind);
 * `invalidate()` says "something changed behind you, read again next time".
 */
import type { Link } from './local';

export interface LinksView {
  read(o?: { fresh?: boolean }): Promise<Link[]>;
  invalidate(): void;
  close(): Promise<void>;
}
