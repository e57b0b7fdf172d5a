/**
 * executePlan/executeStep through what exists: real commands, harmless ones
 * (`sh -c`), in the argv a plan's step carries; no root, no `ip`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ipAdd, ipDel, type Step } from '../../src/core/plan';
import { parseCidr } from '../../src/core/address';
import { executePlan, executeStep, type StepResult } from '../../src/adapters/execute';

const runDir = mkdtempSync(join(tmpdir(), 'vipctl-execute-'));
afterAll(() => rmSync(runDir, { recursive: true, force: true }));
const ctx = { runDir, vip: '198.18.0.100' };

const sh = (what: 'ip-add' | 'ip-del', script: string, okIf: string[] = []): Step => ({ kind: 'exec', what, argv: ['sh', '-c', script], okIf });

describe('executeStep', () => {
  // What ip 6.1 on Linux 6.1 (Debian 12) prints, spawned or batched (checked in a namespace), with the plan's own markers.
  it.each([
    ['198.18.0.100/24', 'ip-add', 'Error: ipv4: Address already assigned.', 'already bound'],
    ['198.18.0.100/24', 'ip-add', 'RTNETLINK answers: File exists', 'already bound'],
    ['198.18.0.100/24', 'ip-del', 'Error: ipv4: Address not found.', 'already gone'],
    ['198.18.0.100/24', 'ip-del', 'RTNETLINK answers: Cannot assign requested address', 'already gone'],
    ['fd00::100/64', 'ip-add', 'Error: ipv6: address already assigned.', 'already bound'],
    ['fd00::100/64', 'ip-del', 'Error: ipv6: address not found.', 'already gone'],
  ] as const)('%s %s: "%s" is %s', async (cidr, what, stderr, note) => {
    const real = what === 'ip-add' ? ipAdd(parseCidr(cidr)!, 'eth0') : ipDel(parseCidr(cidr)!, 'eth0');
    const step = { ...real, argv: ['sh', '-c', `echo '${stderr}' >&2; exit 2`] } as Step;
    expect(await executeStep(step, ctx)).toMatchObject({ note });
  });

  it('exit 0 is the action done', async () => {
    const r = await executeStep(sh('ip-add', 'exit 0'), ctx);
    expect(r).toMatchObject({ action: 'bind' });
    expect(r).not.toHaveProperty('note');
    expect(await executeStep(sh('ip-del', 'exit 0'), ctx)).toMatchObject({ action: 'unbind' });
  });

  it("a failure whose stderr says okIf is success: 'already bound' / 'already gone'", async () => {
    expect(await executeStep(sh('ip-add', 'echo "RTNETLINK answers: File exists" >&2; exit 2', ['File exists']), ctx)).toMatchObject({ action: 'bind', note: 'already bound' });
    expect(await executeStep(sh('ip-del', 'echo "Error: ipv4: Address not found." >&2; exit 2', ['Address not found']), ctx)).toMatchObject({ action: 'unbind', note: 'already gone' });
  });

  it('any other failure is an EXEC error naming the step and argv (exit 1: retried)', async () => {
    await expect(executeStep(sh('ip-add', 'echo "Cannot find device" >&2; exit 1', ['File exists']), ctx)).rejects.toMatchObject({ code: 'EXEC', exitCode: 1, details: { step: 'ip-add', argv: ['sh', '-c', expect.any(String)] } });
  });

  it('a command that outlives its deadline is killed: timedOut, which converge reads the links again for', async () => {
    const started = performance.now();
    const e = await executeStep(sh('ip-add', 'sleep 5'), { ...ctx, timeoutMs: () => 200 }).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'EXEC', details: { step: 'ip-add', timedOut: true } });
    expect(performance.now() - started).toBeLessThan(4000);
  });

  it('no time left: the command is not started at all', async () => {
    const marker = join(runDir, 'started');
    await expect(executeStep(sh('ip-add', `touch ${marker}`), { ...ctx, timeoutMs: () => 0 })).rejects.toMatchObject({ code: 'EXEC', details: { timedOut: true }, message: expect.stringContaining('not started, the deadline has passed') });
    const { existsSync } = await import('node:fs');
    expect(existsSync(marker)).toBe(false);
  });

  it('stop-announce with no announcer running: no pid, "none running"', async () => {
    const r = await executeStep({ kind: 'stop-announce' }, ctx);
    expect(r).toMatchObject({ action: 'stop-announce', note: 'none running' });
    expect(r).not.toHaveProperty('pid');
  });
});

describe('executePlan', () => {
  it('runs the steps in order, each reported as it is done, and stops at the first failure', async () => {
    const seen: StepResult[] = [];
    const plan: Step[] = [{ kind: 'stop-announce' }, sh('ip-del', 'exit 0'), sh('ip-add', 'exit 3'), sh('ip-del', 'exit 0')];
    await expect(executePlan(plan, { ...ctx, onStep: (r) => seen.push(r) })).rejects.toMatchObject({ code: 'EXEC', details: { step: 'ip-add' } });
    expect(seen.map((r) => r.action)).toEqual(['stop-announce', 'unbind']);
  });

  it('returns every result when all succeed; asks the deadline before each command', async () => {
    let asked = 0;
    const r = await executePlan([sh('ip-del', 'exit 0'), sh('ip-add', 'exit 0')], { ...ctx, timeoutMs: () => (asked++, 5000) });
    expect(r.map((x) => x.action)).toEqual(['unbind', 'bind']);
    expect(asked).toBe(2);
  });
});
