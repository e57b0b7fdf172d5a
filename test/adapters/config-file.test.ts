import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configFileWarnings, configPath, loadConfig, loadConfigFile } from '../../src/adapters/config-file';
import { thrownVipctlError } from '../support/errors';

const VALID = 'sentinel:\n  addresses: [10.0.0.11:26379]\nmasters:\n  mymaster:\n    vip: 10.0.0.100/24\n';

function file(text: string): string {
  const p = join(mkdtempSync(join(tmpdir(), 'vipctl-cfg-')), 'vipctl.yaml');
  writeFileSync(p, text);
  return p;
}

describe('configPath', () => {
  it('--config, else $VIPCTL_CONFIG, else /etc/vipctl/vipctl.yaml', () => {
    expect(configPath('/a.yaml', { VIPCTL_CONFIG: '/b.yaml' })).toBe('/a.yaml');
    expect(configPath(undefined, { VIPCTL_CONFIG: '/b.yaml' })).toBe('/b.yaml');
    expect(configPath(undefined, {})).toBe('/etc/vipctl/vipctl.yaml');
    expect(configPath(undefined, { VIPCTL_CONFIG: '' })).toBe('/etc/vipctl/vipctl.yaml');
  });
});

describe('loadConfig', () => {
  it('reads, parses and validates, applying environment overrides', () => {
    const c = loadConfig(file(VALID), { VIPCTL_SENTINEL_PASSWORD: 'pw' });
    expect(c.masters.get('mymaster')!.vip.text).toBe('10.0.0.100/24');
    expect(c.sentinel.password).toBe('pw');
  });

  it('a missing file is a CONFIG error naming the path', () => {
    const err = thrownVipctlError(() => loadConfig('/nonexistent/vipctl.yaml', {}), 'CONFIG', 2);
    expect(err.message).toBe('cannot read config /nonexistent/vipctl.yaml: ENOENT');
  });

  it('YAML that does not parse is a CONFIG error with the parser reason', () => {
    const p = file('sentinel:\n  addresses: [10.0.0.11:26379\n');
    const err = thrownVipctlError(() => loadConfig(p, {}), 'CONFIG', 2);
    expect(err.message).toMatch(new RegExp(`^${p}: not valid YAML: `));
  });

  it('a key given twice is an error, not "the last one wins"', () => {
    const p = file(`${VALID}masters:\n  other:\n    vip: 10.0.0.101/24\n`);
    const err = thrownVipctlError(() => loadConfig(p, {}), 'CONFIG', 2);
    expect(err.message).toMatch(/not valid YAML: .*unique/i);
  });

  it('validation problems name the file', () => {
    const p = file(VALID.replace('vip: 10.0.0.100/24', 'vip: 10.0.0.100'));
    const err = thrownVipctlError(() => loadConfig(p, {}), 'CONFIG', 2);
    expect(err.message).toMatch(new RegExp(`^${p}: 1 problem\\(s\\): masters\\.mymaster\\.vip: must be an address in CIDR form`));
  });
});

describe('the config file is checked before it is believed (exit 2, naming the path and the fix)', () => {
  const refused = (p: string): string => thrownVipctlError(() => loadConfig(p, {}), 'CONFIG', 2).message;

  it.each([
    ['group-writable', 0o664, /is writable by group or others \(mode 0664\); fix with: chmod go-w/],
    ['world-writable', 0o646, /is writable by group or others \(mode 0646\)/],
  ])('refuses a %s file', (_name, mode, why) => {
    const p = file(VALID);
    chmodSync(p, mode);
    expect(refused(p)).toMatch(new RegExp(`^refusing config: ${p} ${why.source}`));
  });

  it('refuses a file owned by another user (root runs what it says)', () => {
    const p = file(VALID);
    chownSync(p, 65534, 65534);
    expect(refused(p)).toMatch(/is owned by uid 65534, not root; fix with: chown root:vipctl \S+ && chmod 640 /);
  });

  it('refuses a file in a directory others can write (not sticky): the file could be swapped', () => {
    const p = file(VALID);
    chmodSync(dirname(p), 0o777);
    expect(refused(p)).toMatch(/its directory is writable by group or others \(mode 0777\)/);
  });

  it('refuses a FIFO at once instead of blocking on it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vipctl-cfg-'));
    const p = join(dir, 'vipctl.yaml');
    execFileSync('mkfifo', [p]);
    expect(refused(p)).toMatch(/is not a regular file/);
  });

  it('refuses a file over 1 MiB without reading it (a 200 MB file costs no memory or time)', () => {
    const p = file(VALID);
    truncateSync(p, 200 * 1024 * 1024);
    const started = performance.now();
    expect(refused(p)).toMatch(/is 209715200 bytes, more than the 1048576 a config may have/);
    expect(performance.now() - started).toBeLessThan(200);
    const justOver = file(`${VALID}# ${'x'.repeat(1024 * 1024)}\n`);
    expect(refused(justOver)).toMatch(/more than the 1048576/);
  });

  it('an alias bomb is a CONFIG error (exit 2), not an internal one', () => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 10; i++) lines.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
    const p = file(`${lines.join('\n')}\n`);
    expect(refused(p)).toMatch(new RegExp(`^${p}: not usable YAML: .*alias`, 'i'));
  });

  it('accepts a file owned by root, not writable by others, read-only for them', () => {
    const p = file(VALID);
    chmodSync(p, 0o644);
    expect(loadConfigFile(p, {}).warnings).toEqual([]);
  });
});

