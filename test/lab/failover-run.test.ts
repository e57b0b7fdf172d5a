import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { probeArgv } from '../../src/lab/failover-run';
import { repoRoot } from '../../src/lab/lab';
import { topology } from '../../src/lab/topology';

describe('the failover probe', () => {
  it("is this checkout's bin/vipctl in the client's namespace, never the vipctl the nodes run (LabOptions.vipctl)", () => {
    const topo = topology('t1');
    const argv = probeArgv({ topo, tlsDir: null });
    // before: process.execPath <lab.hookPath>, which with LabOptions.vipctl is a shell wrapper node cannot run
    expect(argv.slice(0, 7)).toEqual(['netns', 'exec', topo.client.ns, process.execPath, join(repoRoot(), 'bin', 'vipctl'), 'lab', 'probe']);
    expect(argv).toContain('--roles');
    expect(probeArgv({ topo, tlsDir: null }, { roles: false })).not.toContain('--roles');
  });
});
