import { describe, expect, it } from 'vitest';
import { dupProbeArgv, parseDupProbe, type DupProbe } from '../../src/core/dup-probe';

const REPLY = 'ARPING 10.0.0.100 from 0.0.0.0 eth0\nUnicast reply from 10.0.0.100 [DA:C9:38:B0:29:11]  0.530ms\nSent 1 probes (1 broadcast(s))\nReceived 1 response(s)';
const TWO = 'ARPING 10.0.0.100 from 0.0.0.0 eth0\nUnicast reply from 10.0.0.100 [DA:C9:38:B0:29:11]  0.5ms\nUnicast reply from 10.0.0.100 [02:00:00:00:00:02]  0.6ms\nUnicast reply from 10.0.0.100 [da:c9:38:b0:29:11]  0.7ms\nReceived 3 response(s)';
const NONE = 'ARPING 10.0.0.100 from 0.0.0.0 eth0\nSent 2 probes (2 broadcast(s))\nReceived 0 response(s)';

describe('dupProbeArgv', () => {
  it('is iputils duplicate address detection with a short deadline', () => {
    expect(dupProbeArgv('eth0', '10.0.0.100')).toEqual(['arping', '-D', '-c', '2', '-w', '1', '-I', 'eth0', '10.0.0.100']);
  });
});

describe('parseDupProbe (arping -D: 0 nobody answered, 1 someone did)', () => {
  it.each<[string, number | null, string, string, DupProbe]>([
    ['nobody answers', 0, NONE, '', { kind: 'free' }],
    ['one host answers', 1, REPLY, '', { kind: 'taken', macs: ['da:c9:38:b0:29:11'] }],
    ['two hosts answer, MACs lower-cased and unique', 1, TWO, '', { kind: 'taken', macs: ['da:c9:38:b0:29:11', '02:00:00:00:00:02'] }],
    ['exit 1 without a MAC is a failure, not an answer', 1, 'garbage', '', { kind: 'failed', error: 'arping -D: exit 1: garbage' }],
    ['no such device', 2, '', 'arping: Device eth9 not available.', { kind: 'failed', error: 'arping -D: exit 2: arping: Device eth9 not available.' }],
    ['killed by the timeout', null, '', '', { kind: 'failed', error: 'arping -D: did not finish: no output' }],
  ])('%s', (_name, code, stdout, stderr, expected) => {
    expect(parseDupProbe(code, stdout, stderr)).toEqual(expected);
  });
});
