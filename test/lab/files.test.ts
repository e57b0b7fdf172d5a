import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { validateConfig } from '../../src/core/config';
import { DEFAULT_TIMINGS, redisConf, sentinelConf, vipctlYaml } from '../../src/lab/files';
import { allNamespaces, topology } from '../../src/lab/topology';
import { aclUserLine } from '../../src/core/acl';
import { hostAddrArgv, noDadArgv } from '../../src/lab/ipv6';
import { labMaster, labMasters } from '../../src/lab/masters';

const t = topology('x1');
const [n1, n2] = t.nodes as [typeof t.nodes[0], typeof t.nodes[0]];

describe('lab files', () => {
  it('redis binds 0.0.0.0 so it answers on the VIP; replicas follow the master', () => {
    expect(redisConf(n1, n1, '/d')).toContain('bind 0.0.0.0\n');
    expect(redisConf(n1, n1, '/d')).not.toContain('replicaof');
    expect(redisConf(n2, n1, '/d')).toContain('replicaof 198.18.0.11 6379\n');
  });

  it('sentinel runs the hook only in hook mode', () => {
    const withHook = sentinelConf(t.nodes, [labMaster(0)], '/d', '/repo/bin/vipctl', DEFAULT_TIMINGS);
    expect(withHook).toContain('sentinel client-reconfig-script mymaster /repo/bin/vipctl\n');
    expect(withHook).toContain('sentinel monitor mymaster 198.18.0.11 6379 2\n');
    expect(withHook).toContain('sentinel down-after-milliseconds mymaster 1000\n');
    expect(sentinelConf(t.nodes, [labMaster(0)], '/d', null, DEFAULT_TIMINGS)).not.toContain('client-reconfig-script');
  });

  it('the one vipctl.yaml is a valid config naming every Sentinel and the VIP', () => {
    const c = validateConfig(parse(vipctlYaml(t)));
    expect(c.sentinel.addresses).toEqual(t.nodes.map((n) => ({ host: n.ip, port: 26379 })));
    expect(c.masters.get('mymaster')!.vip.text).toBe('198.18.0.100/24');
  });
});

describe('lab files with --tls and the ACL user', () => {
  it('TLS only on the usual ports, client certificates required, TLS to the other instances', () => {
    const redis = redisConf(n2, n1, '/d', labMaster(0), { tlsDir: '/d/tls' });
    expect(redis).toContain('port 0\ntls-port 6379\ntls-cert-file /d/tls/n2.pem\ntls-key-file /d/tls/n2.key\ntls-ca-cert-file /d/tls/ca.pem\ntls-auth-clients yes\ntls-replication yes\n');
    expect(redis).not.toContain('port 6379\nbind');
    const sentinel = sentinelConf(t.nodes, [labMaster(0)], '/d', null, DEFAULT_TIMINGS, { tlsDir: '/d/tls', node: n2 });
    expect(sentinel).toContain('port 0\ntls-port 26379\ntls-cert-file /d/tls/n2.pem\n');
    expect(sentinel).toContain('tls-replication yes\n');
    expect(sentinelConf(t.nodes, [labMaster(0)], '/d', null, DEFAULT_TIMINGS)).toMatch(/^port 26379\n/);
  });

  it('every Sentinel has vipctl\'s least-privilege user, and vipctl.yaml uses it (with tls sections under --tls)', () => {
    expect(sentinelConf(t.nodes, [labMaster(0)], '/d', null, DEFAULT_TIMINGS)).toContain(`${aclUserLine('vipctl', '>lab-sentinel-secret')}\n`);
    const plain = validateConfig(parse(vipctlYaml(t)));
    expect(plain.sentinel).toMatchObject({ username: 'vipctl', password: 'lab-sentinel-secret' });
    expect(plain.sentinel.tls).toBeUndefined();
    const tls = validateConfig(parse(vipctlYaml(t, [labMaster(0)], { tlsDir: '/d/tls' })));
    const files = { ca: '/d/tls/ca.pem', cert: '/d/tls/client.pem', key: '/d/tls/client.key' };
    expect(tls.sentinel.tls).toEqual(files);
    expect(tls.redis.tls).toEqual(files);
  });
});

