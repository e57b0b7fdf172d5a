/** Start a long-lived `ip` child in its own process group (a wrapper's children die with it) and end it. */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';

export type IpChild = ChildProcessByStdio<Writable | null, Readable, Readable>;

export function spawnIp(args: readonly string[], withStdin: boolean): IpChild {
  return spawn('ip', [...args], { stdio: [withStdin ? 'pipe' : 'ignore', 'pipe', 'pipe'], detached: true }) as IpChild;
}

/** SIGKILL the child's whole group (no wait). */
export function killGroup(child: IpChild): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    try {
      child.kill('SIGKILL');
    } catch {
      // gone
    }
  }
}

/** Resolves when the child has exited (at once if it has). */
export function exited(child: IpChild): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return Promise.resolve();
  return new Promise((r) => child.once('close', () => r()));
}

/** ip's arguments (after `ip`), run in `netns` when one is named. */
export function inNetns(netns: string | undefined, args: readonly string[]): string[] {
  return netns === undefined ? [...args] : ['netns', 'exec', netns, 'ip', ...args];
}
