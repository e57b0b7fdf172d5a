/** doctor's run dir line applies the commands' own ownership rule (issue 19: root's doctor said PASS for a run dir root's unbind refused). */
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { validateConfig } from '../../src/core/config';
import { checkWritable } from '../../src/doctor/checks';
import { setTrust } from '../../src/adapters/trust';
import { fakeContext } from './fakes';

const euid = process.geteuid!();
const egid = process.getegid!();
afterEach(() => setTrust(null));

function ctxFor(runDir: string) {
  const ctx = fakeContext();
  const config = validateConfig({ sentinel: { addresses: ['10.0.0.11:26379', '10.0.0.12:26379', '10.0.0.13:26379'] }, masters: { mymaster: { vip: '10.0.0.100/24' } }, runDir, log: { file: null } });
  return { ...ctx, config };
}

it('a run dir the commands refuse is a failure with the same fix, not "writable"', async () => {
  const runDir = mkdtempSync(join(tmpdir(), 'vipctl-doctor-run-'));
  chmodSync(runDir, 0o777);
  setTrust({ euid, group: 'test', gid: egid, members: [] });
  const [r] = await checkWritable(ctxFor(runDir));
  expect(r).toMatchObject({ check: 'run dir', status: 'fail', fix: `fix with: chmod o-rwx ${runDir}` });
});

it('a run dir only its owner among the service users can write: a warning with the fix that shares it', async () => {
  const runDir = mkdtempSync(join(tmpdir(), 'vipctl-doctor-run-'));
  chmodSync(runDir, 0o700);
  setTrust({ euid, group: 'test', gid: egid, members: [] });
  const [r] = await checkWritable(ctxFor(runDir));
  expect(r).toMatchObject({ status: 'warn', fix: expect.stringContaining(`chgrp test ${runDir} && chmod 2770 ${runDir}`) });
  chmodSync(runDir, 0o2770);
  expect((await checkWritable(ctxFor(runDir)))[0]).toMatchObject({ status: 'pass' });
});
