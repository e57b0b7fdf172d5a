/**
 * V8 options the watcher runs with (deploy/vipctl-watch.service sets them as
 * NODE_OPTIONS; the lab starts its watchers the same way).
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
