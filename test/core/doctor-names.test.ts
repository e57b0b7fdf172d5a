import { describe, expect, it } from 'vitest';
import { judgeHostName } from '../../src/core/doctor-names';

describe('judgeHostName (doctor, announce-hostnames yes)', () => {
  const local = new Set(['10.0.0.11']);
  it.each<[string, string[] | null, 'pass' | 'fail', RegExp, RegExp | null]>([
    ['this host', ['10.0.0.11'], 'pass', /resolves to 10\.0\.0\.11 \(this host\)/, null],
    ['another host', ['10.0.0.12'], 'pass', /resolves to 10\.0\.0\.12 \(another host\)/, null],
    ['does not resolve', null, 'fail', /does not resolve.*treat the master as unknown/, /\/etc\/hosts on every node/],
    ['Debian\'s 127.0.1.1 line', ['127.0.1.1'], 'fail', /127\.0\.1\.1, a loopback address/, /real address in \/etc\/hosts/],
  ])('%s', (_n, addresses, status, detail, fix) => {
    const r = judgeHostName('mymaster', 'redis-1.example', addresses, local);
    expect(r).toMatchObject({ check: 'host name redis-1.example (mymaster)', status });
    expect(r.detail).toMatch(detail);
    if (fix) expect(r.fix).toMatch(fix);
    else expect(r.fix).toBeUndefined();
  });
});
