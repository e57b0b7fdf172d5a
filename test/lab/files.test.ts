import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { validateConfig } from '../../src/core/config';
import { DEFAULT_TIMINGS, redisConf, sentinelConf, vipctlYaml } from '../../src/lab/files';
import { allNamespaces, topology } from '../../src/lab/topology';

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
