/**
 * The 37 s case (issue 19, item 2), root: with watch on every node, `vipctl
 * bind --force` on a replica's host points the client's neighbour entry for
 * the VIP at that host; its watcher removes the stray copy; the holder's
 * refresh (announce.refreshMs) points the entry back at the holder within one
 * refresh interval, not after the kernel's own 15-45 s of reachable time,
 * DELAY and PROBE. The conflict probe is off here: the refresh alone must do it.
 * (Log level debug: the refresh's lines are at debug.)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { waitFor, type Lab } from '../../src/lab/lab';
import type { LabHost } from '../../src/lab/topology';
import { arpingPids, configVariant, describeLab, settledOn, upLab } from './support';
import { killPid, nodeLog } from './watch-support';

const REFRESH_MS = 2000;

describeLab('re-announce after a correction (root)', () => {
  let lab: Lab;
  let holder: LabHost;
  let ping: ChildProcess | null = null;
  const events = (n: LabHost, event: string, since: number) => nodeLog(lab, n).filter((l) => l.event === event && Date.parse(String(l.time)) >= since);

  beforeAll(async () => {
    lab = await upLab({ mode: 'none' });
    const config = configVariant(lab, 'refresh', (y) => `${y.replace('\n  intervalSeconds: 1\n', `\n  intervalSeconds: 1\n  refreshMs: ${REFRESH_MS}\n`)}watch:\n  conflictProbeMs: 0\nlog:\n  level: debug\n`);
    for (const n of lab.topo.nodes) await lab.startWatch(n, ['--config', config]);
    holder = await settledOn(lab, 30_000);
  });
  afterAll(async () => {
    killPid(ping?.pid, 'SIGTERM');
    await lab?.down();
  });

  it('bind --force on a replica\'s host, undone by its watcher: the client\'s neighbour entry points at the holder again within one refresh interval', async () => {
    const holderMac = await lab.macOf(holder);
    const replica = lab.topo.nodes.find((n) => n !== holder)!;
    const replicaMac = await lab.macOf(replica);
    // the client talks to the VIP all along (its entry stays in use, as a client's would)
    // (a TCP connection to Redis every 200 ms; no ping on the host: node is there)
    const connect = `setInterval(() => { const s = require('node:net').connect(6379, ${JSON.stringify(lab.topo.vip)}); s.setTimeout(150, () => s.destroy()); s.on('connect', () => s.destroy()); s.on('error', () => undefined); }, 200); setTimeout(() => process.exit(0), 120000);`;
    ping = spawn('ip', ['netns', 'exec', lab.topo.client.ns, process.execPath, '-e', connect], { stdio: 'ignore' });
    await waitFor('the client\'s entry on the holder', async () => ((await lab.clientNeighbourMac()) === holderMac ? true : null), 10_000, 50);

    // the holder's own bind announces for count × interval: over before the case starts (else its last packets cure it)
    await waitFor('the holder\'s bind announcer to finish', async () => ((await arpingPids(holder)).length === 0 ? true : null), 15_000, 50);

    const forced = Date.now();
    const r = await lab.vipctl(replica, ['bind', 'mymaster', '--force']);
    expect(r.exitCode, r.stderr).toBe(0);
    // the stray copy's announcement moved the client's entry (the case is real)...
    await waitFor('the client\'s entry on the replica', async () => ((await lab.clientNeighbourMac()) === replicaMac ? true : null), 5000, 20);
    // ...and the replica's watcher removes the copy
    const removed = await waitFor('the replica\'s watcher to remove the stray copy', async () => events(replica, 'unbind', forced).find((l) => l.cmd === 'watch') ?? null, 10_000, 20);
    const removedAt = Date.parse(String(removed.time));

    // one refresh interval, plus the level pass it rides on (intervalMs 1000) and a loaded machine's slack
    const back = await waitFor('the client\'s entry on the holder again', async () => ((await lab.clientNeighbourMac()) === holderMac ? Date.now() : null), REFRESH_MS + 1000 + 1500, 20);
    console.log(`client's neighbour entry back on the holder ${back - removedAt} ms after the stray copy was removed (refreshMs ${REFRESH_MS})`);
    // the holder's refresh did it (its line may reach the file a moment later)
    const refresh = await waitFor('the refresh\'s line on the holder', async () => events(holder, 'announce', forced).find((l) => l.reannounce === 'refresh') ?? null, 5000, 50);
    expect(Date.parse(String(refresh.time))).toBeLessThanOrEqual(back + 50); // before the entry came back (ms clocks, one machine)
    expect(await lab.vipHolders()).toEqual([holder]);
  });
});
