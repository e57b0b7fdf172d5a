import { describe, expect, it } from 'vitest';
import { describeFailure, ok, run } from '../../src/adapters/run';

describe('run', () => {
  it('passes arguments as data: no shell ever sees them', async () => {
    const r = await run(['printf', '%s|', 'a b', '$(echo hi)', ';true', '*']);
    expect(ok(r)).toBe(true);
    expect(r.stdout).toBe('a b|$(echo hi)|;true|*|');
  });

  it('reports a non-zero exit with its stderr, without throwing', async () => {
    const r = await run(['sh', '-c', 'echo oops >&2; exit 3']);
    expect(r.exitCode).toBe(3);
    expect(ok(r)).toBe(false);
    expect(describeFailure(r)).toBe('sh -c echo oops >&2; exit 3: exit 3: oops');
  });

  it('reports a command that cannot start', async () => {
    const r = await run(['/nonexistent/vipctl-test']);
    expect(r.failedToStart).toBe('ENOENT');
    expect(ok(r)).toBe(false);
  });

  it('kills a command that outlives its timeout', async () => {
    const r = await run(['sleep', '5'], { timeoutMs: 100 });
    expect(r.failedToStart).toMatch(/timed out after 100 ms/);
    expect(r.durationMs).toBeLessThan(4000);
  });

  it('runs with C messages and the given environment', async () => {
    const r = await run(['sh', '-c', 'echo "$LC_ALL $VIPCTL_X"'], { env: { VIPCTL_X: 'y' } });
    expect(r.stdout).toBe('C y');
  });

  it('feeds input on stdin', async () => {
    expect((await run(['cat'], { input: 'hello' })).stdout).toBe('hello');
  });
});

describe('run: a hung command leaves nothing behind', () => {
  it('kills the whole process group on timeout, not only the command itself', async () => {
    const { running } = await import('../../src/adapters/proc');
    const { mkdtempSync, readFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'vipctl-run-'));
    // a wrapper that starts a child and waits on it, as a script bound over `ip` would
    const r = await run(['sh', '-c', `sleep 300 & echo $! > ${dir}/child; wait`], { timeoutMs: 300 });
    expect(r).toMatchObject({ exitCode: null, timedOut: true, failedToStart: 'timed out after 300 ms' });
    const child = Number(readFileSync(join(dir, 'child'), 'utf8'));
    for (let i = 0; i < 100 && running(child); i++) await new Promise((res) => setTimeout(res, 20));
    expect(running(child)).toBe(false);
  });
});
