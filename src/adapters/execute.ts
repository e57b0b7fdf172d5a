/** Carry out a plan (core/plan) step by step; stop at the first failure. */
import type { Step } from '../core/plan';
import { VipctlError } from '../core/errors';
import { ndpRepeaterArgv, startAnnouncer, stopAnnouncer } from './announce';
import { describeFailure, run, type RunResult } from './run';

/** How an exec step's argv is run: run() by default; the watcher's fast path passes an `ip -batch` child (netlink/ip-batch.ts). */
export type StepRunner = (argv: readonly string[], options: { timeoutMs?: number }) => Promise<RunResult>;

export interface StepResult {
  step: Step;
  /** What happened, for the log: bind, unbind, deprecate, announce, stop-announce. */
  action: 'bind' | 'unbind' | 'deprecate' | 'announce' | 'stop-announce';
  durationMs: number;
  /** Extra facts: "already there", announcer pid... */
  note?: string;
  pid?: number;
}

export interface ExecuteContext {
  runDir: string;
  vip: string;
  /** The deadline of each command, asked before it starts (the hook's overall deadline); default run()'s. */
  timeoutMs?: () => number;
  /** Called after each step, so each action is logged as it happens. */
  onStep?: (r: StepResult) => void;
  /** Runs the exec steps (`ip addr add/del`, `ip -6 addr change`); default run(). */
  runExec?: StepRunner;
}

const ACTION = { 'ip-add': 'bind', 'ip-del': 'unbind', 'ip-deprecate': 'deprecate' } as const;

export async function executeStep(step: Step, ctx: ExecuteContext): Promise<StepResult> {
  const started = performance.now();
  const ms = (): number => Math.round((performance.now() - started) * 10) / 10;
  switch (step.kind) {
    case 'exec': {
      const r = await (ctx.runExec ?? run)(step.argv, commandTimeout(ctx, step.argv));
      if (r.exitCode === 0) return { step, action: ACTION[step.what], durationMs: ms() };
      if (r.exitCode !== null && step.okIf !== undefined && step.okIf.some((m) => r.stderr.includes(m))) return { step, action: ACTION[step.what], durationMs: ms(), note: step.what === 'ip-add' ? 'already bound' : 'already gone' };
      throw new VipctlError('EXEC', describeFailure(r), { argv: step.argv, step: step.what, ...(r.timedOut ? { timedOut: true } : {}) });
    }
    case 'announce': {
      if (step.argv[0] === 'ndptool') return announce6(step, ctx, ms);
      const a = await startAnnouncer(step.argv, ctx.runDir, ctx.vip);
      return { step, action: 'announce', durationMs: ms(), pid: a.pid, note: `${step.count} packet(s), one every ${step.intervalSeconds} s${a.pidFileError ? `; ${a.pidFileError}` : ''}` };
    }
    case 'stop-announce': {
      const pid = stopAnnouncer(ctx.runDir, ctx.vip);
      return { step, action: 'stop-announce', durationMs: ms(), ...(pid ? { pid, note: 'stopped' } : { note: 'none running' }) };
    }
  }
}

/** IPv6: the first NA now (its failure is the step's), the other count-1 by the detached repeater. */
async function announce6(step: Extract<Step, { kind: 'announce' }>, ctx: ExecuteContext, ms: () => number): Promise<StepResult> {
  stopAnnouncer(ctx.runDir, ctx.vip); // a repeater of an earlier bind must not run beside the new one
  const r = await run(step.argv, { timeoutMs: Math.min(5000, commandTimeout(ctx, step.argv).timeoutMs ?? 5000) });
  if (r.exitCode !== 0) throw new VipctlError('EXEC', describeFailure(r), { argv: step.argv });
  const note = `${step.count} packet(s), one every ${step.intervalSeconds} s`;
  if (step.count <= 1) return { step, action: 'announce', durationMs: ms(), note };
  const ifname = step.argv[step.argv.indexOf('-i') + 1]!;
  const a = await startAnnouncer(ndpRepeaterArgv({ count: step.count - 1, intervalSeconds: step.intervalSeconds, ifname, vip: ctx.vip }), ctx.runDir, ctx.vip);
  return { step, action: 'announce', durationMs: ms(), pid: a.pid, note: a.pidFileError ? `${note}; ${a.pidFileError}` : note };
}

/** run()'s options for one command under ctx's deadline; none left: the command is not started (exit 1, naming it). */
function commandTimeout(ctx: ExecuteContext, argv: readonly string[]): { timeoutMs?: number } {
  if (!ctx.timeoutMs) return {};
  const t = Math.floor(ctx.timeoutMs());
  if (t <= 0) throw new VipctlError('EXEC', `${argv.join(' ')}: not started, the deadline has passed`, { argv: [...argv], timedOut: true });
  return { timeoutMs: t };
}

export async function executePlan(steps: readonly Step[], ctx: ExecuteContext): Promise<StepResult[]> {
  const results: StepResult[] = [];
  for (const step of steps) {
    const r = await executeStep(step, ctx);
    results.push(r);
    ctx.onStep?.(r);
  }
  return results;
}
