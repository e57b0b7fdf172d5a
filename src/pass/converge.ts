/**
 * One level-based pass for one master on this host: take the lock, read the
 * local addresses afresh, decide, plan, carry out (or only print), log each
 * action as one JSON line. Shared by hook and reconcile (and later watch).
 */
import type { Config, MasterConfig } from '../core/config';
import { decide, type Decision } from '../core/decide';
import type { Want } from '../core/desired';
import { boundOn, preferredOn, resolveInterface, segmentAddresses, type Link } from '../core/local';
import { planFor, type Step } from '../core/plan';
import { VipctlError } from '../core/errors';
import { acquireLock } from '../adapters/lock';
import { readLinks } from '../adapters/ip';
import { executePlan, type StepResult } from '../adapters/execute';
import type { Logger } from '../adapters/log';

export type { Want } from '../core/desired';

export interface ConvergeOptions {
  config: Config;
  master: MasterConfig;
  logger: Logger;
  /** Where the VIP must be, given this host's own addresses (VIPs excluded). */
  want: (local: ReadonlySet<string>) => Want;
  announceWhenBound: boolean;
  dryRun?: boolean;
  /** Fields added to every line of this pass, computed as each is written (watch: trigger, sinceEventMs). */
  extraFields?: (d: { want: Want; decision: Decision }) => Record<string, unknown>;
  /**
   * How to read the links (default: `ip -json addr show` now, under the lock).
   * watch's fast-path bind passes a snapshot a few ms old instead (see src/watch/master.ts).
   */
  readLinks?: () => Promise<Link[]>;
  /** Level of the `noop` line (default info; watch's timer passes log it at debug). */
  noopLevel?: 'info' | 'debug';
}

export interface ConvergeResult {
  /** Where the VIP goes (must be here), or where it was found; undefined when neither. */
  interface: string | undefined;
  decision: Decision;
  steps: Step[];
  results: StepResult[];
  durationMs: number;
}

export async function converge(o: ConvergeOptions): Promise<ConvergeResult> {
  const started = performance.now();
  const vip = o.master.vip.address;
  const lock = o.dryRun ? null : await acquireLock(o.config.runDir, vip, o.config.lockTimeoutMs);
  let ifname: string | undefined;
  try {
    const links = await (o.readLinks ?? readLinks)();
    const vips = [...o.config.masters.values()].map((m) => m.vip.address);
    // this host's addresses on the VIP's segment only (core/local.ts): a bridge address every host has is nobody's
    const want = o.want(segmentAddresses(o.master, links, vips));
    const bound = boundOn(links, vip);
    // A configured interface must exist on every host (else exit 2: the config
    // is wrong here). Autodetection is needed only where the VIP must go: a
    // host that must not hold it, say a Sentinel-only host outside the VIP's
    // subnet, just removes whatever it has.
    const target = want.desired === 'here' || o.master.interface !== undefined ? resolveInterface(o.master, links) : null;
    ifname = target ?? bound[0];
    const decision = decide(want.desired, { boundOn: bound, interface: target, preferredOn: preferredOn(links, vip) }, { announceWhenBound: o.announceWhenBound });
    const steps = planFor(decision, o.master.vip, target, o.config.announce);
    const extra = (): Record<string, unknown> => o.extraFields?.({ want, decision }) ?? {};
    const base = { master: o.master.name, vip: o.master.vip.text, interface: ifname ?? null, is: decision.is, mustBe: decision.mustBe, reason: want.reasonIsWhole ? want.reason : `${want.reason}; ${decision.reason}` };
    if (o.dryRun) {
      o.logger.info({ ...base, event: 'plan', dryRun: true, plan: steps.map((s) => (s.kind === 'stop-announce' ? ['stop-announce'] : s.argv)) }, `dry run: ${steps.length} step(s)`);
      return { interface: ifname, decision, steps, results: [], durationMs: ms(started) };
    }
    let logged = false;
    const results = await executePlan(steps, {
      runDir: o.config.runDir,
      vip,
      onStep: (r) => {
        if (r.action === 'stop-announce' && r.pid === undefined) return; // there was none: not an action
        logged = true;
        o.logger.info(
          { ...base, ...extra(), event: r.action, argv: r.step.kind === 'stop-announce' ? undefined : r.step.argv, durationMs: r.durationMs, ...(r.pid ? { pid: r.pid } : {}), ...(r.note ? { note: r.note } : {}), ...(lock?.waitedMs ? { lockWaitMs: lock.waitedMs } : {}) },
          `${r.action} ${vip}${r.note ? ` (${r.note})` : ''}`,
        );
      },
    });
    // One line per decision, also when it changed nothing.
    if (!logged) o.logger[o.noopLevel ?? 'info']({ ...base, ...extra(), event: 'noop', durationMs: ms(started) }, `nothing to do: is ${decision.is}, must be ${decision.mustBe}`);
    return { interface: ifname, decision, steps, results, durationMs: ms(started) };
  } catch (e) {
    // failures after the interface is known name it in their log line
    if (e instanceof VipctlError && ifname !== undefined) e.details.interface ??= ifname;
    throw e;
  } finally {
    lock?.release();
  }
}

function ms(since: number): number {
  return Math.round((performance.now() - since) * 10) / 10;
}
