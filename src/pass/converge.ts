/**
 * One level-based pass for one master on this host: take the lock, read the
 * local addresses afresh, decide, plan, carry out (or only print), log each
 * action as one JSON line. Shared by every mode: hook, reconcile, watch, bind/unbind.
 */
import type { Config, MasterConfig } from '../core/config';
import { decide, type Decision } from '../core/decide';
import type { Want } from '../core/desired';
import { boundOn, boundPrefixes, preferredOn, resolveInterface, segmentAddresses, type Link } from '../core/local';
import { planFor, type Step } from '../core/plan';
import { VipctlError } from '../core/errors';
import { acquireLock } from '../adapters/lock';
import { readLinks, readLocalLinks } from '../adapters/ip';
import { executePlan, type StepResult, type StepRunner } from '../adapters/execute';
import { RUN_TIMEOUT_MS } from '../adapters/run';
import type { Logger } from '../adapters/log';
import { readHold } from '../adapters/hold-store';
import { describeHold, holding } from '../core/hold';
import { changesOf, notifyChanges, type MoveFacts } from '../adapters/notify';

/** The hold (by its start) each master's `held` line was said at info for, in this process. */
const heldSaid = new Map<string, number>();

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
  /**
   * Read the links without a spawn where the kernel's interface list gives
   * the same picture (adapters/ip readLocalLinks), else `ip -json addr show`
   * (the hook: one process start less before its `ip addr add`). Only for
   * the read under the lock; the recheck after a timed-out add is `ip`'s.
   */
  localLinks?: boolean;
  /** The operator's own bind/unbind: a maintenance hold does not stop it (the hold is for them). */
  ignoreHold?: boolean;
  /** Level of the `noop` line (default info; watch's timer passes log it at debug). */
  noopLevel?: 'info' | 'debug';
  /**
   * performance.now() by which the pass must be over (the hook: under
   * Sentinel's 60 s kill). The lock waits at most until COMMANDS_RESERVE_MS
   * before it; every command runs at most until RECHECK_RESERVE_MS before it;
   * the read after a timed-out `ip addr add` uses what is left.
   */
  deadline?: number;
  /** Runs the plan's `ip` commands (default: one process each); watch passes its `ip -batch` child. */
  runExec?: StepRunner;
  /**
   * A read that reflects every change made before it, for the recheck after
   * a timed-out `ip addr add` (default: `ip -json addr show` under what is
   * left of the deadline); watch passes its links view's fresh read.
   */
  readFresh?: () => Promise<Link[]>;
  /** Where the master is now and which it replaced, as far as the caller knows: {newMaster}/{oldMaster} of the notify commands. */
  moved?: () => Omit<MoveFacts, 'reason'>;
  /** The adapters a pass uses (default: the real ones); the unit tests pass fakes. */
  deps?: Partial<ConvergeDeps>;
}

export interface ConvergeDeps {
  acquireLock: typeof acquireLock;
  /** Reads the links when ConvergeOptions.readLinks is not given, and again after an `ip addr add` timed out. */
  readLinks: typeof readLinks;
  /** Reads the links under the lock when ConvergeOptions.localLinks is set. */
  readLocalLinks: (vip: string, timeoutMs?: number) => Promise<Link[]>;
  executePlan: typeof executePlan;
  readHold: typeof readHold;
  notifyChanges: typeof notifyChanges;
  /** Wall clock (epoch ms), for the hold. */
  now: () => number;
}

const ADAPTERS: ConvergeDeps = { acquireLock, readLinks, readLocalLinks: (vip, t) => readLocalLinks(vip, t), executePlan, readHold, notifyChanges, now: () => Date.now() };
const depsOf = (o: ConvergeOptions): ConvergeDeps => (o.deps ? { ...ADAPTERS, ...o.deps } : ADAPTERS);

