// `vipctl config check` offline: every problem with its key, exit 2; a usable file, exit 0 (its interface checks need the host's links: the lab test).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runMain } from '../../src/commands/main';
import { configProblems } from '../../src/core/config-check';
import { VipctlError } from '../../src/core/errors';

afterEach(() => {
  vi.restoreAllMocks();
});

function run(args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  return runMain(args).then((code) => ({ code, out }));
}

function file(text: string, mode = 0o600): string {
  const path = join(mkdtempSync(join(tmpdir(), 'vipctl-cc-')), 'vipctl.yaml');
  writeFileSync(path, text, { mode });
  return path;
}

describe('vipctl config check', () => {
  it('lists every schema problem with its key, exit 2', async () => {
    const path = file('sentinel:\n  addresses: [10.0.0.11:26379, bad]\nmasters:\n  m1:\n    vip: 10.0.0.300/24\nfoo: 1\n');
    const r = await run(['config', 'check', '--config', path]);
    expect(r.code).toBe(2);
    expect(r.out.split('\n')).toEqual([
      'problem: sentinel.addresses.1: must be host:port (IPv6 as [addr]:port), port 1-65535',
      'problem: masters.m1.vip: must be an address in CIDR form, e.g. 10.0.0.100/24',
      'problem: foo: unknown key',
      `config ${path}: 3 problem(s)`,
      '',
    ]);
  });
  it('says why a file cannot be read or is not YAML', async () => {
    expect((await run(['config', 'check', '--config', '/nonexistent/vipctl.yaml'])).out).toMatch(/^problem: cannot read config \/nonexistent\/vipctl.yaml: ENOENT\n/);
    const bad = await run(['config', 'check', '--config', file('masters: [\n')]);
    expect(bad.code).toBe(2);
    expect(bad.out).toMatch(/^problem: not valid YAML: Flow sequence/);
  });
  it('a VIP that is a node address is a problem of masters.<name>.vip', async () => {
    const r = await run(['config', 'check', '--config', file('sentinel:\n  addresses: [10.0.0.11:26379]\nmasters:\n  m1:\n    vip: 10.0.0.11/24\n')]);
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/^problem: masters\.m1\.vip: 10\.0\.0\.11 is a node address/);
  });
  it('configProblems: the listed problems, else the message', () => {
    expect(configProblems(new VipctlError('CONFIG', 'x: 2 problem(s)', { problems: ['a: one', 'b: two'] }))).toEqual(['a: one', 'b: two']);
    expect(configProblems(new VipctlError('CONFIG', 'cannot read config /x: EACCES'))).toEqual(['cannot read config /x: EACCES']);
  });
});
