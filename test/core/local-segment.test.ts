import { expect, it } from 'vitest';
import { parseCidr } from '../../src/core/address';
import type { MasterConfig } from '../../src/core/config';
import { judgeSegment, isWellKnownBridge } from '../../src/core/doctor-segment';
import { offSegmentAddresses, segmentAddresses, type Link } from '../../src/core/local';
import { desiredFromMaster } from '../../src/core/desired';

const link = (ifname: string, cidrs: string[]): Link => ({ ifname, up: true, mac: '02:00:00:00:00:01', addresses: cidrs.map((c) => ({ address: parseCidr(c)!.address, prefix: parseCidr(c)!.prefix, family: parseCidr(c)!.family })) });
const master = (vip: string, iface?: string): MasterConfig => ({ name: 'mymaster', vip: parseCidr(vip)!, ...(iface ? { interface: iface } : {}) });

// docker0's address is on every host: 198.19.255.1/32 in the lab finding, 172.17.0.1/16 in life
const LINKS = [link('lo', ['127.0.0.1/8', '::1/128']), link('eth0', ['198.18.0.11/24', '198.18.0.100/24', 'fd00::11/64', 'fe80::1/64']), link('docker0', ['198.19.255.1/32', '172.17.0.1/16']), link('eth1', ['10.9.0.11/24'])];

it("counts only addresses on the VIP's segment: the configured interface's, else those in the VIP's subnet (VIPs excluded)", () => {
  expect([...segmentAddresses(master('198.18.0.100/24'), LINKS, ['198.18.0.100'])]).toEqual(['198.18.0.11']);
  expect([...segmentAddresses(master('198.18.0.100/24', 'eth0'), LINKS, ['198.18.0.100'])]).toEqual(['198.18.0.11', 'fd00::11', 'fe80::1']);
  expect([...segmentAddresses(master('fd00::100/64'), LINKS, ['fd00::100'])]).toEqual(['fd00::11']);
  // a /32 VIP, interface autodetected: the interface address whose subnet holds it
  expect([...segmentAddresses(master('198.18.0.100/32'), LINKS, ['198.18.0.100'])]).toEqual(['198.18.0.11']);
  expect([...offSegmentAddresses(master('198.18.0.100/24', 'eth0'), LINKS, ['198.18.0.100'])]).toEqual(['127.0.0.1', '::1', '198.19.255.1', '172.17.0.1', '10.9.0.11']);
});

it('a master on an address every host has (a bridge) is never this host', () => {
  const local = segmentAddresses(master('198.18.0.100/24'), LINKS, ['198.18.0.100']);
  expect(desiredFromMaster('198.19.255.1:6379', local).desired).toBe('elsewhere');
  expect(desiredFromMaster('172.17.0.1:6379', local).desired).toBe('elsewhere');
  expect(desiredFromMaster('198.18.0.11:6379', local).desired).toBe('here');
});

it('doctor warns when a Sentinel names an address of ours off the segment, and about bridge addresses', () => {
  const off = new Map([['198.19.255.1', 'docker0'], ['10.9.0.11', 'eth1']]);
  const r = judgeSegment('mymaster', ['198.19.255.1'], off);
  expect(r).toHaveLength(2);
  expect(r[0]).toMatchObject({ status: 'warn', detail: expect.stringMatching(/^Sentinel names 198\.19\.255\.1 \(on docker0 here.*the VIP goes nowhere/) });
  expect(r[1]).toMatchObject({ status: 'warn', detail: expect.stringMatching(/^198\.19\.255\.1 \(docker0\): a bridge address/) });
  expect(judgeSegment('mymaster', ['198.18.0.12'], new Map([['10.9.0.11', 'eth1']]))).toEqual([expect.objectContaining({ status: 'pass' })]);
  expect(['docker0', 'virbr0', 'br-3f2a9c1d', 'podman0', 'cni0'].every(isWellKnownBridge)).toBe(true);
  expect(['eth0', 'ens3', 'bond0', 'br0x'].some(isWellKnownBridge)).toBe(false);
});
