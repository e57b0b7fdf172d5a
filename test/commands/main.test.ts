// The command line's manners: --version, an example at the end of every --help, one-line errors.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { reportError, runMain } from '../../src/commands/main';
import { VipctlError } from '../../src/core/errors';

function capture(): { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  return { out: () => out, err: () => err };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('vipctl main', () => {
  it('--version prints the version from package.json and the commit (unknown when run from source)', async () => {
    const io = capture();
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(await runMain(['--version'])).toBe(0);
    expect(io.out()).toBe(`${version} (commit unknown)\n`);
  });

  it.each([[[]], [['bind']], [['unbind']], [['status']], [['doctor']], [['reconcile']], [['hook']], [['lab']], [['lab', 'up']], [['lab', 'status']], [['lab', 'down']], [['lab', 'failover']], [['lab', 'heal']], [['lab', 'demo']], [['check']], [['switchover']], [['config', 'check']], [['hold']], [['release-hold']]])(
    '%j --help ends with an example',
    async (words) => {
      const io = capture();
      expect(await runMain([...words, '--help'])).toBe(0);
      const lines = io.out().trimEnd().split('\n');
      const at = lines.findIndex((l) => /^Examples?:$/.test(l));
      expect(at, io.out()).toBeGreaterThan(0);
      const rest = lines.slice(at + 1);
      const end = rest.indexOf('');
      expect((end < 0 ? rest : rest.slice(0, end)).every((l) => l.startsWith('  vipctl '))).toBe(true);
      // only the top-level help goes on, with the environment variables
      if (end >= 0) expect([words.length, rest[end + 1]]).toEqual([0, 'Environment variables:']);
    },
  );

  it('the top-level --help lists the environment variables vipctl reads', async () => {
    const io = capture();
    expect(await runMain(['--help'])).toBe(0);
    expect(io.out()).toMatch(/\nEnvironment variables:\n(  \S.*\n)*  VIPCTL_CONFIG +the config file/);
    expect(io.out()).toMatch(/  VIPCTL_GROUP +the group shared/);
  });

  it.each<[string[], number, RegExp]>([
    [['bogus'], 2, /^vipctl: unknown command 'bogus' \(see vipctl --help\)\n$/],
    [['status', '--config', '/nonexistent/vipctl.yaml'], 2, /^vipctl: cannot read config \/nonexistent\/vipctl\.yaml: ENOENT \(fix the file, or name another with --config or \$VIPCTL_CONFIG\)\n$/],
    [['bind', '--bogus'], 2, /^vipctl: unknown option '--bogus' \(see vipctl --help\)\n$/],
  ])('%j: exit %i and one line on stderr, no stack', async (args, code, line) => {
    const io = capture();
    expect(await runMain(args)).toBe(code);
    expect(io.err()).toMatch(line);
  });

  it.each<[string, unknown, boolean, RegExp, boolean]>([
    ['ours, no --debug', new VipctlError('CONFIG', 'masters.m.vip: bad'), false, /^vipctl: masters\.m\.vip: bad \(fix the file, or name another with --config or \$VIPCTL_CONFIG\)\n$/, false],
    ['ours, --debug', new VipctlError('EXEC', 'ip addr add: exit 2'), true, /^vipctl: ip addr add: exit 2\n/, true],
    ['a bug, no --debug', new TypeError('x is undefined\nsecond line'), false, /^vipctl: x is undefined \(an unexpected error: run again with --debug for the stack, and report it\)\n$/, false],
    ['a bug, --debug', new TypeError('x is undefined'), true, /^vipctl: x is undefined \(an unexpected error/, true],
  ])('reportError: %s', (_n, e, debug, first, stack) => {
    const io = capture();
    reportError(e, debug);
    expect(io.err()).toMatch(first);
    expect(io.err().includes('    at ')).toBe(stack);
  });
});
