/** Carry out a plan (core/plan) step by step; stop at the first failure. */
import type { Step } from '../core/plan';
import { VipctlError } from '../core/errors';
import { startAnnouncer, stopAnnouncer } from './announce';
import { describeFailure, run } from './run';

export interface StepResult {
  step: Step;
  /** What happened, for the log: bind, unbind, announce, stop-announce. */
  action: 'bind' | 'unbind' | 'announce' | 'stop-announce';
  durationMs: number;
  /** Extra facts: "already there", announcer pid... */
  note?: string;
  pid?: number;
}

export interface ExecuteContext {
  runDir: string;
  vip: string;
  /** Called after each step, so each action is logged as it happens. */
  onStep?: (r: StepResult) => void;
}

const ACTION = { 'ip-add': 'bind', 'ip-del': 'unbind' } as const;

export async function executeStep(step: Step, ctx: ExecuteContext): Promise<StepResult> {
  const started = performance.now();
  const ms = (): number => Math.round((performance.now() - started) * 10) / 10;
  switch (step.kind) {
    case 'exec': {
      const r = await run(step.argv);
      if (r.exitCode === 0) return { step, action: ACTION[step.what], durationMs: ms() };
      if (r.exitCode !== null && r.stderr.includes(step.okIf)) return { step, action: ACTION[step.what], durationMs: ms(), note: step.what === 'ip-add' ? 'already bound' : 'already gone' };
      throw new VipctlError('EXEC', describeFailure(r), { argv: step.argv });
    }
    case 'announce': {
      const a = await startAnnouncer(step.argv, ctx.runDir, ctx.vip);
      return { step, action: 'announce', durationMs: ms(), pid: a.pid, note: `${step.count} packet(s), one every ${step.intervalSeconds} s` };
    }
    case 'stop-announce': {
      const pid = stopAnnouncer(ctx.runDir, ctx.vip);
      return { step, action: 'stop-announce', durationMs: ms(), ...(pid ? { pid, note: 'stopped' } : { note: 'none running' }) };
    }
  }
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
