/**
 * Addresses every host owns (issue 15, finding 4): with 198.19.255.1/32 on a
 * docker0 on all three nodes, a hook naming it as <to-ip> exited 0 on all
 * three and all three held the VIP. Only an address on the VIP's segment is
 * this host's for a master now.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { run } from '../../src/adapters/run';
import type { Lab } from '../../src/lab/lab';
import { describeLab, parseLog, upLab } from './support';

const STRAY = '198.19.255.1';
const HOOK = (to: string): string[] => ['mymaster', 'leader', 'start', '198.18.0.12', '6379', to, '6379'];

describeLab('an address on every node, off the VIP segment, is nobody’s (root)', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await upLab({ mode: 'hook' });
    for (const n of lab.topo.nodes) {
      for (const argv of [['link', 'add', 'docker0', 'type', 'bridge'], ['addr', 'add', `${STRAY}/32`, 'dev', 'docker0'], ['link', 'set', 'docker0', 'up']]) {
        const r = await run(['ip', '-n', n.ns, ...argv]);
        expect(r.exitCode, r.stderr).toBe(0);
      }
    }
  });
  afterAll(async () => {
    await lab?.down();
  });

  it('a hook naming the shared address binds on no node (and releases where bound), saying why', async () => {
    const master = await lab.waitSettled();
    expect(await lab.vipHolders()).toEqual([master]);
    for (const n of lab.topo.nodes) {
      const r = await lab.vipctl(n, HOOK(STRAY));
      expect(r.exitCode, r.stderr).toBe(0);
      expect(parseLog(r.stderr).at(-1)).toMatchObject({ mustBe: 'unbound', reason: expect.stringMatching(new RegExp(`moved mymaster to ${STRAY.replace(/\./g, '\\.')}:6379: to-ip ${STRAY.replace(/\./g, '\\.')} is another host`)) });
    }
    expect(await lab.vipHolders()).toEqual([]);
    // the node's own address on the VIP's segment still counts
    const r = await lab.vipctl(master, HOOK(master.ip));
    expect(r.exitCode, r.stderr).toBe(0);
    expect(await lab.vipHolders()).toEqual([master]);
  });

  it('doctor warns about the bridge address', async () => {
    const r = await lab.vipctl(lab.topo.nodes[0]!, ['doctor']);
    expect(r.stdout).toMatch(new RegExp(`${STRAY.replace(/\./g, '\\.')} \\(docker0\\): a bridge address that other nodes likely have too`));
  });
});
