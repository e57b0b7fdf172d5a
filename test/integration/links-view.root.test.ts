/**
 * The netlink links view (one `ip monitor` child over a dump) in a scratch
 * namespace: changes made behind its back (an operator's ip addr del, the
 * interface going down and up) show in the next fresh read without a dump;
 * a monitor that died (a lost notification) is restarted and the view
 * resyncs, and reads meanwhile are right.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MonitorView } from '../../src/adapters/netlink/monitor-view';
import { waitFor } from '../../src/lab/lab';
import type { Link } from '../../src/core/local';
import { describeLab } from './support';
import { scratchNetns, type Scratch } from './netns-scratch';

const addrsOf = (links: Link[], ifname: string): string[] => links.find((l) => l.ifname === ifname)?.addresses.filter((a) => !a.address.startsWith('fe80:')).map((a) => `${a.address}/${a.prefix}`).sort() ?? [];
const upOf = (links: Link[], ifname: string): boolean | undefined => links.find((l) => l.ifname === ifname)?.up;

describeLab('links view: ip monitor over a dump (root)', () => {
  let s: Scratch;
  let view: MonitorView;
  const events: Array<{ event: string; reason: string }> = [];
  beforeAll(async () => {
    s = await scratchNetns('lv');
    await s.ip('addr', 'add', '198.18.7.1/24', 'dev', 'd0');
    await s.ip('addr', 'add', 'fd00:7::1/64', 'dev', 'd0', 'nodad');
    view = await MonitorView.open({ netns: s.ns, onEvent: (e) => events.push(e) });
  });
  afterAll(async () => {
    if (process.env.DEBUG_VIEW) console.log(JSON.stringify(events), view?.stats);
    await view?.close();
    await s?.remove();
  });

  it('starts from a dump: what the namespace has', async () => {
    const links = await view.read();
    expect(addrsOf(links, 'd0')).toEqual(['198.18.7.1/24', 'fd00:7::1/64']);
    expect(upOf(links, 'd0')).toBe(true);
  });

  it("an operator's ip addr add and del show in the next fresh read, from the monitor (no dump)", async () => {
    const dumps = view.stats.dumps;
    for (let i = 10; i < 20; i++) {
      await s.ip('addr', 'add', `198.18.7.${i}/32`, 'dev', 'd0');
      expect(addrsOf(await view.read({ fresh: true }), 'd0')).toContain(`198.18.7.${i}/32`);
      await s.ip('addr', 'del', `198.18.7.${i}/32`, 'dev', 'd0');
      expect(addrsOf(await view.read({ fresh: true }), 'd0')).not.toContain(`198.18.7.${i}/32`);
    }
    await s.ip('addr', 'del', '198.18.7.1/24', 'dev', 'd0');
    expect(addrsOf(await view.read({ fresh: true }), 'd0')).toEqual(['fd00:7::1/64']);
    expect(view.stats.dumps).toBe(dumps);
  });

  it('a fresh read waits for a monitor that lags behind (stopped): it returns what the monitor then prints, no dump', async () => {
    const dumps = view.stats.dumps;
    const pid = view.monitorPid!;
    process.kill(pid, 'SIGSTOP');
    try {
      await s.ip('addr', 'add', '198.18.7.30/32', 'dev', 'd0');
      const read = view.read({ fresh: true });
      process.kill(pid, 'SIGCONT');
      expect(addrsOf(await read, 'd0')).toContain('198.18.7.30/32');
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    expect(view.stats.dumps).toBe(dumps);
  });

  it('a monitor that does not catch up within freshWaitMs: the fresh read dumps', async () => {
    const dumps = view.stats.dumps;
    const pid = view.monitorPid!;
    process.kill(pid, 'SIGSTOP');
    try {
      await s.ip('addr', 'del', '198.18.7.30/32', 'dev', 'd0');
      expect(addrsOf(await view.read({ fresh: true }), 'd0')).not.toContain('198.18.7.30/32');
      expect(view.stats.dumps).toBe(dumps + 1);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
  });

  it('the interface going down and up: down at once, its IPv6 address gone with it, up again', async () => {
    await s.ip('addr', 'add', '198.18.7.1/24', 'dev', 'd0');
    await s.ip('link', 'set', 'd0', 'down');
    let links = await view.read({ fresh: true });
    expect(upOf(links, 'd0')).toBe(false);
    expect(addrsOf(links, 'd0')).toEqual(['198.18.7.1/24']); // the kernel drops IPv6 addresses on down
    await s.ip('link', 'set', 'd0', 'up');
    links = await view.read({ fresh: true });
    expect(upOf(links, 'd0')).toBe(true);
    await s.ip('addr', 'add', 'fd00:7::1/64', 'dev', 'd0', 'nodad');
    expect(addrsOf(await view.read({ fresh: true }), 'd0')).toEqual(expect.arrayContaining(['198.18.7.1/24', 'fd00:7::1/64']));
  });

  it('a link added and deleted behind its back', async () => {
    await s.ip('link', 'add', 'e0', 'type', 'veth', 'peer', 'name', 'e0p');
    await s.ip('addr', 'add', '198.18.8.1/24', 'dev', 'e0');
    expect(addrsOf(await view.read({ fresh: true }), 'e0')).toEqual(['198.18.8.1/24']);
    await s.ip('link', 'del', 'e0');
    expect((await view.read({ fresh: true })).some((l) => l.ifname === 'e0' || l.ifname === 'e0p')).toBe(false);
  });

  it('the monitor killed (every notification until its restart lost): reads stay right, it restarts and the view resyncs', async () => {
    const pid = view.monitorPid!;
    const restarts = view.stats.restarts;
    process.kill(pid, 'SIGKILL');
    await waitFor('the view to see its monitor exit', async () => view.stats.restarts > restarts, 5000, 5);
    // changes while no monitor runs: a read must not miss them
    await s.ip('addr', 'del', '198.18.7.1/24', 'dev', 'd0');
    await s.ip('addr', 'add', '198.18.7.2/24', 'dev', 'd0');
    expect(addrsOf(await view.read(), 'd0')).toEqual(expect.arrayContaining(['198.18.7.2/24']));
    expect(addrsOf(await view.read(), 'd0')).not.toContain('198.18.7.1/24');
    await waitFor('a new monitor and its resync', async () => (view.monitorPid !== undefined && view.monitorPid !== pid && events.some((e) => e.reason === 'monitor restarted')) || null, 10_000, 5);
    await view.settled();
    // and it follows changes again without dumping
    const dumps = view.stats.dumps;
    await s.ip('addr', 'del', '198.18.7.2/24', 'dev', 'd0');
    expect(addrsOf(await view.read({ fresh: true }), 'd0')).not.toContain('198.18.7.2/24');
    expect(view.stats.dumps).toBe(dumps);
  });

  it('a non-fresh read after the monitor caught up costs no spawn and sees the change', async () => {
    const dumps = view.stats.dumps;
    await s.ip('addr', 'add', '198.18.7.3/24', 'dev', 'd0');
    await view.read({ fresh: true });
    expect(addrsOf(await view.read(), 'd0')).toContain('198.18.7.3/24');
    expect(view.stats.dumps).toBe(dumps);
  });
});
