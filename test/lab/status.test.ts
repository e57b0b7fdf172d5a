import { describe, expect, it } from 'vitest';
import { formatLabStatus, majorityNode, type LabNodeStatus, type LabStatus } from '../../src/lab/status';

const node = (name: string, ip: string, says: string | null, role: string | null, holdsVip = false): LabNodeStatus => ({
  name, ip, mac: `02:00:00:00:00:${ip.slice(-2)}`, holdsVip, sentinelSays: says, ...(says ? {} : { sentinelError: 'no answer' }), role,
});

describe('majorityNode', () => {
  it.each<[string, LabNodeStatus[], string | null]>([
    ['all agree', [node('n1', '198.18.0.11', '198.18.0.11:6379', 'master'), node('n2', '198.18.0.12', '198.18.0.11:6379', 'slave'), node('n3', '198.18.0.13', '198.18.0.11:6379', 'slave')], 'n1'],
    ['two of three', [node('n1', '198.18.0.11', null, null), node('n2', '198.18.0.12', '198.18.0.12:6379', 'master'), node('n3', '198.18.0.13', '198.18.0.12:6379', 'slave')], 'n2'],
    ['one of three', [node('n1', '198.18.0.11', '198.18.0.11:6379', null), node('n2', '198.18.0.12', null, null), node('n3', '198.18.0.13', null, null)], null],
    ['IPv6 (colons in the address)', [node('n1', 'fd00::11', 'fd00::12:6379', 'slave'), node('n2', 'fd00::12', 'fd00::12:6379', 'master'), node('n3', 'fd00::13', 'fd00::13:6379', 'slave')], 'n2'],
    ['host names (lab up --hostnames)', [node('n1', '198.18.0.11', 'n3.vipctl-lab:6379', 'slave'), node('n2', '198.18.0.12', 'n3.vipctl-lab:6379', 'slave'), node('n3', '198.18.0.13', null, null)], 'n3'],
    ['a name of no lab node', [node('n1', '198.18.0.11', 'n9.vipctl-lab:6379', 'slave'), node('n2', '198.18.0.12', 'n9.vipctl-lab:6379', 'slave'), node('n3', '198.18.0.13', null, null)], null],
  ])('%s', (_n, nodes, m) => expect(majorityNode(nodes)).toBe(m));
});

describe('formatLabStatus', () => {
  it('one screen: a row per node and a summary line that flags two holders', () => {
    const s: LabStatus = {
      id: 'x', mode: 'hook', vip: '198.18.0.100', sentinelMaster: 'n1',
      nodes: [node('n1', '198.18.0.11', '198.18.0.11:6379', 'master', true), node('n2', '198.18.0.12', null, null, true)],
      clientArp: { mac: '02:00:00:00:00:11', node: 'n1' },
    };
    expect(formatLabStatus(s)).toEqual([
      'lab x (mode hook), VIP 198.18.0.100',
      'NODE  IP           HOLDS VIP  ITS SENTINEL SAYS  REDIS ROLE  MAC',
      'n1    198.18.0.11  yes        198.18.0.11:6379   master      02:00:00:00:00:11',
      'n2    198.18.0.12  yes        no answer          down        02:00:00:00:00:12',
      "Sentinel majority: n1; VIP held by: n1, n2 (more than one host!); client's ARP entry for the VIP: 02:00:00:00:00:11 (n1)",
    ]);
  });
});
