// Whatever happens in the integration tests, no lab outlives the run.
import { Lab } from '../../src/lab/lab';
import { TEST_LAB_DIR } from './support';

export async function teardown(): Promise<void> {
  if (process.getuid?.() !== 0) return;
  for (const id of Lab.list(TEST_LAB_DIR)) await Lab.load(id, TEST_LAB_DIR).down();
}
