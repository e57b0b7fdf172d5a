import { describe, expect, it } from 'vitest';
import { parseCidr } from '../../src/core/address';
import type { Config } from '../../src/core/config';
import { decide, type Decision } from '../../src/core/decide';
import { arpingArgv, IP_ADD_EXISTS, IP_DEL_MISSING, ipAdd, ipDel, ipDeprecate, ndptoolArgv, planFor, type Step } from '../../src/core/plan';

const VIP = parseCidr('10.0.0.100/24')!;
const ANNOUNCE: Config['announce'] = { count: 5, intervalSeconds: 1, mode: 'request' };

function decision(over: Partial<Decision>): Decision {
  return { action: 'none', removeFrom: [], add: false, deprecate: false, announce: false, stopAnnounce: false, is: 'x', mustBe: 'y', reason: 'z', ...over };
}

const ADD_ETH1: Step = { kind: 'exec', what: 'ip-add', argv: ['ip', 'addr', 'add', '10.0.0.100/24', 'dev', 'eth1'], okIf: ['File exists', 'Address already assigned'] };
const DEL_ETH1: Step = { kind: 'exec', what: 'ip-del', argv: ['ip', 'addr', 'del', '10.0.0.100/24', 'dev', 'eth1'], okIf: ['Cannot assign requested address', 'Address not found'] };
const DEL_ETH2: Step = { kind: 'exec', what: 'ip-del', argv: ['ip', 'addr', 'del', '10.0.0.100/24', 'dev', 'eth2'], okIf: ['Cannot assign requested address', 'Address not found'] };
const ANNOUNCE_ETH1: Step = {
  kind: 'announce',
  argv: ['arping', '-U', '-c', '5', '-i', '1', '-I', 'eth1', '-s', '10.0.0.100', '10.0.0.100'],
  count: 5,
  intervalSeconds: 1,
};
const STOP: Step = { kind: 'stop-announce' };

describe('step builders', () => {
  it('ipAdd / ipDel are exact argv arrays with their idempotence markers', () => {
    expect(ipAdd(VIP, 'eth1')).toEqual(ADD_ETH1);
    expect(ipDel(VIP, 'eth2')).toEqual(DEL_ETH2);
    expect(IP_ADD_EXISTS).toBe('File exists');
    expect(IP_DEL_MISSING).toBe('Cannot assign requested address');
  });

  it('removes the VIP with the prefix it is bound with on each interface (an operator\'s /32 of a /24 VIP)', () => {
    const steps = planFor(decision({ removeFrom: ['eth1', 'eth2'] }), VIP, null, ANNOUNCE, new Map([['eth1', [32]], ['eth2', [24, 28]]]));
    expect(steps.map((s) => (s.kind === 'exec' ? s.argv[3] + ' ' + s.argv[5] : s.kind))).toEqual(['10.0.0.100/32 eth1', '10.0.0.100/24 eth2', '10.0.0.100/28 eth2']);
    expect(planFor(decision({ removeFrom: ['eth1'] }), VIP, null, ANNOUNCE)).toEqual([DEL_ETH1]);
    const v6 = parseCidr('fd00::100/64')!;
    expect(planFor(decision({ removeFrom: ['eth1'] }), v6, null, ANNOUNCE, new Map([['eth1', [128]]]))[0]).toMatchObject({ argv: ['ip', '-6', 'addr', 'del', 'fd00::100/128', 'dev', 'eth1'] });
  });

  it('uses the normalised CIDR text', () => {
    const v = parseCidr('10.0.0.7/25')!;
    expect(ipAdd(v, 'bond0.100')).toMatchObject({ argv: ['ip', 'addr', 'add', '10.0.0.7/25', 'dev', 'bond0.100'] });
  });

  it.each<[Config['announce'], string[]]>([
    [{ count: 5, intervalSeconds: 1, mode: 'request' }, ['arping', '-U', '-c', '5', '-i', '1', '-I', 'eth1', '-s', '10.0.0.100', '10.0.0.100']],
    [{ count: 3, intervalSeconds: 2, mode: 'reply' }, ['arping', '-A', '-c', '3', '-i', '2', '-I', 'eth1', '-s', '10.0.0.100', '10.0.0.100']],
    [{ count: 1, intervalSeconds: 60, mode: 'request' }, ['arping', '-U', '-c', '1', '-i', '60', '-I', 'eth1', '-s', '10.0.0.100', '10.0.0.100']],
  ])('arpingArgv %j', (announce, argv) => {
    expect(arpingArgv(VIP, 'eth1', announce)).toEqual(argv);
  });
});

