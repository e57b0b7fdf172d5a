/**
 * Shared by the `*.root.test.ts` files: they need root and real
 * redis-server/redis-sentinel. On a laptop without root they skip; with
 * CI=true a missing privilege or tool is a failure, never a skip.
 */
import { describe, it } from 'vitest';
import { Lab, type LabOptions } from '../../src/lab/lab';
import { missingTools } from '../../src/lab/prereqs';

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
export { parseLogLines as parseLog } from '../../src/adapters/log-lines';
