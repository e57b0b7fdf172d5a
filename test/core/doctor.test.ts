import { describeConnectionError } from '../../src/core/connection-error';
import { describe, expect, it } from 'vitest';
import {
  judgeIpv6Tool,
  bindAddresses,
  capEff,
  doctorExitCode,
  formatDoctor,
  judgeArping,
  judgeCaps,
  judgeHook,
  judgeInterface,
  judgeIp,
  judgeNode,
  judgeRedisListen,
  judgeSentinel,
  judgeWritable,
  listenAddresses,
  listenerPid,
  type CheckResult,
  type CheckStatus,
  type HookEvidence,
  type SentinelReply,
} from '../../src/core/doctor';
import type { Link } from '../../src/core/local';

const status = (r: CheckResult | CheckResult[]): CheckStatus[] => (Array.isArray(r) ? r : [r]).map((x) => x.status);

describe('judgeIp / judgeArping', () => {
  it.each<[boolean, string, CheckStatus]>([
    [true, 'ip utility, iproute2-6.1.0, libbpf 1.1.2', 'pass'],
    [false, 'ENOENT', 'fail'],
  ])('ip ran=%s %s', (ran, out, s) => expect(judgeIp(ran, out).status).toBe(s));

  it.each<[string, boolean, string, CheckStatus, RegExp | null]>([
    ['iputils', true, 'arping from iputils 20221126\nlibcap: yes', 'pass', null],
    ["Thomas Habets' arping", true, 'ARPing 2.21, by Thomas Habets <thomas@habets.se>', 'fail', /not iputils/],
    ['missing', false, 'ENOENT', 'fail', /cannot run arping: ENOENT/],
    ['not executable (hidden by a bind mount)', false, 'EACCES', 'fail', /EACCES/],
  ])('arping: %s', (_n, ran, out, s, detail) => {
    const r = judgeArping(ran, out);
    expect(r.status).toBe(s);
    if (detail) {
      expect(r.detail).toMatch(detail);
      expect(r.fix).toMatch(/iputils-arping/);
    }
  });
});

describe('capabilities', () => {
  it.each<[string, bigint | null]>([
    ['CapInh:\t0000000000000000\nCapEff:\t000001fffeffffff\n', 0x1fffeffffffn],
    ['CapEff:\t0000000000003000\n', 0x3000n],
    ['Name: x\n', null],
  ])('capEff %j', (text, v) => expect(capEff(text)).toBe(v));

  it.each<[string, string | null, CheckStatus, RegExp]>([
    ['root', 'CapEff:\t000001fffeffffff\n', 'pass', /CAP_NET_ADMIN and CAP_NET_RAW/],
    ['exactly the two', 'CapEff:\t0000000000003000\n', 'pass', /effective/],
    ['only NET_ADMIN', 'CapEff:\t0000000000001000\n', 'fail', /missing CAP_NET_RAW$/],
    ['only NET_RAW', 'CapEff:\t0000000000002000\n', 'fail', /missing CAP_NET_ADMIN$/],
    ['none', 'CapEff:\t0000000000000000\n', 'fail', /missing CAP_NET_ADMIN and CAP_NET_RAW/],
    ['unreadable', null, 'fail', /cannot read/],
  ])('%s', (_n, text, s, detail) => {
    const r = judgeCaps('x', text, 'the fix');
    expect(r.status).toBe(s);
    expect(r.detail).toMatch(detail);
  });
});

describe('judgeInterface', () => {
  const link = (ifname: string, up: boolean, addrs: Array<[string, number]>): Link => ({ ifname, up, mac: null, addresses: addrs.map(([address, prefix]) => ({ address, prefix, family: 4 })) });
  it.each<[string, Link[], CheckStatus[], RegExp]>([
    ['up, VIP in its subnet', [link('eth0', true, [['10.0.0.11', 24]])], ['pass', 'pass'], /inside 10\.0\.0\.11\/24/],
    ['up, the VIP bound too', [link('eth0', true, [['10.0.0.100', 24], ['10.0.0.11', 24]])], ['pass', 'pass'], /inside 10\.0\.0\.11\/24/],
    ['down', [link('eth0', false, [['10.0.0.11', 24]])], ['fail', 'pass'], /is down/],
    ['VIP outside its subnets', [link('eth0', true, [['192.168.1.5', 24]])], ['pass', 'fail'], /in no subnet of eth0 \(192\.168\.1\.5\/24\)/],
    ['missing', [link('eth1', true, [])], ['fail'], /does not exist/],
  ])('%s', (_n, links, s, detail) => {
    const r = judgeInterface('mymaster', '10.0.0.100', 'eth0', links);
    expect(status(r)).toEqual(s);
    expect(r.map((x) => x.detail).join(' | ')).toMatch(detail);
  });
});

