/** Waiting for the lab: polls with a deadline, each failure naming what it waited for. */
import { VipctlError } from '../core/errors';

export async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

export async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs: number, everyMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new VipctlError('LAB', `timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** Wait until `check` holds for every item, probing at most `limit` at a time (each probe is a process). */
export async function waitEach<T>(items: readonly T[], what: (x: T) => string, check: (x: T) => Promise<boolean>, timeoutMs: number, limit = 8): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let pending = [...items];
  while (pending.length > 0) {
    const batch = pending.slice(0, limit);
    const done = await Promise.all(batch.map(check));
    pending = [...batch.filter((_, i) => !done[i]), ...pending.slice(limit)];
    if (pending.length === 0) return;
    if (Date.now() > deadline) throw new VipctlError('LAB', `timed out after ${timeoutMs} ms waiting for ${what(pending[0]!)}`);
    if (done.every((d) => !d)) await sleep(50);
  }
}
