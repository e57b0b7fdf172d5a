/** Commands the lab runs on the host side (argv arrays, never a shell). */
import { VipctlError } from '../core/errors';
import { describeFailure, ok, run, type RunResult } from '../adapters/run';

/** Every process running in a network namespace (`ip netns pids`). */
export async function namespacePids(ns: string): Promise<number[]> {
  return (await run(['ip', 'netns', 'pids', ns])).stdout.split('\n').filter((p) => /^\d+$/.test(p)).map(Number);
}

/** Run argv; anything but exit 0 is a lab error naming the command. */
export async function must(argv: string[], timeoutMs = 10_000): Promise<RunResult> {
  const r = await run(argv, { timeoutMs });
  if (!ok(r)) throw new VipctlError('LAB', describeFailure(r));
  return r;
}
