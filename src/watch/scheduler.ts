/**
 * When a watcher's passes run: each pass has an asking half (the Sentinels'
 * view) and an acting half (converge). Asking passes are coalesced (one at a
 * time; triggers during one schedule exactly one more); acting halves never
 * overlap; a fast-path trigger (ask: false) goes straight to the acting queue,
 * never behind a Sentinel query. What a pass does is the caller's.
 */

export interface Trigger {
  /** What caused the pass: timer, start, a Sentinel channel, role-master, fence, ... */
  name: string;
  /** Epoch ms of the triggering event. */
  at: number;
  /** Ask the Sentinels first (false for the fast paths: the want needs no fresh view). */
  ask: boolean;
}

/** Two triggers as one: named after the first, timed from the earliest, asking if either asks. */
export function merge(a: Trigger | null, b: Trigger): Trigger {
  return a ? { name: a.name, at: Math.min(a.at, b.at), ask: a.ask || b.ask } : b;
}

export class PassScheduler {
  /** The loop of passes that ask the Sentinels, and the one trigger waiting for it. */
  private asking: Promise<void> | null = null;
  private pending: Trigger | null = null;
  /** The chain of acting halves, and the trigger of the one waiting in it. */
  private acting: Promise<void> = Promise.resolve();
  private queued: Trigger | null = null;
  private stopped = false;

  /** `ask` must not throw (log instead); a throwing `act` is caught and the chain goes on. */
  constructor(
    private readonly ask: (t: Trigger) => Promise<void>,
    private readonly act: (t: Trigger) => Promise<void>,
  ) {}

  /** Ask for a pass. */
  trigger(t: Trigger): void {
    if (this.stopped) return;
    if (!t.ask) {
      void this.enqueueAct(t);
      return;
    }
    if (this.asking) {
      this.pending = merge(this.pending, t);
      return;
    }
    this.asking = this.askLoop(t);
  }

  private async askLoop(first: Trigger): Promise<void> {
    let t: Trigger | null = first;
    while (t && !this.stopped) {
      await this.ask(t);
      await this.enqueueAct(t);
      t = this.pending;
      this.pending = null;
    }
    this.asking = null;
  }

  /** Act after the one in progress; triggers that arrive while one waits join it. */
  private enqueueAct(t: Trigger): Promise<void> {
    if (this.queued) {
      this.queued = merge(this.queued, t);
      return this.acting;
    }
    this.queued = t;
    this.acting = this.acting.catch(() => undefined).then(() => {
      const q = this.queued!;
      this.queued = null;
      return this.stopped ? undefined : this.act(q);
    });
    return this.acting;
  }

  /** Resolves when no pass is running or queued. */
  async idle(): Promise<void> {
    while (this.asking) await this.asking;
    await this.acting.catch(() => undefined);
  }

  /** No pass starts after this (one running finishes). */
  stop(): void {
    this.stopped = true;
  }
}
