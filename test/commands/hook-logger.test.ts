/** The hook's logger is made on first use (commands/hook lazyLogger): after the `ip addr add`, not before it. */
import { afterAll, describe, expect, it } from 'vitest';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hookCommand, lazyLogger } from '../../src/commands/hook';
import { createLogger } from '../../src/adapters/log';
import type { ConvergeDeps } from '../../src/pass/converge';
import type { Link } from '../../src/core/local';

const dir = mkdtempSync(join(tmpdir(), 'vipctl-hook-logger-'));
chmodSync(dir, 0o700);
const logFile = join(dir, 'vipctl.log');
const configPath = join(dir, 'vipctl.yaml');
writeFileSync(configPath, `sentinel:\n  addresses: [198.18.0.11:26379]\nmasters:\n  mymaster:\n    vip: 198.18.0.100/24\nlog:\n  file: ${logFile}\n  level: info\nrunDir: ${join(dir, 'run')}\n`, { mode: 0o600 });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HERE: Link[] = [{ ifname: 'eth0', up: true, mac: '02:00:00:00:00:11', addresses: [{ address: '198.18.0.11', prefix: 24, family: 4 }] }];

describe("the hook's logger", () => {
  it('the log file is not opened before the plan runs (the add); the line is written after it', async () => {
    let openedBeforeThePlan: boolean | undefined;
    const deps: Partial<ConvergeDeps> = {
      acquireLock: async () => ({ path: '/fake', waitedMs: 0, release: () => undefined }),
      readLocalLinks: async () => HERE,
      executePlan: async () => {
        openedBeforeThePlan = existsSync(logFile);
        return [];
      },
      readHold: () => null,
      notifyChanges: () => undefined,
    };
    const stderr = process.stderr.write;
    process.stderr.write = (() => true) as never; // the lines also go to stderr
    try {
      expect(await hookCommand(['mymaster', 'leader', 'start', '198.18.0.12', '6379', '198.18.0.11', '6379'], { config: configPath, deps })).toBe(0);
    } finally {
      process.stderr.write = stderr;
    }
    expect(openedBeforeThePlan).toBe(false);
    const line = JSON.parse(readFileSync(logFile, 'utf8').trim().split('\n').pop()!) as Record<string, unknown>;
    expect(line).toMatchObject({ cmd: 'hook', role: 'leader', from: '198.18.0.12:6379', to: '198.18.0.11:6379', master: 'mymaster', event: 'noop' });
    // the fields in the order a child logger gave them: pid, cmd, then the context
    expect(Object.keys(line).slice(0, 7)).toEqual(['level', 'time', 'pid', 'cmd', 'role', 'from', 'to']);
  });

  it('lazyLogger makes nothing until used, then once', () => {
    let made = 0;
    const l = lazyLogger({ file: null, level: 'info', stderr: false }, { cmd: 'hook' }, (o, b) => {
      made++;
      return createLogger(o, b);
    });
    expect(made).toBe(0);
    l.info('one');
    l.warn('two');
    expect(l.level).toBe('info');
    expect(made).toBe(1);
  });
});
