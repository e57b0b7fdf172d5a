/**
 * `vipctl bind <master> [--force]` and `vipctl unbind <master>`: the
 * operator's hands. Both go through converge (the per-VIP lock, one JSON line
 * per action); a one-line summary goes to stdout.
 */
import { pickMaster, type Config } from '../core/config';
import { VipctlError } from '../core/errors';
import { boundOn, resolveInterface, segmentAddresses } from '../core/local';
import { judgeBindProbe, sentinelWarning } from '../core/manual';
import { probeDuplicate } from '../adapters/dup-probe';
import { readLinks } from '../adapters/ip';
import type { Logger } from '../adapters/log';
import { askSentinels } from '../adapters/sentinel';
import { converge } from '../pass/converge';
import { logFailure } from '../pass/failure';

/** The adapters bind and unbind use (default: the real ones); the unit tests pass fakes. */
export interface ManualDeps {
  readLinks: typeof readLinks;
  askSentinels: typeof askSentinels;
  probeDuplicate: typeof probeDuplicate;
  converge: typeof converge;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}
const ADAPTERS: ManualDeps = { readLinks, askSentinels, probeDuplicate, converge, stdout: (t) => void process.stdout.write(t), stderr: (t) => void process.stderr.write(t) };

async function sentinelSays(d: ManualDeps, config: Config, name: string): Promise<{ master: string | null; said: string }> {
  const view = await d.askSentinels(config, name);
  return { master: view.master, said: `${view.agreeing}/${view.total} sentinels agree` };
}

export async function bindCommand(config: Config, logger: Logger, name: string | undefined, o: { force?: boolean; deps?: Partial<ManualDeps> }): Promise<number> {
  const started = performance.now();
  const d = { ...ADAPTERS, ...o.deps };
  const force = o.force === true;
  let master;
  try {
    master = pickMaster(config, name);
    const vip = master.vip.address;
    const links = await d.readLinks();
    const bound = boundOn(links, vip);
    const ifname = resolveInterface(master, links);
    // No probe when the VIP is bound here already: the answer would be our own.
    const [sentinel, probe] = await Promise.all([sentinelSays(d, config, master.name), bound.length > 0 ? null : d.probeDuplicate(ifname, vip)]);
    const ownMacs = new Set(links.flatMap((l) => (l.mac ? [l.mac.toLowerCase()] : [])));
    const { otherMacs, probeError } = judgeBindProbe(probe, ownMacs, vip, force);
    const local = segmentAddresses(master, links, [...config.masters.values()].map((m) => m.vip.address));
    const log = logger.child({ ...(force ? { force: true } : {}), ...(otherMacs.length ? { otherHolderMac: otherMacs[0] } : {}), ...(probeError ? { probeError } : {}) });
    const warning = sentinelWarning('bind', sentinel.master, local, sentinel.said);
    if (warning) log.warn({ event: 'warning', master: master.name, vip: master.vip.text }, warning);
    const forced = otherMacs.length > 0 ? `; --force: bound although ${otherMacs.join(', ')} answers for it` : probeError ? `; --force: bound without the duplicate check (${probeError})` : '';
    const r = await d.converge({
      config,
      ignoreHold: true,
      master,
      logger: log,
      announceWhenBound: true, // like the hook: whoever just bound (or re-bound) tells the neighbours
      moved: () => ({ newMaster: sentinel.master }),
      want: () => ({ desired: 'here', reason: `operator: vipctl bind${force ? ' --force' : ''}${forced}`, reasonIsWhole: true }),
    });
    const announced = r.results.find((x) => x.action === 'announce');
    const what = r.decision.add ? `bound ${master.vip.text} on ${r.interface}` : `${master.vip.text} already bound on ${r.interface}: nothing to add`;
    d.stdout(`${what}${announced ? `; announcing (${master.vip.family === 6 ? 'unsolicited NA' : 'arping'}${announced.pid ? ` pid ${announced.pid}` : ''})` : ''}${otherMacs.length ? `; forced although ${otherMacs.join(', ')} answers for it` : ''}\n`);
    if (warning) d.stdout(`warning: ${warning}\n`);
    return 0;
  } catch (e) {
    if (!(e instanceof VipctlError)) throw e;
    d.stderr(`vipctl: not bound: ${e.message}\n`);
    return logFailure(logger, e, { ...(master ? { master } : name ? { master: name } : {}), startedAt: started });
  }
}

export async function unbindCommand(config: Config, logger: Logger, name: string | undefined, o: { deps?: Partial<ManualDeps> } = {}): Promise<number> {
  const started = performance.now();
  const d = { ...ADAPTERS, ...o.deps };
  let master;
  try {
    master = pickMaster(config, name);
    const m = master;
    const sentinel = await sentinelSays(d, config, m.name);
    let warning: string | null = null;
    const r = await d.converge({
      config,
      ignoreHold: true,
      master: m,
      logger,
      announceWhenBound: false,
      moved: () => ({ newMaster: sentinel.master }),
      want: (local) => {
        warning = sentinelWarning('unbind', sentinel.master, local, sentinel.said);
        if (warning) logger.warn({ event: 'warning', master: m.name, vip: m.vip.text }, warning);
        return { desired: 'elsewhere', reason: 'operator: vipctl unbind', reasonIsWhole: true };
      },
    });
    const removed = r.results.filter((x) => x.action === 'unbind' && x.note === undefined);
    const stopped = r.results.find((x) => x.action === 'stop-announce' && x.pid !== undefined);
    d.stdout(
      `${removed.length > 0 ? `removed ${m.vip.text} from ${removed.map((x) => (x.step.kind === 'exec' ? x.step.argv.at(-1) : '')).join(', ')}` : `${m.vip.text} was not bound here: nothing removed`}${stopped ? `; stopped announcer pid ${stopped.pid}` : ''}\n`,
    );
    if (warning) d.stdout(`warning: ${warning}\n`);
    return 0;
  } catch (e) {
    if (!(e instanceof VipctlError)) throw e;
    d.stderr(`vipctl: unbind failed: ${e.message}\n`);
    return logFailure(logger, e, { ...(master ? { master } : name ? { master: name } : {}), startedAt: started });
  }
}
