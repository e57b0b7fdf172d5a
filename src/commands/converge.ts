/**
 * One level-based pass for one master on this host: take the lock, read the
 * local addresses afresh, decide, plan, carry out (or only print), log each
 * action as one JSON line. Shared by hook and reconcile (and later watch).
 */
import type { Config, MasterConfig } from '../core/config';
import { decide, type Decision, type Desired } from '../core/decide';
import { boundOn, localAddresses, resolveInterface } from '../core/local';
import { planFor, type Step } from '../core/plan';
import { VipctlError } from '../core/errors';
import { acquireLock, vipLockName } from '../adapters/lock';
import { readLinks } from '../adapters/ip';
import { executePlan, type StepResult } from '../adapters/execute';
import type { Logger } from '../adapters/log';

export interface Want {
  desired: Desired;
  reason: string;
}

export interface ConvergeOptions {
  config: Config;
  master: MasterConfig;
  logger: Logger;
  /** Where the VIP must be, given this host's own addresses (VIPs excluded). */
  want: (local: ReadonlySet<string>) => Want;
  announceWhenBound: boolean;
  dryRun?: boolean;
}

export interface ConvergeResult {
  interface: string;
  decision: Decision;
  steps: Step[];
  results: StepResult[];
  durationMs: number;
}

export async function converge(o: ConvergeOptions): Promise<ConvergeResult> {
  const started = performance.now();
  const vip = o.master.vip.address;
  const lock = o.dryRun ? null : await acquireLock(vipLockName(vip), o.config.lockTimeoutMs);
  let ifname: string | undefined;
  try {
    const links = await readLinks();
    ifname = resolveInterface(o.master, links);
    const vips = [...o.config.masters.values()].map((m) => m.vip.address);
    const want = o.want(localAddresses(links, vips));
    const decision = decide(want.desired, { boundOn: boundOn(links, vip), interface: ifname }, { announceWhenBound: o.announceWhenBound });
    const steps = planFor(decision, o.master.vip, ifname, o.config.announce);
    const base = { master: o.master.name, vip: o.master.vip.text, interface: ifname, is: decision.is, mustBe: decision.mustBe, reason: `${want.reason}; ${decision.reason}` };
    if (o.dryRun) {
      o.logger.info({ ...base, event: 'plan', dryRun: true, plan: steps.map((s) => (s.kind === 'stop-announce' ? ['stop-announce'] : s.argv)) }, `dry run: ${steps.length} step(s)`);
      return { interface: ifname, decision, steps, results: [], durationMs: ms(started) };
    }
    if (steps.length === 0) o.logger.info({ ...base, event: 'noop', durationMs: ms(started) }, `nothing to do: is ${decision.is}, must be ${decision.mustBe}`);
    const results = await executePlan(steps, {
      runDir: o.config.runDir,
      vip,
      onStep: (r) =>
        o.logger.info(
          { ...base, event: r.action, argv: r.step.kind === 'stop-announce' ? undefined : r.step.argv, durationMs: r.durationMs, ...(r.pid ? { pid: r.pid } : {}), ...(r.note ? { note: r.note } : {}), ...(lock?.waitedMs ? { lockWaitMs: lock.waitedMs } : {}) },
          `${r.action} ${vip}${r.note ? ` (${r.note})` : ''}`,
        ),
    });
    return { interface: ifname, decision, steps, results, durationMs: ms(started) };
  } catch (e) {
    // failures after the interface is known name it in their log line
    if (e instanceof VipctlError && ifname !== undefined) e.details.interface ??= ifname;
    throw e;
  } finally {
    await lock?.release();
  }
}

function ms(since: number): number {
  return Math.round((performance.now() - since) * 10) / 10;
}
