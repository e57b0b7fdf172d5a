/**
 * `vipctl config check` on a lab node (root): the lab's config passes; an
 * interface the host lacks and a VIP outside the interface's subnet are
 * problems (exit 2) with their keys; Sentinels that do not exist change
 * nothing (it never asks them).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Lab } from '../../src/lab/lab';
import type { LabHost } from '../../src/lab/topology';
import { configVariant, describeLab, upLab } from './support';

describeLab('vipctl config check (root)', () => {
  let lab: Lab;
  let n1: LabHost;
  beforeAll(async () => {
    lab = await upLab({ mode: 'none' });
    n1 = lab.host('n1');
  });
  afterAll(async () => {
    await lab?.down();
  });

  const check = (path?: string) => lab.vipctl(n1, [...(path ? ['--config', path] : []), 'config', 'check']);

  it("the lab's config: ok, with its masters and Sentinels", async () => {
    const r = await check();
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.stdout.trim()).toBe(`config ${lab.configPath}: ok (1 master(s): mymaster ${lab.topo.vipCidr}; 3 Sentinel(s))`);
  });

  it('an interface this host lacks: exit 2, the problem with its key', async () => {
    const path = configVariant(lab, 'noiface', (y) => y.replace(`    vip: ${lab.topo.vipCidr}\n`, `    vip: ${lab.topo.vipCidr}\n    interface: eth9\n`));
    const r = await check(path);
    expect(r.exitCode, r.stdout).toBe(2);
    expect(r.stdout).toMatch(/^problem: interface \(mymaster\): masters\.mymaster\.interface: interface eth9 does not exist on this host/m);
  });

  it("a VIP outside the interface's subnet: exit 2", async () => {
    const path = configVariant(lab, 'othernet', (y) => y.replace(`    vip: ${lab.topo.vipCidr}\n`, '    vip: 198.19.7.100/24\n    interface: eth0\n'));
    const r = await check(path);
    expect(r.exitCode, r.stdout).toBe(2);
    expect(r.stdout).toMatch(/^problem: VIP subnet \(mymaster\): 198\.19\.7\.100 is in no subnet of eth0/m);
  });

  it('Sentinels nobody runs: still ok, it never asks them', async () => {
    const path = configVariant(lab, 'nosentinels', (y) => y.replace(/addresses: \[[^\]]*\]/, 'addresses: [198.18.0.250:26379]'));
    const r = await check(path);
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/ok \(.*; 1 Sentinel\(s\)\)/);
  });
});
