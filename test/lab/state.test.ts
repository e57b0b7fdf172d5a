import { chmodSync, existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkLabId, createLabDir, listLabIds, parseLabState, readLabState, writeLabState, type LabState } from '../../src/lab/state';

const base = (): string => mkdtempSync(join(tmpdir(), 'vipctl-labstate-'));
const state = (dir: string, over: Partial<LabState> = {}): LabState => ({ id: 'x1', dir, mode: 'hook', masters: 1, createdAt: 'now', namespaces: [], pids: [{ host: 'n1', what: 'redis', pid: 1234, startTime: '99' }], ...over });

describe('lab ids are checked before anything touches the disk', () => {
  it.each(['../x', 'a/b', '', 'UPPER', 'a'.repeat(13), 'x y', '.'])('refuses %j (exit 2, one line)', (id) => {
    const b = base();
    expect(() => checkLabId(id)).toThrow(expect.objectContaining({ code: 'USAGE', exitCode: 2 }));
    expect(() => createLabDir(b, id)).toThrow(/lab id must be 1-12 lowercase letters\/digits/);
    expect(existsSync(join(b, 'x'))).toBe(false);
  });

  it('refuses a relative base dir', () => {
    expect(() => createLabDir('relative/dir', 'x1')).toThrow(expect.objectContaining({ code: 'USAGE', message: expect.stringMatching(/absolute/) }));
  });

  it('refuses a base dir others can write (a shared location)', () => {
    const b = base();
    chmodSync(b, 0o1777);
    expect(() => createLabDir(b, 'x1')).toThrow(expect.objectContaining({ code: 'UNSAFE', exitCode: 2, message: expect.stringMatching(/has mode 1777/) }));
    expect(existsSync(join(b, 'x1'))).toBe(false);
  });
});

describe('readLabState believes only a state file of its own', () => {
  it('round-trips what writeLabState wrote (0600)', () => {
    const b = base();
    const dir = createLabDir(b, 'x1');
    writeLabState(state(dir));
    expect(readLabState(b, 'x1')).toEqual(state(dir));
    expect(listLabIds(b)).toEqual(['x1']);
  });

  it('keeps the --tls flag; a state file without it is a plain lab; a flag that is not a boolean is refused', () => {
    const b = base();
    const dir = createLabDir(b, 'x1');
    writeLabState(state(dir, { tls: true }));
    expect(readLabState(b, 'x1').tls).toBe(true);
    expect(parseLabState({ ...state(dir) }, 'x1', dir).tls).toBeUndefined();
    expect(() => parseLabState({ ...state(dir), tls: 'yes' }, 'x1', dir)).toThrow(expect.objectContaining({ code: 'UNSAFE', message: expect.stringMatching(/bad tls flag "yes"/) }));
  });

  it('refuses a state file that is a symlink', () => {
    const b = base();
    const dir = createLabDir(b, 'x1');
    const elsewhere = join(b, 'other.json');
    writeFileSync(elsewhere, JSON.stringify(state(dir)));
    symlinkSync(elsewhere, join(dir, 'state.json'));
    expect(() => readLabState(b, 'x1')).toThrow(expect.objectContaining({ code: 'UNSAFE', message: expect.stringMatching(/state\.json: is a symlink/) }));
  });

  it('refuses a lab dir others can write', () => {
    const b = base();
    const dir = createLabDir(b, 'x1');
    writeLabState(state(dir));
    chmodSync(dir, 0o777);
    expect(() => readLabState(b, 'x1')).toThrow(/x1: has mode 0777/);
  });

  it('a missing lab is a plain "no lab" error', () => {
    const b = base();
    mkdirSync(join(b, 'x1'));
    expect(() => readLabState(b, 'x1')).toThrow(expect.objectContaining({ code: 'LAB', message: `no lab "x1" in ${b}` }));
  });
});

