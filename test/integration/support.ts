/**
 * Shared by the `*.root.test.ts` files: they need root and real
 * redis-server/redis-sentinel. On a laptop without root they skip; with
 * CI=true a missing privilege or tool is a failure, never a skip.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { cmdline } from '../../src/adapters/proc';
import { Lab, namespacePids, waitFor, type LabOptions } from '../../src/lab/lab';
import { missingTools } from '../../src/lab/prereqs';
import type { LabHost } from '../../src/lab/topology';

// Each checkout running integration tests at once needs its own (the global teardown removes every lab in it).
export const TEST_LAB_DIR = process.env.VIPCTL_TEST_LAB_DIR || '/run/vipctl-lab-test';

const isRoot = process.getuid?.() === 0;
const missing = missingTools();
export const canRunLab = isRoot && missing.length === 0;
const why = !isRoot ? 'not root' : `missing ${missing.join(', ')}`;

/** describe() for lab tests: runs when possible, fails under CI when not, skips otherwise. */
export function describeLab(name: string, body: () => void): void {
  if (canRunLab) {
    describe(name, body);
    return;
  }
  if (process.env.CI === 'true') {
    describe(name, () => {
      it('can run (CI=true: integration tests must run)', () => {
        throw new Error(`integration tests cannot run: ${why}`);
      });
    });
    return;
  }
  describe.skip(`${name} (skipped: ${why})`, body);
}

export function upLab(options: LabOptions = {}): Promise<Lab> {
  return Lab.up({ baseDir: TEST_LAB_DIR, ...options });
}

/** JSON log lines of a node's vipctl log (or of stderr). */
export { parseLogLines as parseLog, parseLiveLog as parseLogFile } from '../../src/adapters/log-lines';

/** Wait until the Sentinels' majority names a master, it answers as master, and the VIP is there and nowhere else. */
export async function settledOn(lab: Lab, timeoutMs = 30_000): Promise<LabHost> {
  return waitFor('the VIP on the master and nowhere else', async () => {
    const master = await lab.sentinelMaster();
    if (!master || (await lab.redisRole(master)) !== 'master') return null;
    const holders = await lab.vipHolders();
    return holders.length === 1 && holders[0] === master ? master : null;
  }, timeoutMs, 50);
}

/** After a failover of `old`: wait until another host is master and holds the VIP alone. */
export function newMasterWithVip(lab: Lab, old: LabHost, timeoutMs = 40_000): Promise<LabHost> {
  return waitFor('a new master with the VIP', async () => {
    const m = await settledOn(lab, timeoutMs);
    return m !== old ? m : null;
  }, timeoutMs);
}

/** Pids of the processes in a host's namespace whose command line passes `test` (gone ones and zombies have none). */
export async function pidsIn(host: LabHost, test: (argv: string[]) => boolean): Promise<number[]> {
  return (await namespacePids(host.ns)).filter((pid) => {
    const argv = cmdline(pid);
    return argv !== null && test(argv);
  });
}

/** The arping announcers running on a host (not the duplicate probes, `arping -D`, that status and the conflict probe run). */
export const arpingPids = (host: LabHost): Promise<number[]> => pidsIn(host, (argv) => argv[0]!.endsWith('arping') && !argv.includes('-D')); // -D: a duplicate/conflict probe, not an announcer

/**
 * A variant of the lab's vipctl.yaml (0600 in the lab dir: it holds passwords), with `edit` applied
 * to its text; an edit that changes nothing is an error (the test would run on the lab's own config).
 */
export function configVariant(lab: Lab, name: string, edit: (yaml: string) => string): string {
  const before = readFileSync(lab.configPath, 'utf8');
  const after = edit(before);
  if (after === before) throw new Error(`config variant ${name}: the edit changed nothing`);
  const path = join(lab.dir, `${name}.yaml`);
  writeFileSync(path, after, { mode: 0o600 });
  return path;
}

/** The lab's announcer lasts 2 s (count 3, 1 s apart), which a loaded machine can outrun before a test looks for it: this one lasts a minute. */
export const longAnnouncer = (yaml: string): string => yaml.replace('\n  count: 3\n', '\n  count: 60\n');
