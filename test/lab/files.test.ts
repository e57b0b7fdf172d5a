import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { validateConfig } from '../../src/core/config';
import { DEFAULT_TIMINGS, redisConf, sentinelConf, vipctlYaml } from '../../src/lab/files';
import { allNamespaces, topology } from '../../src/lab/topology';
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