describe('planFor', () => {
  it.each<[string, Decision, Config['announce'], Step[]]>([
    ['nothing to do', decision({}), ANNOUNCE, []],
    ['bind', decision({ action: 'bind', add: true, announce: true }), ANNOUNCE, [ADD_ETH1, ANNOUNCE_ETH1]],
    ['bind without announcements (count 0)', decision({ action: 'bind', add: true, announce: true }), { ...ANNOUNCE, count: 0 }, [ADD_ETH1]],
    ['announce only (already bound)', decision({ announce: true }), ANNOUNCE, [ANNOUNCE_ETH1]],
    ['announce only, count 0', decision({ announce: true }), { ...ANNOUNCE, count: 0 }, []],
    ['unbind', decision({ action: 'unbind', removeFrom: ['eth1'], stopAnnounce: true }), ANNOUNCE, [STOP, DEL_ETH1]],
    ['unbind from two interfaces, in order', decision({ action: 'unbind', removeFrom: ['eth2', 'eth1'], stopAnnounce: true }), ANNOUNCE, [STOP, DEL_ETH2, DEL_ETH1]],
    ['stop an announcer with nothing bound', decision({ stopAnnounce: true }), ANNOUNCE, [STOP]],
    [
      'move from the wrong interface',
      decision({ action: 'bind', removeFrom: ['eth2'], add: true, announce: true, stopAnnounce: true }),
      ANNOUNCE,
      [STOP, DEL_ETH2, ADD_ETH1, ANNOUNCE_ETH1],
    ],
    [
      'reply mode',
      decision({ action: 'bind', add: true, announce: true }),
      { count: 2, intervalSeconds: 3, mode: 'reply' },
      [ADD_ETH1, { kind: 'announce', argv: ['arping', '-A', '-c', '2', '-i', '3', '-I', 'eth1', '-s', '10.0.0.100', '10.0.0.100'], count: 2, intervalSeconds: 3 }],
    ],
  ])('%s', (_name, d, announce, steps) => {
    expect(planFor(d, VIP, 'eth1', announce)).toEqual(steps);
  });

  it.each<[string, Decision]>([
    ['here, wrong interface', decide('here', { boundOn: ['eth2'], interface: 'eth1' })],
    ['here, both interfaces', decide('here', { boundOn: ['eth1', 'eth2'], interface: 'eth1' })],
    ['elsewhere', decide('elsewhere', { boundOn: ['eth1', 'eth2'], interface: 'eth1' })],
  ])('orders steps for a real decision: %s', (_name, d) => {
    const kinds: string[] = planFor(d, VIP, 'eth1', ANNOUNCE).map((s) => (s.kind === 'exec' ? s.what : s.kind));
    const at = (k: string) => kinds.indexOf(k);
    // stop-announce comes first, before any address goes
    expect(at('stop-announce')).toBe(0);
    expect(at('ip-del')).toBeGreaterThan(0);
    // the address is there before anyone is told about it
    if (at('announce') >= 0) expect(at('announce')).toBeGreaterThan(Math.max(at('ip-add'), at('ip-del')));
    if (at('ip-add') >= 0) expect(at('ip-add')).toBeGreaterThan(kinds.lastIndexOf('ip-del'));
  });

  it('never passes a VIP or interface through a shell: argv elements are whole values', () => {
    const steps = planFor(decision({ action: 'bind', add: true, announce: true }), VIP, 'eth1', ANNOUNCE);
    for (const s of steps) if (s.kind !== 'stop-announce') for (const a of s.argv) expect(a).not.toMatch(/\s/);
  });
});

