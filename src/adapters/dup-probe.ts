/** Run the duplicate-address probe (core/dup-probe) on an interface. Sends ARP probes (IPv6: Neighbour Solicitations) only: changes nothing. */
import { dupProbeArgv, DUP_PROBE_COUNT, DUP_PROBE_DEADLINE_S, DUP_PROBE6_WAIT_MS, parseDupProbe, parseDupProbe6, type DupProbe } from '../core/dup-probe';
import { ipFamily } from '../core/address';
import { run } from './run';

export async function probeDuplicate(ifname: string, vip: string): Promise<DupProbe> {
  const family = ipFamily(vip) === 6 ? 6 : 4;
  const deadlineMs = family === 6 ? DUP_PROBE_COUNT * DUP_PROBE6_WAIT_MS : DUP_PROBE_DEADLINE_S * 1000;
  const r = await run(dupProbeArgv(ifname, vip, family), { timeoutMs: deadlineMs + 4000 });
  if (r.failedToStart) return { kind: 'failed', error: `${r.argv.join(' ')}: ${r.failedToStart}` };
  return family === 6 ? parseDupProbe6(r.exitCode, r.stdout, r.stderr) : parseDupProbe(r.exitCode, r.stdout, r.stderr);
}