/** What a deadline keeps for the commands after the lock (the lock never waits into it). */
export const COMMANDS_RESERVE_MS = 15_000;
/** What a deadline keeps for reading the links again after a command timed out. */
export const RECHECK_RESERVE_MS = 5_000;

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
  const d = depsOf(o);
  const vip = o.master.vip.address;
  const left = (): number => (o.deadline === undefined ? Infinity : o.deadline - performance.now());
  const lockTimeoutMs = o.deadline === undefined ? o.config.lockTimeoutMs : Math.max(0, Math.min(o.config.lockTimeoutMs, left() - COMMANDS_RESERVE_MS));
  const lock = o.dryRun ? null : await d.acquireLock(o.config.runDir, vip, lockTimeoutMs);
  // each command's deadline: run()'s own, cut so that the read after a timeout still has its time
  const commandMs = o.deadline === undefined ? undefined : (): number => Math.min(RUN_TIMEOUT_MS, left() - RECHECK_RESERVE_MS);
  const timeout = (): number | undefined => (commandMs === undefined ? undefined : positive(commandMs(), ['ip', '-json', 'addr', 'show']));
  const read = o.readLinks ?? (o.localLinks ? () => d.readLocalLinks(vip, timeout()) : () => d.readLinks(timeout()));
  let ifname: string | undefined;
  let steps: Step[] = [];
  let target: string | null = null;
  let onStep: ((r: StepResult) => void) | undefined;
  // every step carried out, for the notify commands (also when a later one fails)
  const done: StepResult[] = [];
  let reason = '';
  try {
    const links = await read();
    const vips = [...o.config.masters.values()].map((m) => m.vip.address);
    // this host's addresses on the VIP's segment only (core/local.ts): a bridge address every host has is nobody's
    const want = o.want(segmentAddresses(o.master, links, vips));
    const bound = boundOn(links, vip);
    // A configured interface must exist on every host (else exit 2: the config
    // is wrong here). Autodetection is needed only where the VIP must go: a
    // host that must not hold it, say a Sentinel-only host outside the VIP's
    // subnet, just removes whatever it has.
    target = want.desired === 'here' || o.master.interface !== undefined ? resolveInterface(o.master, links) : null;
    ifname = target ?? bound[0];
    const decision = decide(want.desired, { boundOn: bound, interface: target, preferredOn: preferredOn(links, vip) }, { announceWhenBound: o.announceWhenBound });
    steps = planFor(decision, o.master.vip, target, o.config.announce, boundPrefixes(links, vip));
    const extra = (): Record<string, unknown> => o.extraFields?.({ want, decision }) ?? {};
    reason = want.reasonIsWhole ? want.reason : `${want.reason}; ${decision.reason}`;
    const base = { master: o.master.name, vip: o.master.vip.text, interface: ifname ?? null, is: decision.is, mustBe: decision.mustBe, reason: want.reasonIsWhole ? want.reason : `${want.reason}; ${decision.reason}` };
    // A maintenance hold (vipctl hold): leave the VIP as it is; said at info once per hold, then at debug.
    const hold = o.ignoreHold ? null : d.readHold(o.config.runDir, o.master.name);
    if (holding(hold, d.now())) {
      const first = heldSaid.get(o.master.name) !== hold.since;
      heldSaid.set(o.master.name, hold.since);
      o.logger[first ? 'info' : 'debug']({ ...base, ...extra(), event: 'held', hold: { until: new Date(hold.until).toISOString(), reason: hold.reason, by: hold.by }, durationMs: ms(started) }, `held: ${describeHold(hold, d.now())}; leaving ${vip} as it is`);
      return { interface: ifname, decision, steps: [], results: [], durationMs: ms(started) };
    }
    if (o.dryRun) {
      o.logger.info({ ...base, event: 'plan', dryRun: true, plan: steps.map((s) => (s.kind === 'stop-announce' ? ['stop-announce'] : s.argv)) }, `dry run: ${steps.length} step(s)`);
      return { interface: ifname, decision, steps, results: [], durationMs: ms(started) };
    }
    let logged = false;
    onStep = (r) => {
      done.push(r);
      if (r.action === 'stop-announce' && r.pid === undefined) return; // there was none: not an action
      logged = true;
      o.logger.info(
        { ...base, ...extra(), event: r.action, argv: r.step.kind === 'stop-announce' ? undefined : r.step.argv, durationMs: r.durationMs, ...(r.pid ? { pid: r.pid } : {}), ...(r.note ? { note: r.note } : {}), ...(lock?.waitedMs ? { lockWaitMs: lock.waitedMs } : {}) },
        `${r.action} ${vip}${r.note ? ` (${r.note})` : ''}`,
      );
    };
    const results = await d.executePlan(steps, { runDir: o.config.runDir, vip, onStep, ...(commandMs ? { timeoutMs: commandMs } : {}), ...(o.runExec ? { runExec: o.runExec } : {}) });
    // One line per decision, also when it changed nothing.
    if (!logged) o.logger[o.noopLevel ?? 'info']({ ...base, ...extra(), event: 'noop', durationMs: ms(started) }, `nothing to do: is ${decision.is}, must be ${decision.mustBe}`);
    notifyAfter(o, done, reason);
    return { interface: ifname, decision, steps, results, durationMs: ms(started) };
  } catch (e) {
    // failures after the interface is known name it in their log line
    if (e instanceof VipctlError && ifname !== undefined) e.details.interface ??= ifname;
    if (e instanceof VipctlError && e.details.timedOut === true && e.details.step === 'ip-add' && target !== null && onStep) {
      await announceIfBound(o, { steps, target, onStep, left, error: e });
    }
    // what did change before the failure is notified as any change (an add that timed out but took: a bind)
    if (onStep) notifyAfter(o, done, reason, e instanceof VipctlError && e.details.boundAfterTimeout === true && target !== null ? target : undefined);
    throw e;
  } finally {
    lock?.release();
  }
}

