import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { run } from '../../src/adapters/run';
import { startAnnouncer, stopAnnouncer } from '../../src/adapters/announce';
import { CHILD_ENV, resolveArgv, resolveTool, scrubEnvironment, SYSTEM_DIRS } from '../../src/adapters/system';

const saved = { ...process.env };
afterEach(() => {
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
  Object.assign(process.env, saved);
});

/** A directory holding an executable `name` that leaves a marker file when run. */
function fakeTool(name: string): { dir: string; marker: string } {
  const dir = mkdtempSync(join(tmpdir(), 'vipctl-fake-'));
  const marker = join(dir, 'ran');
  writeFileSync(join(dir, name), `#!/bin/sh\ntouch ${marker}\necho fake\n`, { mode: 0o755 });
  return { dir, marker };
}

describe('ip and arping come from the system directories, never from PATH', () => {
  it('resolves ip to the first system directory that has it', () => {
    const path = resolveTool('ip');
    expect(SYSTEM_DIRS.some((d) => path === `${d}/ip`)).toBe(true);
    expect(resolveArgv(['ip', 'addr'])).toEqual([path, 'addr']);
  });

  it('a fake ip first on PATH (or "." on PATH) is not run', async () => {
    const { dir, marker } = fakeTool('ip');
    process.env.PATH = `${dir}:.:${saved.PATH ?? ''}`;
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const r = await run(['ip', '-V']);
      expect(r.stdout).toMatch(/iproute2/);
      expect(existsSync(marker)).toBe(false);
    } finally {
      process.chdir(cwd);
    }
  });

  it('other bare names are looked up in the fixed PATH only', async () => {
    const { dir, marker } = fakeTool('true');
    process.env.PATH = dir;
    const r = await run(['true']);
    expect(r.exitCode).toBe(0);
    expect(existsSync(marker)).toBe(false);
  });

  it('the first file found must be root-owned and not writable by others; a later directory is not tried instead', () => {
    const base = mkdtempSync(join(tmpdir(), 'vipctl-dirs-'));
    const [first, second] = [join(base, 'a'), join(base, 'b')];
    mkdirSync(first);
    mkdirSync(second);
    writeFileSync(join(second, 'ip'), '', { mode: 0o755 });
    expect(resolveTool('ip', [first, second])).toBe(join(second, 'ip'));
    writeFileSync(join(first, 'ip'), '', { mode: 0o755 });
    chownSync(join(first, 'ip'), 65534, 65534);
    expect(() => resolveTool('ip', [first, second])).toThrow(`${first}/ip is owned by uid 65534, not root: refusing to run it as ip`);
    chownSync(join(first, 'ip'), 0, 0);
    chmodSync(join(first, 'ip'), 0o757);
    expect(() => resolveTool('ip', [first, second])).toThrow(/is writable by group or others \(mode 757\): refusing to run it; fix with: chmod go-w/);
    expect(() => resolveTool('arping', [first])).toThrow(/arping not found in .* \(install iputils-arping\)/);
  });
});

describe('children get a minimal environment', () => {
  it('run(): PATH and LC_ALL only, no secrets, no DEBUG', async () => {
    process.env.VIPCTL_SENTINEL_PASSWORD = 's3cret';
    process.env.DEBUG = 'ioredis:*';
    process.env.LD_PRELOAD = '/tmp/evil.so';
    const r = await run(['env']);
    expect(r.stdout.split('\n').sort()).toEqual(['LC_ALL=C', `PATH=${CHILD_ENV.PATH}`]);
  });

  it('the announcer too', async () => {
    process.env.VIPCTL_SENTINEL_PASSWORD = 's3cret';
    const dir = mkdtempSync(join(tmpdir(), 'vipctl-ann-'));
    const out = join(dir, 'env.txt');
    await startAnnouncer(['sh', '-c', `env > ${out}`, '198.18.9.100'], dir, '198.18.9.100', 500);
    const lines = readFileSync(out, 'utf8').trim().split('\n').filter((l) => !l.startsWith('PWD='));
    expect(lines.sort()).toEqual(['LC_ALL=C', `PATH=${CHILD_ENV.PATH}`]);
    stopAnnouncer(dir, '198.18.9.100');
  });

  it('scrubEnvironment removes the debug switches of libraries', () => {
    const env: NodeJS.ProcessEnv = { DEBUG: 'ioredis:*', NODE_DEBUG: 'net', NODE_DEBUG_NATIVE: 'x', PATH: '/bin', VIPCTL_CONFIG: '/c' };
    scrubEnvironment(env);
    expect(env).toEqual({ PATH: '/bin', VIPCTL_CONFIG: '/c' });
  });
});
