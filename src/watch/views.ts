/**
 * The watcher's Sentinel queries, shared by every master: the passes that ask
 * within one turn of the event loop (the timer asks for every master at once)
 * share one batch, that is one `SENTINEL MASTERS` per Sentinel, whatever the
 * number of masters. A batch starts after the request (never an answer from a
 * query sent before it was asked for) and is not joined once sent: a request
 * during a batch in flight starts the next one at once, so a master's
 * event-driven pass never waits for another's query. Each master's view is
 * settled as soon as a strict majority agrees on it (or every Sentinel answered),
 * as the per-master query did. Answers that come after it settled are added
 * to the settled view's counts (never to its master: a strict majority of
 * the configured Sentinels cannot be outvoted), so a log line written a few
 * ms later says "3/3 sentinels agree" when all three did.
 */
import { answerFor, type SentinelMasters } from '../core/sentinel-masters';
import { agree, type SentinelView } from '../core/sentinel-view';

export interface SharedViewsDeps {
  /** Start one query per configured Sentinel. */
  query: () => Promise<SentinelMasters>[];
  total: number;
  /** Each Sentinel's reply as it comes (reachability, timings). */
  onReply?: (r: SentinelMasters, at: number) => void;
  /** Epoch ms (default Date.now). */
  now?: () => number;
}

interface Waiter {
  name: string;
  resolve: (v: SentinelView) => void;
}

export class SharedViews {
  private next: Waiter[] | null = null;
  /** Batches sent so far (for the tests and the log). */
  batches = 0;

  constructor(private readonly d: SharedViewsDeps) {}

  /** The majority view of one master, from the next batch. */
  view(name: string): Promise<SentinelView> {
    return new Promise((resolve) => {
      if (this.next === null) {
        this.next = [];
        setImmediate(() => this.send());
      }
      this.next.push({ name, resolve });
    });
  }

  private send(): void {
    const waiters = this.next ?? [];
    this.next = null;
    this.batches++;
    const replies: SentinelMasters[] = [];
    const open = new Set(waiters);
    const settled = new Map<Waiter, SentinelView>();
    for (const q of this.d.query()) {
      void q.then((r) => {
        replies.push(r);
        this.d.onReply?.(r, (this.d.now ?? Date.now)());
        const done = replies.length === this.d.total;
        for (const w of waiters) {
          const v = agree(replies.map((x) => answerFor(x, w.name)), this.d.total);
          const early = settled.get(w);
          if (early) {
            if (v.master === early.master) Object.assign(early, { agreeing: v.agreeing, answers: v.answers });
          } else if (v.master !== null || done) {
            open.delete(w);
            settled.set(w, v);
            w.resolve(v);
          }
        }
      });
    }
  }
}

