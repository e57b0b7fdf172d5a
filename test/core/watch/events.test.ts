import { describe, expect, it } from 'vitest';
import { parseSentinelEvent, eventHostNames } from '../../../src/core/watch/events';

describe('parseSentinelEvent', () => {
  it.each([
    ['+odown', 'master mymaster 198.18.0.11 6379 #quorum 2/2', { kind: 'master', channel: '+odown', master: 'mymaster', address: '198.18.0.11:6379' }],
    ['+try-failover', 'master mymaster 198.18.0.11 6379', { kind: 'master', channel: '+try-failover', master: 'mymaster', address: '198.18.0.11:6379' }],
    ['-failover-abort-no-good-slave', 'master mymaster 198.18.0.11 6379', { kind: 'master', master: 'mymaster', address: '198.18.0.11:6379' }],
    [
      '+selected-slave',
      'slave 198.18.0.13:6379 198.18.0.13 6379 @ mymaster 198.18.0.11 6379',
      { kind: 'replica', channel: '+selected-slave', master: 'mymaster', address: '198.18.0.13:6379', masterAddress: '198.18.0.11:6379' },
    ],
    ['+failover-state-wait-promotion', 'slave [fd00::3]:6379 fd00:0::3 6379 @ m fd00::1 6379', { kind: 'replica', address: '[fd00::3]:6379', masterAddress: '[fd00::1]:6379' }],
    ['+switch-master', 'mymaster 198.18.0.11 6379 198.18.0.13 6379', { kind: 'switch-master', master: 'mymaster', from: '198.18.0.11:6379', to: '198.18.0.13:6379' }],
    ['+sdown', 'sentinel 198.18.0.12:26379 198.18.0.12 26379 @ mymaster 198.18.0.11 6379', null],
    ['+switch-master', 'mymaster 198.18.0.11 6379 198.18.0.13', null],
    ['+switch-master', 'mymaster 198.18.0.11 6379 198.18.0.13 port', null],
    ['+odown', 'master mymaster 198.18.0.11', null],
    ['+selected-slave', 'slave 198.18.0.13:6379 198.18.0.13 6379 mymaster 198.18.0.11 6379', null],
    ['+tilt', '#tilt mode entered', null],
    ['+odown', '', null],
  ])('%s %s', (channel, message, expected) => {
    const e = parseSentinelEvent(channel, message);
    if (expected === null) expect(e).toBeNull();
    else expect(e).toMatchObject(expected);
  });

  it('keeps host names as they are (the watcher treats them as unknown, never elsewhere)', () => {
    expect(parseSentinelEvent('+switch-master', 'm redis-a 6379 redis-b 6379')).toMatchObject({ from: 'redis-a:6379', to: 'redis-b:6379' });
  });
});

describe('eventHostNames (announce-hostnames yes)', () => {
  it.each<[string, string, string, string[]]>([
    ['a master by address', '+odown', 'master mymaster 10.0.0.11 6379 #quorum 2/3', []],
    ['a master by name', '+odown', 'master mymaster n1.example 6379 #quorum 2/3', ['n1.example']],
    ['a replica and its master by name', '+selected-slave', 'slave n2.example:6379 n2.example 6379 @ mymaster n1.example 6379', ['n2.example', 'n1.example']],
    ['+switch-master, mixed', '+switch-master', 'mymaster n1.example 6379 10.0.0.13 6379', ['n1.example']],
    ['the same name twice, once', '+switch-master', 'mymaster n1.example 6379 n1.example 6380', ['n1.example']],
    ['IPv6 addresses are not names', '+odown', 'master mymaster fd00::11 6379', []],
  ])('%s', (_n, channel, message, names) => {
    expect(eventHostNames(parseSentinelEvent(channel, message)!)).toEqual(names);
  });
});
