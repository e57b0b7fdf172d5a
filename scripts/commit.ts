// The commit a build is made from, for `vipctl --version` (src/core/version.ts):
// `git rev-parse --short=12 HEAD`, with "-dirty" when the tree has changes;
// "unknown" without git or outside a git tree (a tarball).
import { execFileSync } from 'node:child_process';

export function gitCommit(root: string): string {
  const git = (...args: string[]): string => execFileSync('git', ['-C', root, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    const rev = git('rev-parse', '--short=12', 'HEAD');
    return git('status', '--porcelain', '--untracked-files=no') ? `${rev}-dirty` : rev;
  } catch {
    return 'unknown';
  }
}