describe('parseLabState: the content must describe exactly this lab', () => {
  const dir = '/run/vipctl-lab/x1';
  it.each<[string, unknown, RegExp]>([
    ['not an object', 'x', /is not an object/],
    ['another id', { ...state(dir), id: 'y2' }, /is for lab "y2", not "x1"/],
    ['another directory', { ...state(dir), dir: '/root/precious' }, /names directory "\/root\/precious"/],
    ['unknown mode', { ...state(dir), mode: 'evil' }, /unknown mode/],
    ['pid 1', { ...state(dir), pids: [{ host: 'n1', what: 'redis', pid: 1, startTime: '5' }] }, /bad pid entry/],
    ['pid not a number', { ...state(dir), pids: [{ host: 'n1', what: 'redis', pid: '1; rm -rf /', startTime: '5' }] }, /bad pid entry/],
    ['unknown process kind', { ...state(dir), pids: [{ host: 'n1', what: 'sshd', pid: 77, startTime: '5' }] }, /bad pid entry/],
    ['no pid list', { ...state(dir), pids: undefined }, /no pid list/],
    ['ipv6 not a boolean', { ...state(dir), ipv6: 'yes' }, /bad ipv6 flag "yes"/],
    ['master count 0', { ...state(dir), masters: 0 }, /bad master count 0/],
    ['master count not a number', { ...state(dir), masters: '5' }, /bad master count "5"/],
    ['master count too large', { ...state(dir), masters: 101 }, /bad master count 101/],
    ['master index not a number', { ...state(dir), pids: [{ host: 'n1', what: 'redis', pid: 77, startTime: '5', index: 'x' }] }, /bad pid entry/],
    ['netnsEtc not a list', { ...state(dir), netnsEtc: '/etc' }, /bad netnsEtc list "\/etc"/],
    ['netnsEtc outside /etc/netns', { ...state(dir), netnsEtc: ['/etc/netns/../..'] }, /bad netnsEtc list/],
    ['netnsEtc naming /etc itself', { ...state(dir), netnsEtc: ['/etc'] }, /bad netnsEtc list/],
    ['negative master index', { ...state(dir), pids: [{ host: 'n1', what: 'redis', pid: 77, startTime: '5', index: -1 }] }, /bad pid entry/],
  ])('refuses %s', (_name, raw, why) => {
    expect(() => parseLabState(raw, 'x1', dir)).toThrow(expect.objectContaining({ code: 'UNSAFE', exitCode: 2, message: expect.stringMatching(why) }));
  });

  it('keeps the ipv6 flag of lab up --ipv6; absent (older files) or false means IPv4', () => {
    expect(parseLabState({ ...state(dir), ipv6: true }, 'x1', dir).ipv6).toBe(true);
    expect(parseLabState({ ...state(dir), ipv6: false }, 'x1', dir)).not.toHaveProperty('ipv6');
    expect(parseLabState(state(dir), 'x1', dir)).not.toHaveProperty('ipv6');
  });

  it('keeps --masters and each redis-server\'s master index; a file without them is a one-master lab', () => {
    const s = parseLabState({ ...state(dir), masters: 5, pids: [{ host: 'n1', what: 'redis', pid: 77, startTime: '5', index: 4 }] }, 'x1', dir);
    expect(s.masters).toBe(5);
    expect(s.pids).toEqual([{ host: 'n1', what: 'redis', pid: 77, startTime: '5', index: 4 }]);
    expect(parseLabState({ ...state(dir), masters: undefined }, 'x1', dir).masters).toBe(1);
  });

  it('keeps the /etc/netns directories lab up --hostnames made; a file without the list has none', () => {
    const dirs = ['/etc/netns/vl-x1-sw', '/etc/netns/vl-x1-n1'];
    expect(parseLabState({ ...state(dir), hostnames: true, netnsEtc: dirs }, 'x1', dir)).toMatchObject({ hostnames: true, netnsEtc: dirs });
    expect(parseLabState(state(dir), 'x1', dir)).not.toHaveProperty('netnsEtc');
  });

  it('accepts an older entry without a start time (it is then never killed by pid)', () => {
    const s = parseLabState({ ...state(dir), pids: [{ host: 'n1', what: 'redis', pid: 77 }] }, 'x1', dir);
    expect(s.pids).toEqual([{ host: 'n1', what: 'redis', pid: 77, startTime: null }]);
  });
});