describe('config warnings (for the log and for doctor)', () => {
  const withPassword = VALID.replace('addresses:', 'password: s3cret\n  addresses:');

  it('refuses (exit 2) a file holding a password that every user can read', () => {
    const p = file(withPassword);
    chmodSync(p, 0o644);
    const e = thrownVipctlError(() => loadConfigFile(p, {}), 'CONFIG', 2);
    expect(e.message).toBe(`refusing config: ${p} holds a password and is readable by every local user (mode 0644); fix with: chown root:vipctl ${p} && chmod 640 ${p} (the service users read it as members of group vipctl)`);
  });

  it('refuses a symlink owned by another user in a directory everybody can write, to a root-owned config', () => {
    const target = file(VALID);
    chmodSync(target, 0o600);
    const open = mkdtempSync(join(tmpdir(), 'vipctl-open-'));
    chmodSync(open, 0o777);
    const link = join(open, 'vipctl.yaml');
    execFileSync('ln', ['-s', target, link]);
    if (process.getuid?.() === 0) execFileSync('chown', ['-h', '65534:65534', link]);
    const e = thrownVipctlError(() => loadConfigFile(link, {}), 'CONFIG', 2);
    expect(e.message).toMatch(new RegExp(`^refusing config: ${link}: ${open} \\(on the way to it\\) is writable by group or others \\(mode 0777\\)`));
    // in a sticky directory, the link's owner decides
    chmodSync(open, 0o1777);
    if (process.getuid?.() === 0) expect(thrownVipctlError(() => loadConfigFile(link, {}), 'CONFIG', 2).message).toMatch(/\(on the way to it, a symlink\) is owned by uid 65534/);
    // and a grandparent everybody can write
    const outer = mkdtempSync(join(tmpdir(), 'vipctl-outer-'));
    const inner = join(outer, 'etc');
    execFileSync('mkdir', [inner]);
    const cfg = join(inner, 'vipctl.yaml');
    writeFileSync(cfg, VALID, { mode: 0o600 });
    chmodSync(outer, 0o777);
    expect(thrownVipctlError(() => loadConfigFile(cfg, {}), 'CONFIG', 2).message).toMatch(new RegExp(`${outer} \\(on the way to it\\) is writable by group or others`));
    chmodSync(outer, 0o755);
    expect(loadConfigFile(cfg, {}).config.masters.size).toBe(1);
  });

  it('no warning for a private file with a password, or a readable one without', () => {
    const secret = file(withPassword);
    chmodSync(secret, 0o600);
    expect(configFileWarnings(secret, {})).toEqual([]);
    const open = file(VALID);
    chmodSync(open, 0o644);
    expect(configFileWarnings(open, {})).toEqual([]);
  });
});

describe('loadConfig when the system fails, not the file', () => {
  it('out of file descriptors (EMFILE) is exit 1 (IO: Sentinel retries), not a CONFIG error (exit 2, never retried)', () => {
    const path = file(VALID);
    chmodSync(path, 0o600);
    const module = join(dirname(new URL(import.meta.url).pathname), '../../src/adapters/config-file.ts');
    // a child with a low fd limit uses up its descriptors, then reads the config
    const script = `const { openSync } = await import('node:fs'); const { loadConfigFile } = await import(${JSON.stringify(module)});
      const fds = []; try { for (;;) fds.push(openSync('/dev/null', 'r')); } catch {}
      try { loadConfigFile(${JSON.stringify(path)}); console.log(JSON.stringify({ ok: true })); } catch (e) { console.log(JSON.stringify({ code: e.code, exitCode: e.exitCode, message: e.message })); }`;
    const out = execFileSync('prlimit', ['--nofile=256:256', process.execPath, '--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(JSON.parse(out.trim().split('\n').at(-1)!)).toMatchObject({ code: 'IO', exitCode: 1, message: expect.stringContaining('EMFILE') });
  });
});