describe('planFor without an interface', () => {
  it('plans an unbind from where the VIP was found', () => {
    const d = decide('elsewhere', { boundOn: ['eth7'], interface: null });
    expect(planFor(d, VIP, null, ANNOUNCE)).toEqual([{ kind: 'stop-announce' }, ipDel(VIP, 'eth7')]);
  });

  it('refuses to plan a bind with nowhere to put it', () => {
    expect(() => planFor(decision({ action: 'bind', add: true, announce: true }), VIP, null, ANNOUNCE)).toThrow(TypeError);
  });
});

describe('IPv6 VIPs', () => {
  const VIP6 = parseCidr('fd00::100/64')!;
  const ADD6: Step = { kind: 'exec', what: 'ip-add', argv: ['ip', '-6', 'addr', 'add', 'fd00::100/64', 'dev', 'eth1', 'nodad', 'preferred_lft', '0'], okIf: ['address already assigned'] };
  const DEL6: Step = { kind: 'exec', what: 'ip-del', argv: ['ip', '-6', 'addr', 'del', 'fd00::100/64', 'dev', 'eth2'], okIf: ['address not found'] };
  const NA6: Step = { kind: 'announce', argv: ['ndptool', '-t', 'na', '-U', '-i', 'eth1', '-T', 'fd00::100', 'send'], count: 5, intervalSeconds: 1 };

  it('binds without duplicate address detection and matches iproute2\'s IPv6 messages', () => {
    expect(ipAdd(VIP6, 'eth1')).toEqual(ADD6);
    expect(ipDel(VIP6, 'eth2')).toEqual(DEL6);
    expect(ndptoolArgv(VIP6, 'eth1')).toEqual(NA6.argv);
  });

  const DEPRECATE6: Step = { kind: 'exec', what: 'ip-deprecate', argv: ['ip', '-6', 'addr', 'change', 'fd00::100/64', 'dev', 'eth1', 'nodad', 'preferred_lft', '0'] };

  it('a VIP bound but not deprecated is deprecated in place (ip addr change: no delete, no gap)', () => {
    expect(ipDeprecate(VIP6, 'eth1')).toEqual(DEPRECATE6);
    expect(planFor(decision({ action: 'bind', deprecate: true }), VIP6, 'eth1', ANNOUNCE)).toEqual([DEPRECATE6]);
    expect(planFor(decision({ action: 'bind', deprecate: true, announce: true }), VIP6, 'eth1', ANNOUNCE)).toEqual([DEPRECATE6, NA6]);
  });

  it('an IPv4 VIP is never "deprecated" (no such thing: the subnet route keeps the primary as source)', () => {
    expect(planFor(decision({ action: 'bind', deprecate: true }), VIP, 'eth1', ANNOUNCE)).toEqual([]);
  });

  it.each<[string, Partial<Decision>, Step[]]>([
    ['bind and announce', { add: true, announce: true }, [ADD6, NA6]],
    ['unbind elsewhere: stop the announcer first', { stopAnnounce: true, removeFrom: ['eth2'] }, [STOP, DEL6]],
    ['move between interfaces', { stopAnnounce: true, removeFrom: ['eth2'], add: true, announce: true }, [STOP, DEL6, ADD6, NA6]],
  ])('%s', (_n, d, steps) => {
    expect(planFor(decision(d), VIP6, 'eth1', ANNOUNCE)).toEqual(steps);
  });

  it('ignores announce.mode (arping only) and honours count 0', () => {
    expect(planFor(decision({ add: true, announce: true }), VIP6, 'eth1', { ...ANNOUNCE, mode: 'reply' })).toEqual([ADD6, NA6]);
    expect(planFor(decision({ add: true, announce: true }), VIP6, 'eth1', { ...ANNOUNCE, count: 0 })).toEqual([ADD6]);
  });
});
