/** A scratch network namespace with one veth pair (d0 <-> d0p) for the links view and ip batch tests; removed by name. */
import { run } from '../../src/adapters/run';

export interface Scratch {
  ns: string;
  ip: (...args: string[]) => Promise<void>;
  remove: () => Promise<void>;
}

export async function scratchNetns(tag: string): Promise<Scratch> {
  const ns = `vipctl-${tag}-${process.pid}`;
  const ip = async (...args: string[]): Promise<void> => {
    const r = await run(['ip', '-n', ns, ...args]);
    if (r.exitCode !== 0) throw new Error(`ip -n ${ns} ${args.join(' ')}: ${r.stderr}`);
  };
  const add = await run(['ip', 'netns', 'add', ns]);
  if (add.exitCode !== 0) throw new Error(`ip netns add ${ns}: ${add.stderr}`);
  await ip('link', 'add', 'd0', 'type', 'veth', 'peer', 'name', 'd0p');
  await ip('link', 'set', 'd0p', 'up');
  await ip('link', 'set', 'd0', 'up');
  await ip('link', 'set', 'lo', 'up');
  return { ns, ip, remove: async () => void (await run(['ip', 'netns', 'del', ns])) };
}
