import { describe, expect, it } from 'vitest';
import { agree, joinHostPort, masterHost, type SentinelAnswer } from '../../src/core/sentinel-view';

const a = (master: string | null, sentinel = 's'): SentinelAnswer => ({ sentinel, master, ...(master ? {} : { error: 'down' }) });

describe('agree: a strict majority of the configured Sentinels', () => {
  it.each<[string, (string | null)[], number, string | null, number]>([
    ['all three agree', ['10.0.0.11:6379', '10.0.0.11:6379', '10.0.0.11:6379'], 3, '10.0.0.11:6379', 3],
    ['two of three', ['10.0.0.11:6379', '10.0.0.11:6379', null], 3, '10.0.0.11:6379', 2],
    ['two of three, the third disagrees (mid-failover)', ['10.0.0.12:6379', '10.0.0.12:6379', '10.0.0.11:6379'], 3, '10.0.0.12:6379', 2],
    ['one of three answers', ['10.0.0.11:6379', null, null], 3, null, 1],
    ['split 1-1 with one down', ['10.0.0.11:6379', '10.0.0.12:6379', null], 3, null, 1],
    ['none answers', [null, null, null], 3, null, 0],
    ['two of four is no majority', ['10.0.0.11:6379', '10.0.0.11:6379', null, null], 4, null, 2],
    ['three of four', ['10.0.0.11:6379', '10.0.0.11:6379', '10.0.0.11:6379', null], 4, '10.0.0.11:6379', 3],
    ['the only Sentinel', ['10.0.0.11:6379'], 1, '10.0.0.11:6379', 1],
    ['fewer answers than configured count as missing', ['10.0.0.11:6379'], 3, null, 1],
  ])('%s', (_name, masters, total, expected, agreeing) => {
    const view = agree(masters.map((m, i) => a(m, `s${i}`)), total);
    expect(view.master).toBe(expected);
    expect(view.agreeing).toBe(agreeing);
    expect(view.total).toBe(total);
    expect(view.answers).toHaveLength(masters.length);
  });
});

describe('host:port', () => {
  it.each([
    ['10.0.0.11', 6379, '10.0.0.11:6379'],
    ['fd00::11', 6379, '[fd00::11]:6379'],
  ])('%s %d <-> %s', (host, port, joined) => {
    expect(joinHostPort(host, port)).toBe(joined);
    expect(masterHost(joined)).toBe(host);
  });
});
