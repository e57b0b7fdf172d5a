/** doctor's foreign-holder check: the same probe as watch's (watch.conflictProbeMs), once per master (src/core/doctor-conflict.ts judges). */
import type { CheckResult } from '../core/doctor';
import { judgeConflict } from '../core/doctor-conflict';
import { boundOn, resolveInterface } from '../core/local';
import { probeDuplicate } from '../adapters/dup-probe';
import type { DoctorContext } from './checks';

export async function checkConflict(ctx: DoctorContext): Promise<CheckResult[]> {
  const { config, links } = ctx;
  if (!config || !links) return [];
  const ownMacs = new Set(links.flatMap((l) => (l.mac ? [l.mac.toLowerCase()] : [])));
  const results = await Promise.all(
    [...config.masters.values()].map(async (m) => {
      const vip = m.vip.address;
      let ifname = boundOn(links, vip)[0];
      if (ifname === undefined) {
        try {
          ifname = resolveInterface(m, links);
        } catch {
          return []; // no interface for the VIP here: the interface check says why
        }
      }
      return [judgeConflict(m.name, { vip, ifname, boundHere: boundOn(links, vip).length > 0, probe: await probeDuplicate(ifname, vip), ownMacs })];
    }),
  );
  return results.flat();
}
