/**
 * Running notify commands (core/notify) without ever waiting for them.
 *
 * A pass that changed the VIP starts, per change, one detached supervisor:
 * the vipctl executable itself, re-invoked as `vipctl __notify <spec>` (a
 * hidden command). The supervisor runs the command through run() (no shell,
 * CHILD_ENV only, its own process group, SIGKILLed with everything it started
 * at the timeout), then writes the outcome as one `event: notify` JSON line
 * to the log file, and exits. The pass only spawns it (a few ms, after every
 * step of the plan is done) and never waits for it: the hook, which exits
 * right after its pass, and one-shot commands, which call process.exit, lose
 * nothing, and a hanging command holds no lock and delays no pass.
 *
 * The executable: from bin/vipctl (node + script), node with dist/cli.mjs,
 * which sits next to the bundle running this (the CLI's chunks and the hook's
 * dist/hook.cjs); from the single executable (process.execPath is vipctl
 * itself, node:sea says so), the executable alone.
 */
import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { MasterConfig, Config } from '../core/config';
import { commandFor, realChanges, substitute, type ChangeStep, type NotifyAction, type NotifyFacts } from '../core/notify';
import type { Logger } from './log';
import { createLogger } from './log';
import { CHILD_ENV } from './system';
import { run } from './run';
import type { StepResult } from './execute';
import { inSea } from './sea';

/** The hidden command the supervisor is started with. */
export const NOTIFY_ARG = '__notify';

/** What the supervisor is told: the command (substituted), its timeout, where to log, and the line's fields. */
export interface NotifySpec {
  argv: string[];
  timeoutMs: number;
  log: Config['log'];
  fields: { master: string; vip: string; action: NotifyAction; interface: string; startedAt: string };
}

/** How to start this same vipctl again, before its arguments. */
export function selfArgv(sea = inSea()): string[] {
  return sea ? [process.execPath] : [process.execPath, fileURLToPath(new URL('./cli.mjs', import.meta.url))];
}

/** What the pass knows about the move, for {newMaster}, {oldMaster}, {reason}. */
export interface MoveFacts {
  newMaster?: string | null;
  oldMaster?: string | null;
  reason: string;
}

/** The changes a pass's step results made (see core/notify realChanges). */
export function changesOf(results: readonly StepResult[]): Array<{ action: NotifyAction; interface: string }> {
  const steps: ChangeStep[] = [];
  for (const r of results) {
    if (r.step.kind !== 'exec') continue;
    steps.push({ what: r.step.what, interface: ifnameOf(r.step.argv), noop: r.note !== undefined });
  }
  return realChanges(steps);
}

/** The interface of an `ip addr add|del CIDR dev IFNAME ...` (core/plan). */
function ifnameOf(argv: readonly string[]): string {
  const i = argv.indexOf('dev');
  return i < 0 ? '' : (argv[i + 1] ?? '');
}

/**
 * Start the master's notify command for each change, detached; never throws,
 * never waits. `spawnFn` is for tests.
 */
export function notifyChanges(
  o: { config: Config; master: MasterConfig; logger: Logger; changes: ReadonlyArray<{ action: NotifyAction; interface: string }>; facts: MoveFacts },
  spawnFn: typeof spawn = spawn,
): void {
  for (const c of o.changes) {
    const argv = commandFor(o.master.notify, c.action);
    if (!argv || !o.master.notify) continue;
    const facts: NotifyFacts = {
      master: o.master.name,
      vip: o.master.vip.address,
      cidr: o.master.vip.text,
      interface: c.interface,
      action: c.action,
      reason: o.facts.reason,
      newMaster: o.facts.newMaster ?? '',
      oldMaster: o.facts.oldMaster ?? '',
      host: hostname(),
    };
    const spec: NotifySpec = {
      argv: substitute(argv, facts),
      timeoutMs: o.master.notify.timeoutMs,
      log: o.config.log,
      fields: { master: o.master.name, vip: o.master.vip.text, action: c.action, interface: c.interface, startedAt: new Date().toISOString() },
    };
    const base = { event: 'notify-start', master: o.master.name, vip: o.master.vip.text, action: c.action, interface: c.interface, argv: spec.argv };
    const failed = (e: unknown): void => o.logger.warn({ ...base, event: 'notify-failed', reason: (e as Error).message }, `notify ${c.action}: cannot start the supervisor: ${(e as Error).message}`);
    try {
      const [file, ...pre] = selfArgv();
      // its own session (not killed with a stopping watcher or the hook's group), no pipes to keep us alive;
      // without a log file, our stderr (the journal under systemd) is where its line goes
      const stdio = o.config.log.file === null ? (['ignore', 'ignore', 'inherit'] as const) : 'ignore';
      const child = spawnFn(file!, [...pre, NOTIFY_ARG, JSON.stringify(spec)], { detached: true, stdio: stdio as never, env: { ...CHILD_ENV } });
      child.on('error', failed);
      child.unref();
      o.logger.info({ ...base, supervisor: child.pid }, `notify ${c.action}: started ${spec.argv[0]} (supervisor pid ${child.pid})`);
    } catch (e) {
      failed(e);
    }
  }
}

/** Read the supervisor's spec from its argument; null when it is not one. */
export function parseSpec(text: string): NotifySpec | null {
  try {
    const s = JSON.parse(text) as NotifySpec;
    const okArgv = Array.isArray(s.argv) && s.argv.length > 0 && s.argv.every((a) => typeof a === 'string');
    return okArgv && typeof s.timeoutMs === 'number' && typeof s.log === 'object' && typeof s.fields === 'object' ? s : null;
  } catch {
    return null;
  }
}

/** The supervisor: run the command under its timeout, log the outcome as one line. Exit 0 whatever the command did. */
export async function superviseNotify(spec: NotifySpec): Promise<number> {
  const { logger } = createLogger({ ...spec.log, stderr: spec.log.file === null }, { cmd: 'notify' });
  const r = await run(spec.argv, { timeoutMs: spec.timeoutMs });
  const ok = r.exitCode === 0 && r.failedToStart === undefined;
  const stderr = r.stderr.trim().split('\n').slice(-3).join('\n').slice(-1000);
  const how = r.timedOut ? `killed after ${spec.timeoutMs} ms (timeout)` : r.failedToStart !== undefined ? r.failedToStart : `exit ${r.exitCode}`;
  logger[ok ? 'info' : 'warn'](
    {
      event: 'notify',
      ...spec.fields,
      argv: spec.argv,
      exitCode: r.exitCode,
      durationMs: r.durationMs,
      ...(r.timedOut ? { timedOut: true } : {}),
      ...(r.failedToStart !== undefined && !r.timedOut ? { error: r.failedToStart } : {}),
      ...(stderr ? { stderr } : {}),
    },
    `notify ${spec.fields.action} ${spec.fields.vip}: ${spec.argv[0]} ${how} in ${r.durationMs} ms`,
  );
  return 0;
}
