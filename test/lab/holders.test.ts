import { describe, expect, it } from 'vitest';
import { holderStats, parseAddrChange, parseAddrLine, parseStampedLine, type AddrEvent } from '../../src/lab/holders';

const ev = (host: string, t: number, op: AddrEvent['op']): AddrEvent => ({ host, t, op });

describe('holderStats', () => {
  it.each<[string, string[], AddrEvent[], { doubleMs: number; maxHolders: number; holdersAtEnd: string[] }]>([
    ['release before bind: never two holders', ['n1'], [ev('n1', 110, 'del'), ev('n2', 150, 'add')], { doubleMs: 0, maxHolders: 1, holdersAtEnd: ['n2'] }],
    ['bind before release: the overlap counts', ['n1'], [ev('n2', 150, 'add'), ev('n1', 210, 'del')], { doubleMs: 60, maxHolders: 2, holdersAtEnd: ['n2'] }],
    ['still two at the end: counted up to `to`', ['n1'], [ev('n2', 900, 'add')], { doubleMs: 100, maxHolders: 2, holdersAtEnd: ['n1', 'n2'] }],
    ['two holders from the start (a stale copy)', ['n1', 'n3'], [ev('n3', 400, 'del')], { doubleMs: 300, maxHolders: 2, holdersAtEnd: ['n1'] }],
    ['events outside the window are ignored', ['n1'], [ev('n2', 50, 'add'), ev('n2', 1200, 'add')], { doubleMs: 0, maxHolders: 1, holdersAtEnd: ['n1'] }],
    ['out-of-order input is sorted by time', ['n1'], [ev('n1', 210, 'del'), ev('n2', 150, 'add')], { doubleMs: 60, maxHolders: 2, holdersAtEnd: ['n2'] }],
    ['a re-add by the same host is one holder', ['n1'], [ev('n1', 150, 'add')], { doubleMs: 0, maxHolders: 1, holdersAtEnd: ['n1'] }],
  ])('%s', (_name, initial, events, expected) => {
    expect(holderStats(initial, events, 100, 1000)).toEqual(expected);
  });
});

describe('parseAddrLine', () => {
  it.each<[string, string, 'add' | 'del' | null]>([
    ['2: eth0    inet 198.18.0.100/24 scope global secondary eth0', '198.18.0.100', 'add'],
    ['Deleted 2: eth0    inet 198.18.0.100/24 scope global secondary eth0', '198.18.0.100', 'del'],
    ['2: eth0    inet 198.18.0.11/24 scope global eth0', '198.18.0.100', null],
    ['2: eth0    inet 198.18.0.1000/24 scope global eth0', '198.18.0.100', null],
    ['3: eth0    inet6 fd00::100/64 scope global nodad', 'fd00::100', 'add'],
    ['       valid_lft forever preferred_lft forever', '198.18.0.100', null],
  ])('%s', (line, vip, op) => {
    expect(parseAddrLine(line, vip)).toBe(op);
  });
});

describe('parseAddrChange (any address)', () => {
  it.each<[string, ReturnType<typeof parseAddrChange>]>([
    ['2: eth0    inet 198.18.0.101/24 scope global secondary eth0', { op: 'add', address: '198.18.0.101' }],
    ['Deleted 1: lo    inet 198.19.255.254/32 scope global lo', { op: 'del', address: '198.19.255.254' }],
    ['1: lo    inet6 fd00::9/128 scope global nodad ', { op: 'add', address: 'fd00::9' }],
    ['       valid_lft forever preferred_lft forever', null],
    ['3: eth0    link/ether 02:00:00:00:00:01', null],
  ])('%s', (line, expected) => {
    expect(parseAddrChange(line)).toEqual(expected);
  });
});

describe('parseStampedLine (ip -ts)', () => {
  it('reads the local-time stamp to the microsecond and keeps the rest', () => {
    const r = parseStampedLine('[2026-11-24T09:38:10.664860] Deleted 1: lo    inet 198.19.255.1/32 scope global lo');
    expect(r).toEqual({ t: new Date('2026-11-24T09:38:10').getTime() + 664.86, rest: 'Deleted 1: lo    inet 198.19.255.1/32 scope global lo' });
  });
  it('orders two stamps a few microseconds apart', () => {
    const a = parseStampedLine('[2026-11-24T09:38:10.999998] x')!;
    const b = parseStampedLine('[2026-11-24T09:38:11.000001] x')!;
    expect(b.t).toBeGreaterThan(a.t); // epoch ms in a double: about 0.24 µs of resolution
    expect(b.t - a.t).toBeCloseTo(0.003, 3);
  });
  it.each(['       valid_lft forever preferred_lft forever', '2: eth0    inet 198.18.0.100/24', '[2026-11-24T09:38:10] no microseconds', '[2026-13-45T99:38:10.000000] not a date'])('%s: null', (line) => {
    expect(parseStampedLine(line)).toBeNull();
  });
});
