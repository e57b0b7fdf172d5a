/**
 * doctor's network-setting checks on lab nodes (root): every network sysctl
 * is per namespace, so each node's own are set here and put back. An
 * arp_ignore that answers no ARP fails; a Redis that binds the VIP without
 * ip_nonlocal_bind fails, and passes once the sysctl is 1.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ok, run } from '../../src/adapters/run';
import type { Lab } from '../../src/lab/lab';
import { REDIS_PORT, type LabHost } from '../../src/lab/topology';
import { describeLab, upLab } from './support';

const line = (stdout: string, check: RegExp): string | undefined => stdout.split('\n').find((l) => check.test(l));
const sysctl = async (n: LabHost, setting: string) => {
  const r = await run(['ip', 'netns', 'exec', n.ns, 'sysctl', '-w', setting]);
  if (!ok(r)) throw new Error(`sysctl -w ${setting}: ${r.stderr}`);
};

describeLab('doctor: ARP sysctls, ip_nonlocal_bind, SELinux (root)', () => {
  let lab: Lab;
  let n1: LabHost, n2: LabHost;
  beforeAll(async () => {
    lab = await upLab({ mode: 'hook' });
    [n1, n2] = [lab.host('n1'), lab.host('n2')];
  });
  afterAll(async () => {
    await lab?.down();
  });

  it('a healthy node passes all three', async () => {
    const r = await lab.vipctl(n1, ['doctor']);
    expect(line(r.stdout, /arp settings on eth0/), r.stdout).toMatch(/^PASS .*arp_ignore 0, arp_announce 0: only eth0 answers for the VIP/);
    expect(line(r.stdout, /redis bind and ip_nonlocal_bind/), r.stdout).toMatch(/^PASS .*does not list the VIP in bind/);
    expect(line(r.stdout, /selinux/), r.stdout).toMatch(/^PASS /);
  });

  it('arp_ignore 8 (no ARP answered for local addresses) fails, with the fix', async () => {
    await sysctl(n1, 'net.ipv4.conf.all.arp_ignore=8');
    try {
      const r = await lab.vipctl(n1, ['doctor']);
      expect(r.exitCode).toBe(1);
      expect(line(r.stdout, /arp settings on eth0/), r.stdout).toMatch(/^FAIL .*arp_ignore 8, .*clients never find the VIP here/);
      expect(r.stdout).toMatch(/sysctl -w net\.ipv4\.conf\.all\.arp_ignore=1/);
    } finally {
      await sysctl(n1, 'net.ipv4.conf.all.arp_ignore=0');
    }
  });

  it('a Redis that binds the VIP fails without ip_nonlocal_bind, passes with it', async () => {
    const bind = async (value: string) => {
      const r = await lab.redisCli(n2.ip, REDIS_PORT, ['CONFIG', 'SET', 'bind', value]);
      if (!r.stdout.startsWith('OK')) throw new Error(`CONFIG SET bind ${value}: ${r.stdout} ${r.stderr}`);
    };
    await bind(`${n2.ip} -${lab.topo.vip}`);
    try {
      const before = await lab.vipctl(n2, ['doctor']);
      expect(line(before.stdout, /redis bind and ip_nonlocal_bind/), before.stdout).toMatch(new RegExp(`^FAIL .*Redis binds -${lab.topo.vip.replace(/\./g, '\\.')} and net\\.ipv4\\.ip_nonlocal_bind = 0: .*never listens on it`));
      await sysctl(n2, 'net.ipv4.ip_nonlocal_bind=1');
      const after = await lab.vipctl(n2, ['doctor']);
      expect(line(after.stdout, /redis bind and ip_nonlocal_bind/), after.stdout).toMatch(/^PASS .*ip_nonlocal_bind = 1 lets it listen there/);
    } finally {
      await bind('0.0.0.0');
      await sysctl(n2, 'net.ipv4.ip_nonlocal_bind=0');
    }
  });
});
