import { describe, expect, it } from 'vitest';
import { localRedisTarget, masterPort } from '../../src/core/local-redis';
import type { SentinelAnswer } from '../../src/core/sentinel-view';

const ans = (master: string | null): SentinelAnswer => ({ sentinel: 's', master });

describe('masterPort', () => {
  it.each<[string | null, SentinelAnswer[], number | null]>([
    ['10.0.0.11:6380', [], 6380],
    [null, [ans(null), ans('10.0.0.12:7000')], 7000],
    [null, [ans(null)], null],
    ['[fd00::1]:6379', [], 6379],
  ])('%s %j -> %s', (m, answers, port) => {
    expect(masterPort(m, answers)).toBe(port);
  });
});

describe('localRedisTarget: the Sentinel master port on a local address', () => {
  it.each<[string, string | null, SentinelAnswer[], string[], string[], string | null]>([
    ['the master is here: its own address', '10.0.0.11:6379', [], ['10.0.0.11', '127.0.0.1'], [], '10.0.0.11:6379'],
    ['a replica: the address on the VIP interface', '10.0.0.11:6379', [], ['127.0.0.1', '192.168.1.5', '10.0.0.12'], ['10.0.0.12'], '10.0.0.12:6379'],
    ['no preferred address: first non-loopback', '10.0.0.11:6380', [], ['127.0.0.1', '10.0.0.13'], [], '10.0.0.13:6380'],
    ['only loopback', '10.0.0.11:6379', [], ['127.0.0.1'], [], '127.0.0.1:6379'],
    ['no majority: the port of any answer', null, [ans('10.0.0.11:6379')], ['10.0.0.12'], [], '10.0.0.12:6379'],
    ['nobody answered: unknown', null, [ans(null)], ['10.0.0.12'], [], null],
    ['preferred address that is not local is skipped', '10.0.0.11:6379', [], ['10.0.0.12'], ['10.0.0.99'], '10.0.0.12:6379'],
  ])('%s', (_name, master, answers, local, preferred, expected) => {
    expect(localRedisTarget(master, answers, new Set(local), preferred)?.text ?? null).toBe(expected);
  });
});
