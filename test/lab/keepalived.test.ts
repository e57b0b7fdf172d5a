import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { keepalivedArgv, keepalivedConf } from '../../src/lab/keepalived';

const README = readFileSync(join(__dirname, '../../docs/install.md'), 'utf8');

describe('the keepalived.conf of the README and the lab', () => {
  it('the docs show exactly what the lab tests, with production paths', () => {
    const conf = keepalivedConf({ vipctl: '/usr/bin/vipctl', config: '/etc/vipctl/vipctl.yaml', master: 'mymaster', vipCidr: '10.0.0.100/24', interface: 'eth1', virtualRouterId: 51 });
    const block = README.match(/```\n(# keepalived carries the VIP only where[\s\S]*?)```/);
    expect(block?.[1]).toBe(conf);
  });
  it('runs vipctl check with the config, and keepalived in the foreground with its pid files in the node dir', () => {
    expect(keepalivedConf({ vipctl: '/x/bin/vipctl', config: '/lab/vipctl.yaml', master: 'm1', vipCidr: '198.18.0.100/24', interface: 'eth0', virtualRouterId: 7 })).toContain('script "/x/bin/vipctl --config /lab/vipctl.yaml check m1"');
    expect(keepalivedArgv('/lab/n1')).toEqual(['keepalived', '--dont-fork', '--log-console', '--log-detail', '--vrrp', '--use-file', '/lab/n1/keepalived.conf', '--pid', '/lab/n1/keepalived.pid', '--vrrp_pid', '/lab/n1/keepalived-vrrp.pid']);
  });
});
