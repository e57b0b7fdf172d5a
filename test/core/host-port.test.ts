import { describe, expect, it } from 'vitest';
import { joinHostPort, splitHostPort } from '../../src/core/host-port';
import { masterHost } from '../../src/core/sentinel-view';
import { masterPort } from '../../src/core/local-redis';

describe('joinHostPort / splitHostPort', () => {
  it.each<[string, string, number]>([
    ['10.0.0.1:6379', '10.0.0.1', 6379],
    ['[fd00::1]:26379', 'fd00::1', 26379],
    ['[::ffff:10.0.0.1]:6379', '::ffff:10.0.0.1', 6379],
    ['[fe80::1%eth0]:6379', 'fe80::1%eth0', 6379],
    ['redis-1.lab:6379', 'redis-1.lab', 6379],
    ['h:1', 'h', 1],
    ['h:65535', 'h', 65535],
  ])('%s <-> %s port %d', (text, host, port) => {
    expect(splitHostPort(text)).toEqual({ host, port });
    expect(joinHostPort(host, port)).toBe(text);
  });

  it.each([
    'fd00::1:6379', // IPv6 without brackets: which colon is the port's?
    '[10.0.0.1]:6379', // brackets are for IPv6 only
    '[fd00::1]6379',
    '[fd00::1]:',
    '10.0.0.1',
    '10.0.0.1:',
    ':6379',
    '[]:6379',
    '10.0.0.1:0',
    '10.0.0.1:65536',
    '10.0.0.1:123456',
    '10.0.0.1:63x9',
    '10.0.0.1:-1',
    '[fd00::1]:6379]',
    '',
  ])('%j is no host:port', (text) => {
    expect(splitHostPort(text)).toBeNull();
  });

  it('the port may be given as text (Sentinel replies are strings)', () => {
    expect(joinHostPort('fd00::1', '6379')).toBe('[fd00::1]:6379');
  });
});

describe('the callers that split a master address', () => {
  it('masterHost: the host without brackets; another shape as it is', () => {
    expect(masterHost('[fd00::11]:6379')).toBe('fd00::11');
    expect(masterHost('10.0.0.11:6379')).toBe('10.0.0.11');
    expect(masterHost('n1.lab:6379')).toBe('n1.lab');
    expect(masterHost('fd00::11:6379')).toBe('fd00::11:6379'); // not an address vipctl writes: no IP, no host name either
  });
  it('masterPort: the port of the majority (else any Sentinel), IPv6 included', () => {
    expect(masterPort('[fd00::11]:6380', [])).toBe(6380);
    expect(masterPort(null, [{ sentinel: 's', master: null }, { sentinel: 't', master: '[fd00::12]:6381' }])).toBe(6381);
    expect(masterPort('10.0.0.11:0', [])).toBeNull();
    expect(masterPort(null, [])).toBeNull();
  });
});
