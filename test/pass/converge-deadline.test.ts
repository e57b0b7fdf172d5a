import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, expect, it } from 'vitest';
import { validateConfig } from '../../src/core/config';
import { acquireLock } from '../../src/adapters/lock';
import { COMMANDS_RESERVE_MS, converge } from '../../src/pass/converge';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const logger = pino({ level: 'silent' });

function config(runDir: string, lockTimeoutMs: number) {
  return validateConfig({ sentinel: { addresses: ['198.18.0.11:26379'] }, masters: { m: { vip: '198.18.0.100/24' } }, runDir, lockTimeoutMs, log: { file: null } }, {});
}

it('a deadline cuts the lock wait short of lockTimeoutMs, leaving the commands their reserve (the hook under Sentinel\'s 60 s)', async () => {
  dir = mkdtempSync(join(tmpdir(), 'vipctl-deadline-'));
  const runDir = join(dir, 'run');
  const cfg = config(runDir, 20_000);
  const held = await acquireLock(runDir, '198.18.0.100', 0); // another holder (flock: per open file, so also in this process)
  try {
    const started = performance.now();
    const pass = converge({ config: cfg, master: cfg.masters.get('m')!, logger, announceWhenBound: true, want: () => ({ desired: 'elsewhere', reason: 'test' }), deadline: started + COMMANDS_RESERVE_MS + 300 });
    await expect(pass).rejects.toMatchObject({ code: 'LOCK_TIMEOUT', exitCode: 1 });
    expect(performance.now() - started).toBeLessThan(COMMANDS_RESERVE_MS / 2); // not lockTimeoutMs (20 s)
  } finally {
    held.release();
  }
}, 30_000);
