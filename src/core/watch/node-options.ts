/**
 * V8 options the watcher runs with (deploy/vipctl-watch.service sets them as
 * NODE_OPTIONS; the lab starts its watchers the same way; WATCH_NODE_FLAGS below: the flags NODE_OPTIONS cannot carry).
 *
 * `--max-semi-space-size=2` caps V8's young generation at 2 MB per
 * semi-space instead of Node 20's default of 16 MB. A watcher allocates in
 * short bursts (one pass: a few Sentinel replies, one `ip -json` read, a log
 * line per master) and keeps little, so the big nursery was mostly empty
 * pages that stay resident: measured with 50 masters (bench:masters, one
 * watcher, 8 samples after 12 s), RSS median 99 MB by default, 76 MB with 1 MB,
 * 74 MB with 2 MB. Scavenges get more frequent but each is smaller; the
 * level-pass time did not move (README, Performance). The old generation is
 * left alone: a cap there trades memory for a crash.
 */
export const WATCH_NODE_OPTIONS = '--max-semi-space-size=2';

/**
 * V8 flags the watcher runs with on node's command line (Node refuses them
 * in NODE_OPTIONS): deploy/vipctl-watch.service starts it as
 * `/usr/bin/env node <flags> /opt/vipctl/bin/vipctl watch` (the node the
 * shebang would find), the lab the same way.
 *
 * `--optimize-for-size` makes V8 grow the old generation more slowly after
 * each full GC and compact it harder. What a 50-master watcher's heap holds
 * after a full GC is about 9 MB (1 MB more than with one master); between
 * full GCs the old generation filled with promoted garbage up to ~21-26 MB
 * under V8's default growth factor. Measured on one watcher with 50 masters
 * at log level debug (30 s, samples after 8 s, two runs each, interleaved,
 * load 0.1-1.3): RSS median 74.8 / 75.6 MB without, 64.1 / 65.2 MB with; the
 * old generation 21 MB -> 15 MB; CPU time over the 30 s 2.0 / 1.9 s without,
 * 2.2 / 1.8 s with; level pass median 32 / 27 ms without, 36 / 27 ms with
 * (noise). No cap on the heap: a leak still grows, it does not crash.
 */
export const WATCH_NODE_FLAGS: readonly string[] = ['--optimize-for-size'];

/**
 * Which of the unit's V8 flags and options this process lacks (a watcher
 * started by hand): from node's own argv (`process.execArgv`) and
 * NODE_OPTIONS. The watcher says so in one warning line at start.
 */
export function missingV8Options(execArgv: readonly string[], nodeOptions: string | undefined): string[] {
  const given = new Set([...execArgv, ...(nodeOptions ?? '').split(/\s+/).filter(Boolean)]);
  return [...WATCH_NODE_FLAGS, ...WATCH_NODE_OPTIONS.split(/\s+/)].filter((o) => !given.has(o));
}
