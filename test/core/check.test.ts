import { describe, expect, it } from 'vitest';
import { checkLine } from '../../src/core/check';
import { agree } from '../../src/core/sentinel-view';
import { desiredFromMaster } from '../../src/core/desired';

const local = new Set(['10.0.0.11']);
const view = (...masters: Array<string | null>) => agree(masters.map((m, i) => ({ sentinel: `10.0.0.1${i + 1}:26379`, master: m, ...(m === null ? { error: 'connect ETIMEDOUT' } : {}) })), 3);
const line = (v: ReturnType<typeof view>) => checkLine('mymaster', desiredFromMaster(v.master, local), v);

describe('checkLine (vipctl check)', () => {
  it('is quiet (null: exit 0) exactly when a strict majority names a master on this host', () => {
    expect(line(view('10.0.0.11:6379', '10.0.0.11:6379', '10.0.0.11:6379'))).toBeNull();
    expect(line(view('10.0.0.11:6379', '10.0.0.11:6379', null))).toBeNull();
  });
  it('says why not otherwise: another host, with the votes', () => {
    expect(line(view('10.0.0.12:6379', '10.0.0.12:6379', '10.0.0.12:6379'))).toBe('vipctl check: mymaster is not here: master 10.0.0.12:6379 is another host (3/3 Sentinels agree)');
  });
  it('one Sentinel naming this host is not a majority: not here, with the failures', () => {
    expect(line(view('10.0.0.11:6379', null, null))).toBe(
      'vipctl check: mymaster is not here: no strict majority of the Sentinels names a master (1/3 Sentinels agree); 10.0.0.12:26379: connect ETIMEDOUT; 10.0.0.13:26379: connect ETIMEDOUT',
    );
  });
  it('a split vote (mid-failover) is not here, on either host', () => {
    const split = view('10.0.0.11:6379', '10.0.0.12:6379', null);
    expect(line(split)).toMatch(/no strict majority .* \(1\/3 Sentinels agree\)/);
  });
  it('a master vipctl cannot compare (loopback) is not here', () => {
    expect(checkLine('mymaster', desiredFromMaster('127.0.0.1:6379', new Set(['127.0.0.1'])), view('127.0.0.1:6379', '127.0.0.1:6379', '127.0.0.1:6379'))).toMatch(/loopback/);
  });
});