describe('judgeSentinel', () => {
  it.each<[string, SentinelReply, CheckStatus, RegExp]>([
    ['monitoring', { ok: true, fields: { ip: '10.0.0.11', port: '6379', flags: 'master' } }, 'pass', /monitors mymaster at 10\.0\.0\.11:6379/],
    ['unknown master', { ok: false, error: 'ERR No such master with that name' }, 'fail', /does not monitor mymaster/],
    ['no password given', { ok: false, error: 'NOAUTH Authentication required.' }, 'fail', /authentication failed/],
    ['wrong password', { ok: false, error: 'WRONGPASS invalid username-password pair or user is disabled.' }, 'fail', /authentication failed/],
    ['refused', { ok: false, error: 'connect ECONNREFUSED 10.0.0.11:26379' }, 'fail', /unreachable/],
    ['silent', { ok: false, error: 'no answer within 1000 ms' }, 'fail', /unreachable/],
  ])('%s', (_n, reply, s, detail) => {
    const r = judgeSentinel('10.0.0.11:26379', 'mymaster', reply);
    expect(r.status).toBe(s);
    expect(r.detail).toMatch(detail);
    if (s === 'fail') expect(r.fix).toBeTruthy();
  });
});

describe('judgeHook: the hook points at this vipctl, or watch runs', () => {
  const base: HookEvidence = { script: null, scriptReal: null, ours: ['/opt/vipctl/bin/vipctl'], watchPid: null };
  it.each<[string, Partial<HookEvidence>, CheckStatus, RegExp]>([
    ['same path', { script: '/opt/vipctl/bin/vipctl' }, 'pass', /client-reconfig-script is \/opt\/vipctl\/bin\/vipctl/],
    ['a symlink to it', { script: '/usr/local/bin/vipctl', scriptReal: '/opt/vipctl/bin/vipctl' }, 'pass', /\/usr\/local\/bin\/vipctl/],
    ['no script, watch runs', { watchPid: 4242 }, 'pass', /watch runs here \(pid 4242\)/],
    ['another script, watch runs', { script: '/etc/redis/vip.sh', watchPid: 4242 }, 'pass', /pid 4242.*vip\.sh/],
    ['no script, no watch', {}, 'fail', /nothing moves the VIP/],
    ['the old bash script', { script: '/etc/redis/vip.sh', scriptReal: '/etc/redis/vip.sh' }, 'fail', /vip\.sh, not this vipctl/],
  ])('%s', (_n, e, s, detail) => {
    const r = judgeHook('10.0.0.11:26379', 'mymaster', { ...base, ...e });
    expect(r.status).toBe(s);
    expect(r.detail).toMatch(detail);
    if (s === 'fail') expect(r.fix).toMatch(/sentinel client-reconfig-script mymaster \/opt\/vipctl\/bin\/vipctl, then restart it \(SENTINEL SET refuses to change scripts while deny-scripts-reconfig is yes/);
  });
});

describe('judgeNode', () => {
  it.each<[string | null, string | null, CheckStatus, RegExp]>([
    ['/usr/bin/node', 'v20.11.1', 'pass', /v20\.11\.1/],
    ['/usr/bin/node', 'v22.3.0', 'pass', /v22/],
    ['/usr/bin/node', 'v18.19.0', 'fail', /needs >= 20/],
    [null, null, 'fail', /127/],
    ['/usr/bin/node', 'EACCES', 'fail', /does not run/],
  ])('%s %s', (path, version, s, detail) => {
    const r = judgeNode('PATH x', path, version);
    expect(r.status).toBe(s);
    expect(r.detail).toMatch(detail);
  });
});

describe('redis listening', () => {
  const SS = [
    'LISTEN 0      511      198.18.0.12:6379       0.0.0.0:*',
    'LISTEN 0      511          0.0.0.0:26379      0.0.0.0:*',
    'LISTEN 0      511             [::]:6380          [::]:*',
    'LISTEN 0      511        127.0.0.1:6381       0.0.0.0:* users:(("redis-server",pid=77,fd=6))',
    'LISTEN 0      511   0.0.0.0%eth0:6382       0.0.0.0:*',
    'LISTEN 0      511                *:6383             *:*',
    'LISTEN 0      511   [fe80::1%eth0]:6384          [::]:*',
  ].join('\n');
  it.each<[number, string[]]>([
    [6379, ['198.18.0.12']],
    [26379, ['0.0.0.0']],
    [6380, ['::']],
    [6381, ['127.0.0.1']],
    [6382, ['0.0.0.0']],
    [6383, ['*']],
    [6384, ['fe80::1']],
    [9999, []],
  ])('listenAddresses :%i', (port, out) => expect(listenAddresses(SS, port)).toEqual(out));

  it.each<[number, number | null]>([
    [6381, 77],
    [6379, null],
  ])('listenerPid :%i', (port, pid) => expect(listenerPid(SS, port)).toBe(pid));

  it.each<[string[], CheckStatus, RegExp]>([
    [['0.0.0.0'], 'pass', /0\.0\.0\.0/],
    [['::'], 'pass', /::/],
    [['10.0.0.12', '10.0.0.100'], 'pass', /10\.0\.0\.100/],
    [['10.0.0.12'], 'fail', /only: it will not answer on 10\.0\.0\.100/],
    [['127.0.0.1', '10.0.0.12'], 'fail', /will not answer/],
    [[], 'warn', /nothing listens/],
  ])('judgeRedisListen %j', (addrs, s, detail) => {
    const r = judgeRedisListen(6379, '10.0.0.100', addrs);
    expect(r.status).toBe(s);
    expect(r.detail).toMatch(detail);
  });
});

describe('bindAddresses (CONFIG GET bind, when ss cannot say)', () => {
  it.each<[string, string[]]>([
    ['* -::*', ['0.0.0.0', '::']],
    ['0.0.0.0', ['0.0.0.0']],
    ['198.18.0.12 -::1', ['198.18.0.12', '::1']],
    ['', ['0.0.0.0', '::']],
  ])('%j', (bind, addrs) => {
    expect(bindAddresses(bind)).toEqual(addrs);
  });
  it.each<[string, CheckStatus]>([
    ['* -::*', 'pass'],
    ['198.18.0.12', 'fail'],
    ['198.18.0.12 10.0.0.100', 'pass'],
  ])('judged: %j', (bind, s) => expect(judgeRedisListen(6379, '10.0.0.100', bindAddresses(bind)).status).toBe(s));
});

describe('judgeWritable', () => {
  it.each<[string | null, CheckStatus]>([
    [null, 'pass'],
    ['not writable (EACCES)', 'fail'],
  ])('%s', (err, s) => expect(judgeWritable('run dir', '/run/vipctl', err).status).toBe(s));
});

describe('doctor output and exit code', () => {
  const results: CheckResult[] = [
    { check: 'ip', status: 'pass', detail: 'ok' },
    { check: 'redis', status: 'warn', detail: 'nothing listens', fix: 'start it' },
    { check: 'arping', status: 'fail', detail: 'missing', fix: 'apt-get install iputils-arping' },
  ];
  it.each<[CheckResult[], 0 | 1]>([
    [results, 1],
    [results.slice(0, 2), 0],
    [[], 0],
  ])('exit code %#', (r, code) => expect(doctorExitCode(r)).toBe(code));

  it('one line per check, the fix under each warning and failure, a summary', () => {
    expect(formatDoctor(results)).toEqual([
      'RESULT  CHECK   DETAIL',
      'PASS    ip      ok',
      'WARN    redis   nothing listens',
      '        fix: start it',
      'FAIL    arping  missing',
      '        fix: apt-get install iputils-arping',
      '',
      '1 passed, 1 warning(s), 1 failed',
    ]);
  });
});

describe('judgeSentinel: TLS', () => {
  it('a certificate that is not trusted: the line says so and the fix is the CA', () => {
    const r = judgeSentinel('10.0.0.11:26379', 'mymaster', { ok: false, error: describeConnectionError({ code: 'SELF_SIGNED_CERT_IN_CHAIN', message: 'self-signed certificate in certificate chain' }, 'sentinel', true) });
    expect(r).toEqual({
      check: 'sentinel 10.0.0.11:26379 (mymaster)',
      status: 'fail',
      detail: "TLS: the server's certificate was not trusted (SELF_SIGNED_CERT_IN_CHAIN: self-signed certificate in certificate chain)",
      fix: 'set sentinel.tls.ca to the CA that signed it',
    });
  });

  it.each(['CERT_HAS_EXPIRED', 'ERR_TLS_CERT_ALTNAME_INVALID'])('%s: a detail and a fix, split where the description puts it', (code) => {
    const r = judgeSentinel('s', 'm', { ok: false, error: describeConnectionError({ code, message: 'x' }, 'sentinel', true) });
    expect(r.detail).toMatch(/^TLS: .*\(.*x\)$/);
    expect(r.fix).toMatch(/^(renew it|set sentinel\.tls\.serverName)/);
  });
});

describe('judgeIpv6Tool', () => {
  it.each([
    ['ndptool', true, 'ndptool [options] command', 'pass', /ndptool runs \(libndp-tools; it announces the IPv6 VIP fd00::100\)/],
    ['ndisc6', true, 'ndisc6: IPv6 Neighbor/Router Discovery userland tool 1.0.5', 'pass', /ndisc6 runs \(ndisc6; it probes for a duplicate of the IPv6 VIP fd00::100\)/],
    ['ndptool', false, 'ndptool not found in /usr/sbin, /usr/bin, /sbin, /bin (install libndp-tools)', 'fail', /cannot run ndptool \(it announces the IPv6 VIP fd00::100\): ndptool not found/],
    ['ndisc6', false, '', 'fail', /cannot run ndisc6 .*: not found/],
  ] as const)('%s ran=%s', (tool, ran, out, status, detail) => {
    const r = judgeIpv6Tool(tool, ran, out, ['fd00::100']);
    expect(r.status).toBe(status);
    expect(r.detail).toMatch(detail);
    if (status === 'fail') expect(r.fix).toBe(`apt-get install ${tool === 'ndptool' ? 'libndp-tools' : 'ndisc6'}`);
  });
});

describe('judgeInterface with an IPv6 VIP', () => {
  const link = (addresses: Link['addresses']): Link[] => [{ ifname: 'eth0', up: true, mac: '02:00:00:00:00:01', addresses }];
  it.each<[string, Link['addresses'], 'pass' | 'fail', RegExp]>([
    ['inside the node\'s fd00::/64', [{ address: '198.18.0.11', prefix: 24, family: 4 }, { address: 'fd00::11', prefix: 64, family: 6 }], 'pass', /fd00::100 is inside fd00::11\/64 on eth0/],
    ['only IPv4 and link-local addresses', [{ address: '198.18.0.11', prefix: 24, family: 4 }, { address: 'fe80::1', prefix: 64, family: 6 }], 'fail', /fd00::100 is in no subnet of eth0 \(fe80::1\/64\)/],
    ['no IPv6 address at all', [{ address: '198.18.0.11', prefix: 24, family: 4 }], 'fail', /\(no IPv6 address\)/],
  ])('%s', (_n, addresses, status, detail) => {
    const r = judgeInterface('m', 'fd00::100', 'eth0', link(addresses))[1]!;
    expect(r.status).toBe(status);
    expect(r.detail).toMatch(detail);
  });
});

describe('judgeSentinel with IPv6 addresses', () => {
  it('brackets the IPv6 master address it reports', () => {
    const r = judgeSentinel('[fd00::11]:26379', 'mymaster', { ok: true, fields: { ip: 'fd00::11', port: '6379', flags: 'master' } });
    expect(r).toMatchObject({ status: 'pass', detail: 'reachable, monitors mymaster at [fd00::11]:6379 (flags master)' });
  });
});