/**
 * `ip addr add` timed out: the address may have been added all the same (an
 * `ip` that hangs after its netlink request). Read the links again and, if
 * the VIP is on the target, start the plan's announcement, so that clients
 * move now and not at Sentinel's retry 30 s later. The pass still fails
 * (exit 1): the retry finds the VIP bound and announces again.
 */
async function announceIfBound(o: ConvergeOptions, p: { steps: Step[]; target: string; onStep: (r: StepResult) => void; left: () => number; error: VipctlError }): Promise<void> {
  const vip = o.master.vip.address;
  let bound = false;
  try {
    const t = Math.min(RUN_TIMEOUT_MS, p.left());
    bound = t > 0 && boundOn(await (o.readFresh ? o.readFresh() : depsOf(o).readLinks(Math.floor(t))), vip).includes(p.target);
  } catch (e) {
    o.logger.warn({ event: 'recheck-failed', master: o.master.name, vip: o.master.vip.text, interface: p.target, reason: (e as Error).message }, `after ${p.error.message}: cannot read the links again: ${(e as Error).message}`);
    return;
  }
  p.error.details.boundAfterTimeout = bound;
  if (!bound) return;
  const announce = p.steps.filter((s) => s.kind === 'announce');
  o.logger.warn({ event: 'bound-after-timeout', master: o.master.name, vip: o.master.vip.text, interface: p.target, argv: p.error.details.argv, announce: announce.length > 0 }, `${p.error.message}; the VIP is on ${p.target} all the same${announce.length > 0 ? ': announcing it' : ''}`);
  try {
    await depsOf(o).executePlan(announce, { runDir: o.config.runDir, vip, onStep: p.onStep, timeoutMs: () => Math.max(1, p.left()) });
  } catch (e) {
    o.logger.warn({ event: 'announce-failed', master: o.master.name, vip: o.master.vip.text, reason: (e as Error).message }, `announcing after the timeout failed: ${(e as Error).message}`);
  }
}

/** Start the notify commands of the pass's real changes (detached, never awaited, never throwing). */
function notifyAfter(o: ConvergeOptions, done: readonly StepResult[], reason: string, boundAfterTimeoutOn?: string): void {
  if (!o.master.notify) return;
  try {
    const changes = changesOf(done);
    if (boundAfterTimeoutOn !== undefined) changes.push({ action: 'bind', interface: boundAfterTimeoutOn });
    depsOf(o).notifyChanges({ config: o.config, master: o.master, logger: o.logger, changes, facts: { reason, ...o.moved?.() } });
  } catch (e) {
    o.logger.warn({ event: 'notify-failed', master: o.master.name, vip: o.master.vip.text, reason: (e as Error).message }, `notify: ${(e as Error).message}`);
  }
}

/** A command's timeout, or the error that none is left. */
function positive(t: number, argv: string[]): number {
  if (t <= 0) throw new VipctlError('EXEC', `${argv.join(' ')}: not started, the deadline has passed`, { argv, timedOut: true });
  return Math.floor(t);
}

function ms(since: number): number {
  return Math.round((performance.now() - since) * 10) / 10;
}
