import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LAB_RESOLV_CONF, labHostName, labHostsFile, LAB_LOOPBACK_NAME, netnsEtcDirs, ownNetnsEtcDirs, removeNetnsEtc, writeNetnsEtcDir } from '../../src/lab/hostnames';
import { redisConf, sentinelConf, DEFAULT_TIMINGS } from '../../src/lab/files';
import { labMaster, labMasters } from '../../src/lab/masters';
import { topology } from '../../src/lab/topology';
import { isHostName } from '../../src/core/address';

const t = topology('h1');
const [n1, n2] = t.nodes as [typeof t.nodes[0], typeof t.nodes[0]];

describe('lab --hostnames', () => {
  it('names every host under vipctl-lab, names vipctl accepts as host names', () => {
    expect([...t.nodes, t.client].map(labHostName)).toEqual(['n1.vipctl-lab', 'n2.vipctl-lab', 'n3.vipctl-lab', 'cl.vipctl-lab']);
    expect([...t.nodes, t.client].map(labHostName).every(isHostName)).toBe(true);
  });

  it('one hosts file for every namespace: each host, localhost, and a name on 127.0.1.1 (Debian\'s own-name line)', () => {
    const lines = labHostsFile(t).split('\n');
    expect(lines).toContain('198.18.0.11 n1.vipctl-lab');
    expect(lines).toContain('198.18.0.50 cl.vipctl-lab');
    expect(lines).toContain(`127.0.1.1 ${LAB_LOOPBACK_NAME}`);
    expect(labHostsFile(topology('h1', 3, 6)).split('\n')).toContain('fd00::12 n2.vipctl-lab');
  });

  it('its /etc/netns directories are named for the lab\'s own namespaces only', () => {
    expect(netnsEtcDirs(t)).toEqual(['/etc/netns/vl-h1-sw', '/etc/netns/vl-h1-n1', '/etc/netns/vl-h1-n2', '/etc/netns/vl-h1-n3', '/etc/netns/vl-h1-cl']);
  });

  it('Redis: replicas announce their name and follow the master by name; without the option, addresses as before', () => {
    const named = redisConf(n2, n1, '/d', labMaster(0), { hostnames: true });
    expect(named).toContain('replica-announce-ip n2.vipctl-lab\n');
    expect(named).toContain('replicaof n1.vipctl-lab 6379\n');
    const plain = redisConf(n2, n1, '/d', labMaster(0));
    expect(plain).not.toContain('replica-announce-ip');
    expect(plain).toContain('replicaof 198.18.0.11 6379\n');
  });

  it('Sentinel: resolve-hostnames and announce-hostnames before the monitor lines, which name the masters by name', () => {
    const conf = sentinelConf(t.nodes, labMasters(2), '/d', null, DEFAULT_TIMINGS, { hostnames: true });
    const at = (s: string) => conf.indexOf(s);
    expect(at('sentinel resolve-hostnames yes\n')).toBeGreaterThan(-1);
    expect(at('sentinel announce-hostnames yes\n')).toBeGreaterThan(-1);
    expect(at('sentinel monitor mymaster n1.vipctl-lab 6379 2\n')).toBeGreaterThan(at('sentinel resolve-hostnames yes\n'));
    expect(conf).toContain('sentinel monitor m2 n2.vipctl-lab 6380 2\n');
    expect(sentinelConf(t.nodes, labMasters(1), '/d', null, DEFAULT_TIMINGS)).not.toContain('hostnames');
  });

  it('a namespace directory is made exclusively and recorded before anything is written into it; down removes exactly the recorded ones', () => {
    const base = mkdtempSync(join(tmpdir(), 'vipctl-netns-'));
    const ours = join(base, 'vl-h1-n1');
    const recorded: string[] = [];
    writeNetnsEtcDir(ours, 'HOSTS\n', (d) => {
      expect(existsSync(join(d, 'hosts'))).toBe(false); // recorded first
      recorded.push(d);
    });
    expect(recorded).toEqual([ours]);
    expect(readFileSync(join(ours, 'hosts'), 'utf8')).toBe('HOSTS\n');
    expect(readFileSync(join(ours, 'resolv.conf'), 'utf8')).toBe(LAB_RESOLV_CONF);
    // someone else's directory: refused, not recorded, left as it was
    const theirs = join(base, 'vl-h1-n2');
    mkdirSync(theirs);
    writeFileSync(join(theirs, 'hosts'), 'theirs');
    expect(() => writeNetnsEtcDir(theirs, 'HOSTS\n', (d) => recorded.push(d))).toThrow(/lab up --hostnames: cannot create .*vl-h1-n2: EEXIST/);
    expect(recorded).toEqual([ours]);
    removeNetnsEtc(recorded, false);
    expect(existsSync(ours)).toBe(false);
    expect(readFileSync(join(theirs, 'hosts'), 'utf8')).toBe('theirs');
    removeNetnsEtc(recorded, false); // twice is fine
  });

  it('down trusts only recorded directories that are /etc/netns/<one of the lab\'s namespaces>', () => {
    expect(ownNetnsEtcDirs(['/etc/netns/vl-h1-n1', '/etc/netns/vl-zz-n1', '/etc/netns', '/etc/netns/vl-h1-cl'], ['vl-h1-sw', 'vl-h1-n1', 'vl-h1-cl'])).toEqual(['/etc/netns/vl-h1-n1', '/etc/netns/vl-h1-cl']);
    expect(ownNetnsEtcDirs([], ['vl-h1-n1'])).toEqual([]);
  });
});
