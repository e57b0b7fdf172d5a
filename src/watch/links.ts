/**
 * The watcher's links view and its way to run `ip addr add/del`:
 *  - netlink (the default): one `ip -o monitor address link` child over a
 *    dump, read without a spawn (adapters/netlink/monitor-view.ts), and one
 *    `ip -batch -` child for the plan's ip commands (adapters/netlink/ip-batch.ts);
 *  - spawn (VIPCTL_LINKS_VIEW=spawn, for bench:idle's "before"): one
 *    `ip -json addr show` per read, joined per turn (pass/join-next), and
 *    one `ip` process per command.
 */
import type { LinksView } from '../core/links-view';
import type { Link } from '../core/local';
import { readLinks } from '../adapters/ip';
import { run } from '../adapters/run';
import type { StepRunner } from '../adapters/execute';
import { MonitorView } from '../adapters/netlink/monitor-view';
import { IpBatch, ipRunner } from '../adapters/netlink/ip-batch';
import { JoinNext } from '../pass/join-next';

export interface WatchLinks extends LinksView {
  /** For converge's runExec: the plan's ip commands. */
  runExec: StepRunner;
  /** For converge's readFresh: read({ fresh: true }). */
  readFresh: () => Promise<Link[]>;
  /** Which implementation this is. */
  kind: 'netlink' | 'spawn';
}

export async function openLinksView(o: { onEvent?: (e: { event: 'resync' | 'restart'; reason: string }) => void } = {}): Promise<WatchLinks> {
  if (process.env.VIPCTL_LINKS_VIEW === 'spawn') {
    const joined = new JoinNext(readLinks);
    return {
      kind: 'spawn',
      read: (r) => (r?.fresh ? readLinks() : joined.get()),
      readFresh: () => readLinks(),
      invalidate: () => undefined,
      close: async () => undefined,
      runExec: run,
    };
  }
  const view = await MonitorView.open(o.onEvent ? { onEvent: o.onEvent } : {});
  const batch = new IpBatch();
  return {
    kind: 'netlink',
    read: (r) => view.read(r),
    readFresh: () => view.read({ fresh: true }),
    invalidate: () => view.invalidate(),
    close: async () => {
      await Promise.all([view.close(), batch.close()]);
    },
    runExec: ipRunner(batch),
  };
}
