/**
 * The hook given a host name as <to-ip> (Sentinel with announce-hostnames
 * yes). Names are served to each lab namespace by /etc/netns/<ns>/hosts,
 * which `ip netns exec` bind-mounts over /etc/hosts (and an empty
 * resolv.conf: no DNS server is ever asked). The files are this test's own,
 * under its lab's namespaces only, and removed afterwards.
 */
import { existsSync, mkdirSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { run } from '../../src/adapters/run';
import type { Lab } from '../../src/lab/lab';
import { describeLab, parseLog, upLab } from './support';

const NETNS_ETC = '/etc/netns';

describeLab('hook with host names (root)', () => {
  let lab: Lab;
  const made: string[] = [];
  let madeRoot = false;
  beforeAll(async () => {
    lab = await upLab({ mode: 'none' });
    const hosts = ['127.0.0.1 localhost', ...lab.topo.nodes.map((n) => `${n.ip} ${n.name}.lab`), '127.0.1.1 self.lab', ''].join('\n');
    madeRoot = !existsSync(NETNS_ETC);
    mkdirSync(NETNS_ETC, { recursive: true, mode: 0o755 });
    for (const n of lab.topo.nodes) {
      const dir = join(NETNS_ETC, n.ns);
      mkdirSync(dir, { mode: 0o755 });
      made.push(dir);
      writeFileSync(join(dir, 'hosts'), hosts, { mode: 0o644 });
      writeFileSync(join(dir, 'resolv.conf'), '# vipctl lab: no DNS\nnameserver 127.0.0.1\noptions timeout:1 attempts:1\n', { mode: 0o644 });
    }
  });
  afterAll(async () => {
    for (const d of made) rmSync(d, { recursive: true, force: true });
    if (madeRoot) {
      try {
        rmdirSync(NETNS_ETC);
      } catch {
        /* another lab uses it now */
      }
    }
    await lab?.down();
  });

  const vip = () => lab.topo.vip;
  const holders = async () => (await lab.vipHolders()).map((n) => n.name);
  const hook = (node: string, to: string) => lab.vipctl(lab.host(node), ['mymaster', 'leader', 'start', 'n1.lab', '6379', to, '6379']);

  it('binds on the host the name resolves to, and only there', async () => {
    expect(await holders()).toEqual([]);
    for (const n of ['n1', 'n2', 'n3']) {
      const r = await hook(n, 'n2.lab');
      expect(r.exitCode, r.stderr).toBe(0);
    }
    expect(await holders()).toEqual(['n2']);
    const line = parseLog(String((await run(['cat', lab.logFile(lab.host('n2'))])).stdout)).find((l) => l.event === 'bind')!;
    expect(line).toMatchObject({ cmd: 'hook', to: 'n2.lab:6379', vip: `${vip()}/24` });
    expect(String(line.reason)).toContain('(198.18.0.12), an address of this host');
  });

  it('moves when the name of another host comes: unbinds there, binds on it', async () => {
    for (const n of ['n2', 'n3', 'n1']) expect((await hook(n, 'n3.lab')).exitCode).toBe(0);
    expect(await holders()).toEqual(['n3']);
  });

  it('a name that does not resolve: exit 1 (Sentinel retries), nothing changed anywhere', async () => {
    const before = await Promise.all(lab.topo.nodes.map(async (n) => (await run(['ip', '-n', n.ns, '-br', 'addr'])).stdout));
    for (const n of ['n1', 'n2', 'n3']) {
      const r = await hook(n, 'nowhere.lab');
      expect(r.exitCode, r.stderr).toBe(1);
      expect(r.stderr).toMatch(/host name nowhere\.lab does not resolve/);
    }
    const after = await Promise.all(lab.topo.nodes.map(async (n) => (await run(['ip', '-n', n.ns, '-br', 'addr'])).stdout));
    expect(after).toEqual(before);
    expect(await holders()).toEqual(['n3']);
  });

  it('a name resolving to loopback (Debian\'s 127.0.1.1) is refused: exit 2, nothing changed', async () => {
    const r = await hook('n3', 'self.lab');
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/resolves to 127\.0\.1\.1, a loopback address/);
    expect(await holders()).toEqual(['n3']);
  });
});
