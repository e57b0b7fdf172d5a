/**
 * The duplicate-address probe before a manual bind: iputils `arping -D`
 * (duplicate address detection, sender 0.0.0.0, so this host's own copy of
 * the VIP never answers and no neighbour cache is changed). Pure parsing.
 */
export const DUP_PROBE_COUNT = 2;
export const DUP_PROBE_DEADLINE_S = 1;

export function dupProbeArgv(ifname: string, vip: string): string[] {
  return ['arping', '-D', '-c', String(DUP_PROBE_COUNT), '-w', String(DUP_PROBE_DEADLINE_S), '-I', ifname, vip];
}

export type DupProbe =
  | { kind: 'free' }
  | { kind: 'taken'; macs: string[] }
  | { kind: 'failed'; error: string };

const MAC = /\[([0-9a-f]{2}(?::[0-9a-f]{2}){5})\]/gi;

/**
 * arping -D exits 0 when nobody answered, 1 when someone did ("Unicast reply
 * from 10.0.0.100 [AA:BB:...]"), 2 or more when it could not run (no device,
 * no CAP_NET_RAW).
 */
export function parseDupProbe(exitCode: number | null, stdout: string, stderr: string): DupProbe {
  if (exitCode === 0) return { kind: 'free' };
  const macs = [...new Set([...stdout.matchAll(MAC)].map((m) => m[1]!.toLowerCase()))];
  if (exitCode === 1 && macs.length > 0) return { kind: 'taken', macs };
  const why = stderr.trim().split('\n').pop() || stdout.trim().split('\n').pop() || 'no output';
  return { kind: 'failed', error: `arping -D: ${exitCode === null ? 'did not finish' : `exit ${exitCode}`}: ${why}` };
}