describe('lab --masters N', () => {
  const ms = labMasters(5);
  it('names, ports and VIPs: mymaster first (today\'s lab), then m2..; 6379+i; 198.18.0.100+i', () => {
    expect(ms.map((m) => [m.name, m.port, m.vipCidr])).toEqual([
      ['mymaster', 6379, '198.18.0.100/24'],
      ['m2', 6380, '198.18.0.101/24'],
      ['m3', 6381, '198.18.0.102/24'],
      ['m4', 6382, '198.18.0.103/24'],
      ['m5', 6383, '198.18.0.104/24'],
    ]);
    expect(() => labMasters(0)).toThrow(/1 to 100/);
    expect(() => labMasters(101)).toThrow(/1 to 100/);
  });

  it('an IPv6 lab counts up from fd00::100 in hex, each VIP in the first one\'s /64', () => {
    const v6 = labMasters(100, { vip: 'fd00::100', vipCidr: 'fd00::100/64' });
    expect([0, 1, 15, 16, 99].map((i) => v6[i]!.vipCidr)).toEqual(['fd00::100/64', 'fd00::101/64', 'fd00::10f/64', 'fd00::110/64', 'fd00::163/64']);
    expect(new Set(v6.map((m) => m.vip)).size).toBe(100);
    expect(labMasters(100)[99]!.vipCidr).toBe('198.18.0.199/24');
  });
  it('every Sentinel monitors every master, each on node i mod 3, with the hook for each', () => {
    const conf = sentinelConf(t.nodes, ms, '/d', '/repo/bin/vipctl', DEFAULT_TIMINGS);
    expect(conf).toContain('sentinel monitor mymaster 198.18.0.11 6379 2\n');
    expect(conf).toContain('sentinel monitor m2 198.18.0.12 6380 2\n');
    expect(conf).toContain('sentinel monitor m3 198.18.0.13 6381 2\n');
    expect(conf).toContain('sentinel monitor m4 198.18.0.11 6382 2\n');
    expect(conf.match(/client-reconfig-script/g)).toHaveLength(5);
  });
  it('each instance has its own port, log and dump file name; replicas follow their own master', () => {
    const c = redisConf(n1, n2, '/d', ms[1]);
    expect(c).toContain('port 6380\n');
    expect(c).toContain('logfile /d/redis-6380.log\n');
    expect(c).toContain('dbfilename redis-6380.rdb\n');
    expect(c).toContain('replicaof 198.18.0.12 6380\n');
    expect(redisConf(n1, n1, '/d')).not.toContain('dbfilename');
  });
  it('vipctl.yaml lists every master with its VIP and validates', () => {
    const c = validateConfig(parse(vipctlYaml(t, ms)));
    expect([...c.masters.values()].map((m) => `${m.name}=${m.vip.text}`)).toEqual(ms.map((m) => `${m.name}=${m.vipCidr}`));
  });
});

describe('topology', () => {
  it('names namespaces after the lab id and never reuses one', () => {
    const names = allNamespaces(t);
    expect(names).toEqual(['vl-x1-sw', 'vl-x1-n1', 'vl-x1-n2', 'vl-x1-n3', 'vl-x1-cl']);
    expect(new Set(names).size).toBe(names.length);
  });

  it('uses only 198.18.0.0/24 addresses', () => {
    for (const h of [...t.nodes, t.client]) expect(h.ip).toMatch(/^198\.18\.0\.\d+$/);
    expect(t.vip).toBe('198.18.0.100');
  });

  it.each(['', 'UPPER', 'a-b', 'x'.repeat(13), 'a/b'])('rejects lab id %j', (id) => {
    expect(() => topology(id)).toThrow(/lab id/);
  });
});

describe('lab up --ipv6', () => {
  const t6 = topology('x1', 3, 6);
  const [m, r] = t6.nodes as [typeof t6.nodes[0], typeof t6.nodes[0]];

  it('fd00::/64: nodes ::11-::13, client ::50, VIP fd00::100/64, same namespace names', () => {
    expect(t6.nodes.map((n) => n.ip)).toEqual(['fd00::11', 'fd00::12', 'fd00::13']);
    expect(t6.client.ip).toBe('fd00::50');
    expect([t6.family, t6.prefix, t6.vip, t6.vipCidr]).toEqual([6, 64, 'fd00::100', 'fd00::100/64']);
    expect(allNamespaces(t6)).toEqual(allNamespaces(t));
    expect([t.family, t.prefix, t.vipCidr]).toEqual([4, 24, '198.18.0.100/24']);
  });

  it('Redis and Sentinel listen on IPv6 and replicate / monitor over it', () => {
    expect(redisConf(r, m, '/d')).toContain('bind 0.0.0.0 ::\nprotected-mode no\n');
    expect(redisConf(r, m, '/d')).toContain('replicaof fd00::11 6379\n');
    const s = sentinelConf(t6.nodes, [labMaster(0, t6)], '/d', null, DEFAULT_TIMINGS);
    expect(s).toContain('bind 0.0.0.0 ::\n');
    expect(s).toContain('sentinel monitor mymaster fd00::11 6379 2\n');
  });

  it('vipctl.yaml is a valid config with bracketed IPv6 Sentinels and the IPv6 VIP', () => {
    const c = validateConfig(parse(vipctlYaml(t6)));
    expect(c.sentinel.addresses).toEqual(t6.nodes.map((n) => ({ host: n.ip, port: 26379 })));
    expect(c.masters.get('mymaster')!.vip).toEqual({ address: 'fd00::100', prefix: 64, family: 6, text: 'fd00::100/64' });
  });

  it('namespace set-up: sysctl inside the lab namespace only, host addresses without DAD', () => {
    expect(noDadArgv('vl-x1-n1')).toEqual(['ip', 'netns', 'exec', 'vl-x1-n1', 'sysctl', '-q', '-w', 'net.ipv6.conf.all.accept_dad=0', 'net.ipv6.conf.default.accept_dad=0']);
    expect(hostAddrArgv('vl-x1-n1', 'fd00::11', 64, 'eth0')).toEqual(['ip', '-n', 'vl-x1-n1', 'addr', 'add', 'fd00::11/64', 'dev', 'eth0', 'nodad']);
    expect(hostAddrArgv('vl-x1-n1', '198.18.0.11', 24, 'eth0')).toEqual(['ip', '-n', 'vl-x1-n1', 'addr', 'add', '198.18.0.11/24', 'dev', 'eth0']);
  });
});
