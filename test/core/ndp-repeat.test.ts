import { describe, expect, it } from 'vitest';
import { ndpRepeatTail, parseNdpRepeatArgs } from '../../src/core/ndp-repeat';

describe('IPv6 announcer repeater arguments', () => {
  it('round-trips, the VIP last', () => {
    const a = { count: 4, intervalSeconds: 2, ifname: 'eth1', vip: 'fd00::100' };
    expect(ndpRepeatTail(a)).toEqual(['4', '2', 'eth1', 'fd00::100']);
    expect(parseNdpRepeatArgs(ndpRepeatTail(a))).toEqual(a);
  });

  it.each([
    [['4', '2', 'eth1']],
    [['4', '2', 'eth1', 'fd00::100', 'x']],
    [['-1', '2', 'eth1', 'fd00::100']],
    [['101', '2', 'eth1', 'fd00::100']],
    [['4', '0', 'eth1', 'fd00::100']],
    [['4', '61', 'eth1', 'fd00::100']],
    [['4', '2', '-i', 'fd00::100']],
    [['4', '2', 'a/b', 'fd00::100']],
    [['4', '2', 'eth1', '10.0.0.100']],
    [['4', '2', 'eth1', 'FD00:0::100']],
  ])('refuses %j', (argv) => {
    expect(parseNdpRepeatArgs(argv)).toBeNull();
  });
});
