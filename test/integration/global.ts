// Integration runs: as root, install what the lab needs when it is missing
// (the same apt step `vipctl lab` takes), and whatever happens, no lab
// outlives the run.
import { Lab } from '../../src/lab/lab';
import { ensureLabPrereqs, missingTools } from '../../src/lab/prereqs';
import { TEST_LAB_DIR } from './support';

export async function setup(): Promise<void> {
  if (process.getuid?.() === 0 && missingTools().length > 0) await ensureLabPrereqs((line) => process.stderr.write(`${line}\n`));
}

export async function teardown(): Promise<void> {
  if (process.getuid?.() !== 0) return;
  for (const id of Lab.list(TEST_LAB_DIR)) await Lab.load(id, TEST_LAB_DIR).down();
}
