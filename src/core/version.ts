/**
 * What `vipctl --version` prints: the package version and the commit the
 * build was made from. scripts/build.mjs and scripts/package.mjs define
 * __VIPCTL_COMMIT__ (git rev-parse at build time, "unknown" without git);
 * run from source (tsx, vitest) it is "unknown" too.
 */
import { version } from '../../package.json';

declare const __VIPCTL_COMMIT__: string;

export const COMMIT: string = typeof __VIPCTL_COMMIT__ === 'string' ? __VIPCTL_COMMIT__ : 'unknown';

export function versionText(): string {
  return `${version} (commit ${COMMIT})`;
}
