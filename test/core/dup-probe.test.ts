import { describe, expect, it } from 'vitest';
import { dupProbeArgv, parseDupProbe, parseDupProbe6, type DupProbe } from '../../src/core/dup-probe';

const REPLY = 'ARPING 10.0.0.100 from 0.0.0.0 eth0\nUnicast reply from 10.0.0.100 [DA:C9:38:B0:29:11]  0.530ms\nSent 1 probes (1 broadcast(s))\nReceived 1 response(s)';
const TWO = 'ARPING 10.0.0.100 from 0.0.0.0 eth0\nUnicast reply from 10.0.0.100 [DA:C9:38:B0:29:11]  0.5ms\nUnicast reply from 10.0.0.100 [02:00:00:00:00:02]  0.6ms\nUnicast reply from 10.0.0.100 [da:c9:38:b0:29:11]  0.7ms\nReceived 3 response(s)';
// Seen while the holder's announcer ran (arping -U, then -A): the second bracket is the target MAC, not a second holder.
const ANNOUNCED_U = 'ARPING 10.0.0.100 from 0.0.0.0 eth0\nBroadcast request from 10.0.0.100 [62:80:68:E7:6F:84] for 10.0.0.100 [FF:FF:FF:FF:FF:FF] 699.766ms\nSent 1 probes (1 broadcast(s))\nReceived 1 response(s) (1 request(s), 1 broadcast(s))';
const ANNOUNCED_A = 'ARPING 10.0.0.100 from 0.0.0.0 eth0\nBroadcast reply from 10.0.0.100 [62:80:68:E7:6F:84] for 10.0.0.100 [62:80:68:E7:6F:84] 698.888ms\nReceived 1 response(s) (1 broadcast(s))';
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
    ['an unsolicited request from the holder: its sender MAC only, not the broadcast target', 1, ANNOUNCED_U, '', { kind: 'taken', macs: ['62:80:68:e7:6f:84'] }],
    ['an unsolicited reply from the holder: its sender MAC once', 1, ANNOUNCED_A, '', { kind: 'taken', macs: ['62:80:68:e7:6f:84'] }],
    ['exit 1 without a MAC is a failure, not an answer', 1, 'garbage', '', { kind: 'failed', error: 'arping -D: exit 1: garbage' }],
    ['no such device', 2, '', 'arping: Device eth9 not available.', { kind: 'failed', error: 'arping -D: exit 2: arping: Device eth9 not available.' }],
    ['killed by the timeout', null, '', '', { kind: 'failed', error: 'arping -D: did not finish: no output' }],
  ])('%s', (_name, code, stdout, stderr, expected) => {
    expect(parseDupProbe(code, stdout, stderr)).toEqual(expected);
  });
});

const ND_REPLY = 'Soliciting fd00::100 (fd00::100) on eth0...\nTarget link-layer address: F6:4F:43:D8:87:2A\n from fd00::100\n';
const ND_NONE = 'Soliciting fd00::101 (fd00::101) on eth0...\nTimed out.\nTimed out.\nNo response.\n';

describe('IPv6: ndisc6', () => {
  it('probes with ndisc6 (arping -D is IPv4-only)', () => {
    expect(dupProbeArgv('eth0', 'fd00::100', 6)).toEqual(['ndisc6', '-1', '-n', '-r', '2', '-w', '500', 'fd00::100', 'eth0']);
  });

  it.each<[string, number | null, string, string, DupProbe]>([
    ['someone answers', 0, ND_REPLY, '', { kind: 'taken', macs: ['f6:4f:43:d8:87:2a'] }],
    ['nobody answers', 2, ND_NONE, '', { kind: 'free' }],
    ['exit 0 without an address is a failure', 0, 'Soliciting...\n', '', { kind: 'failed', error: 'ndisc6: exit 0: Soliciting...' }],
    ['no such device (exit 1)', 1, '', 'eth9: No such device', { kind: 'failed', error: 'ndisc6: exit 1: eth9: No such device' }],
    ['exit 2 without "No response." is not "free"', 2, '', 'Raw IPv6 socket: Operation not permitted', { kind: 'failed', error: 'ndisc6: exit 2: Raw IPv6 socket: Operation not permitted' }],
    ['killed by the timeout', null, 'Soliciting...', '', { kind: 'failed', error: 'ndisc6: did not finish: Soliciting...' }],
  ])('%s', (_n, code, out, err, want) => {
    expect(parseDupProbe6(code, out, err)).toEqual(want);
  });
});
