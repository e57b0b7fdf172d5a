import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { validateConfig } from '../../src/core/config';
import { DEFAULT_TIMINGS, redisConf, sentinelConf, vipctlYaml } from '../../src/lab/files';
import { allNamespaces, topology } from '../../src/lab/topology';
import { hostAddrArgv, noDadArgv } from '../../src/lab/ipv6';

const t = topology('x1');
const [n1, n2] = t.nodes as [typeof t.nodes[0], typeof t.nodes[0]];

describe('lab files', () => {
  it('redis binds 0.0.0.0 so it answers on the VIP; replicas follow the master', () => {
    expect(redisConf(n1, n1, '/d')).toContain('bind 0.0.0.0\n');
    expect(redisConf(n1, n1, '/d')).not.toContain('replicaof');
    expect(redisConf(n2, n1, '/d')).toContain('replicaof 198.18.0.11 6379\n');
  });

  it('sentinel runs the hook only in hook mode', () => {
    const withHook = sentinelConf(n1, '/d', '/repo/bin/vipctl', DEFAULT_TIMINGS);
    expect(withHook).toContain('sentinel client-reconfig-script mymaster /repo/bin/vipctl\n');
    expect(withHook).toContain('sentinel monitor mymaster 198.18.0.11 6379 2\n');
    expect(withHook).toContain('sentinel down-after-milliseconds mymaster 1000\n');
    expect(sentinelConf(n1, '/d', null, DEFAULT_TIMINGS)).not.toContain('client-reconfig-script');
  });

  it('the one vipctl.yaml is a valid config naming every Sentinel and the VIP', () => {
    const c = validateConfig(parse(vipctlYaml(t)));
    expect(c.sentinel.addresses).toEqual(t.nodes.map((n) => ({ host: n.ip, port: 26379 })));
    expect(c.masters.get('mymaster')!.vip.text).toBe('198.18.0.100/24');
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
    const s = sentinelConf(m, '/d', null, DEFAULT_TIMINGS);
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
