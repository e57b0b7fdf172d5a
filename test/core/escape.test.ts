import { expect, it } from 'vitest';
import { formatDoctor } from '../../src/core/doctor';
import { parseMasterFields } from '../../src/core/sentinel-masters';
import { formatStatus, type MasterStatus } from '../../src/core/status-report';
import { clean } from '../../src/core/table';

// finding: an `ip` field with \e[2J, a newline and a forged verdict reached status's terminal
const FORGED = '10.0.0.1\x1b[2J\nmymaster: ok: master is on this host';

it('clean writes control characters and bidi overrides as visible escapes, and leaves the rest alone', () => {
  expect(clean(FORGED)).toBe('10.0.0.1\\x1b[2J\\nmymaster: ok: master is on this host');
  expect(clean('a\tb\rc\x00\x7f\x9b\u202eé→')).toBe('a\\tb\\rc\\x00\\x7f\\x9b\\u202eé→');
  expect(clean('198.18.0.11:6379 [fd00::1]:26379')).toBe('198.18.0.11:6379 [fd00::1]:26379');
});

it("status's text output: a Sentinel's or Redis's words can neither clear the screen nor add a line", () => {
  const m: MasterStatus = {
    name: 'mymaster',
    vip: '10.0.0.100/24',
    interface: 'eth0',
    boundHere: false,
    sentinelMaster: null,
    sentinelsAgreeing: 0,
    sentinelsTotal: 3,
    localIsMaster: null,
    verdict: 'unknown',
    reason: `master ${FORGED} is neither an IP address nor a valid host name`,
    answers: [{ sentinel: '10.0.0.11:26379', master: FORGED }, { sentinel: '10.0.0.12:26379', master: null, error: FORGED }],
    localRedis: { address: '10.0.0.11:6379', role: null, error: FORGED },
    otherHolderMac: null,
    arpProbe: 'no answer',
  };
  const lines = formatStatus({ masters: [m] }, false);
  expect(lines.join('\n')).not.toMatch(/\x1b/);
  expect(lines.filter((l) => l.startsWith('mymaster: ok'))).toEqual([]);
  expect(lines).toHaveLength(2 + 1 + 1 + 2 + 1 + 1);
  // with colour: the only escapes are our own SGR codes
  expect(formatStatus({ masters: [m] }, true).join('\n').match(/\x1b\[[0-9;]*[A-Za-z]/g)!.every((e) => /^\x1b\[\d+m$/.test(e))).toBe(true);
});

it("doctor's text output escapes details and fixes too", () => {
  const out = formatDoctor([{ check: `sentinel ${FORGED}`, status: 'fail', detail: FORGED, fix: FORGED }]).join('\n');
  expect(out).not.toMatch(/\x1b/);
  expect(out.split('\n').filter((l) => l.startsWith('mymaster'))).toEqual([]);
});

it('a Sentinel reply whose ip is neither an IP nor a host name is no answer', () => {
  const entry = (ip: string) => ['name', 'mymaster', 'ip', ip, 'port', '6379', 'flags', 'master'];
  expect(parseMasterFields(entry(FORGED))).toBeNull();
  expect(parseMasterFields(entry('10.0.0.1 6379'))).toBeNull();
  expect(parseMasterFields(entry(''))).toBeNull();
  expect(parseMasterFields(entry('redis-1.example'))).toMatchObject({ address: 'redis-1.example:6379' });
  expect(parseMasterFields(entry('fd00::1'))).toMatchObject({ address: '[fd00::1]:6379' });
});
