/**
 * The duplicate-address probe before a manual bind: iputils `arping -D`
 * (duplicate address detection, sender 0.0.0.0, so this host's own copy of
 * the VIP never answers and no neighbour cache is changed); for IPv6 `ndisc6`.
 * Pure parsing.
 */
export const DUP_PROBE_COUNT = 2;
export const DUP_PROBE_DEADLINE_S = 1;

/** ndisc6: milliseconds to wait for each of the DUP_PROBE_COUNT solicitations. */
export const DUP_PROBE6_WAIT_MS = 500;

/**
 * IPv4: `arping -D`. IPv6 (arping is IPv4-only): `ndisc6` sends Neighbour
 * Solicitations for the VIP and prints the link-layer address of the first
 * answer. Its source is this host's own address (the VIP is not bound here
 * while we probe), so only the holder's neighbour cache learns of us.
 */
export function dupProbeArgv(ifname: string, vip: string, family: 4 | 6 = 4): string[] {
  if (family === 6) return ['ndisc6', '-1', '-n', '-r', String(DUP_PROBE_COUNT), '-w', String(DUP_PROBE6_WAIT_MS), vip, ifname];
  return ['arping', '-D', '-c', String(DUP_PROBE_COUNT), '-w', String(DUP_PROBE_DEADLINE_S), '-I', ifname, vip];
}

export type DupProbe =
  | { kind: 'free' }
  | { kind: 'taken'; macs: string[] }
  | { kind: 'failed'; error: string };

/**
 * The sender's MAC of each packet arping printed: "Unicast reply from IP [MAC]".
 * A line may name a second, target MAC ("Broadcast request from IP [MAC] for
 * IP [FF:FF:FF:FF:FF:FF]" when the holder's announcer sends an unsolicited
 * request during the probe): that one is not an answer.
 */
const MAC = /^(?:Unicast|Broadcast) (?:reply|request) from \S+ \[([0-9a-f]{2}(?::[0-9a-f]{2}){5})\]/gim;

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

const NDISC6_MAC = /^Target link-layer address: ([0-9a-f]{2}(?::[0-9a-f]{2}){5})\s*$/gim;

/**
 * ndisc6 exits 0 after an answer ("Target link-layer address: F6:4F:...")
 * and 2 after "No response." when nobody answered; anything else (no such
 * device, no raw socket: exit 1 or 2 without "No response.") is a failure.
 */
export function parseDupProbe6(exitCode: number | null, stdout: string, stderr: string): DupProbe {
  const macs = [...new Set([...stdout.matchAll(NDISC6_MAC)].map((m) => m[1]!.toLowerCase()))];
  if (exitCode === 0 && macs.length > 0) return { kind: 'taken', macs };
  if (exitCode === 2 && /^No response\.$/m.test(stdout) && macs.length === 0) return { kind: 'free' };
  const why = stderr.trim().split('\n').pop() || stdout.trim().split('\n').pop() || 'no output';
  return { kind: 'failed', error: `ndisc6: ${exitCode === null ? 'did not finish' : `exit ${exitCode}`}: ${why}` };
}
