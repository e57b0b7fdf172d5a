/** Run the duplicate-address probe (core/dup-probe) on an interface. Sends ARP probes only: changes nothing. */
import { dupProbeArgv, DUP_PROBE_DEADLINE_S, parseDupProbe, type DupProbe } from '../core/dup-probe';
import { run } from './run';

export async function probeDuplicate(ifname: string, vip: string): Promise<DupProbe> {
  const r = await run(dupProbeArgv(ifname, vip), { timeoutMs: (DUP_PROBE_DEADLINE_S + 4) * 1000 });
  if (r.failedToStart) return { kind: 'failed', error: `${r.argv.join(' ')}: ${r.failedToStart}` };
  return parseDupProbe(r.exitCode, r.stdout, r.stderr);
}
