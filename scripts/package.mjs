// npm run package: dist/pkg/vipctl_<version>_amd64.deb and, beside it, the bare
// executables (dist/pkg/vipctl, dist/pkg/vipctl-hook, with dist/pkg/fs_ext.node). No network.
//
// 1. esbuild: the whole CLI as one CommonJS file (src/sea.ts; a SEA's require
//    loads only builtins, so every dependency is bundled, dynamic imports inlined);
// 2. node --experimental-sea-config (useCodeCache) makes the blob, postject puts
//    it into a stripped copy of this node (process.execPath);
// 3. the tree of the package (packaging/, deploy/), the man page from --help,
//    Depends from dpkg-shlibdeps, then dpkg-deb --root-owner-group.
// Needs the built dist/ (npm run build, which "package" runs first) and dpkg-dev;
// runs under tsx (package.json) for its TypeScript helpers, tested in test/packaging/.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { gitCommit } from './commit.ts';
import { manPage } from './man.ts';
import { packagedWatchUnit } from './units.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const out = join(root, 'dist', 'pkg');
const work = join(out, 'work');
const tree = join(work, 'root');
const sh = (file, args, opts = {}) => execFileSync(file, args, { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', ...opts });
const step = (s) => process.stderr.write(`package: ${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s ${s}\n`);
const started = Date.now();
// Maintainer of the package (control, changelog): $VIPCTL_MAINTAINER, e.g. your release team's address.
const maintainer = process.env.VIPCTL_MAINTAINER || 'vipctl developers <vipctl@example.org>';

rmSync(out, { recursive: true, force: true });
mkdirSync(work, { recursive: true });

/** One entry (src/sea.ts, src/sea-hook.ts) bundled into work/NAME.cjs; `metaUrlBanner`: the JS that defines what import.meta.url is there. */
function bundle(entry, name, metaUrlBanner) {
  return build({
    entryPoints: [join(root, entry)],
    outfile: join(work, name),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'warning',
    absWorkingDir: root,
    external: ['fs-ext'], // loaded by process.dlopen instead (src/adapters/flock.ts)
    define: { __VIPCTL_COMMIT__: JSON.stringify(commit), 'import.meta.url': '__vipctlMetaUrl' },
    banner: { js: metaUrlBanner },
  });
}

/** A copy of this node, stripped of its debug info (most of its size, none of its function), with `blob` injected: a single executable at `path`. */
function seaExecutable(path, blob) {
  copyFileSync(process.execPath, path);
  chmodSync(path, 0o755);
  sh('strip', ['--strip-all', path], { stdio: 'ignore' }); // (it warns of node's many notes)
  sh(process.execPath, [join(root, 'node_modules/postject/dist/cli.js'), path, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2'], { stdio: ['ignore', 'ignore', 'inherit'] });
}

// 1. the bundle
const commit = gitCommit(root);
step(`bundle (commit ${commit})`);
// import.meta.url in the executable: the executable's own URL
await bundle('src/sea.ts', 'vipctl.cjs', "var __vipctlMetaUrl = require('node:url').pathToFileURL(process.execPath).href;");

// 2. the executable
step('single executable');
const seaConfig = join(work, 'sea-config.json');
// the hook's bundle and its warmed code cache, as dist/ has them (src/sea.ts runs them for the hook form)
const assets = { 'hook.cjs': join(root, 'dist/hook.cjs'), 'hook.cjs.v8cache': join(root, 'dist/hook.cjs.v8cache') };
writeFileSync(seaConfig, JSON.stringify({ main: join(work, 'vipctl.cjs'), output: join(work, 'sea.blob'), disableExperimentalSEAWarning: true, useCodeCache: true, assets }));
sh(process.execPath, ['--experimental-sea-config', seaConfig], { stdio: ['ignore', 'ignore', 'inherit'] });
const exe = join(out, 'vipctl');
seaExecutable(exe, join(work, 'sea.blob'));

// 2b. the hook's executable (src/sea-hook.ts): a V8 startup snapshot of the
//     hook's modules, warmed; Sentinel's client-reconfig-script. Its own file,
//     because V8 refuses a snapshot under other V8 flags (the watcher's NODE_OPTIONS).
step('hook executable (startup snapshot)');
// import.meta.url, evaluated when the snapshot is made: only a placeholder (the code that needs a path uses process.execPath in an executable)
await bundle('src/sea-hook.ts', 'vipctl-hook.cjs', "var __vipctlMetaUrl = 'file:///usr/lib/vipctl/vipctl-hook';");
const hookConfig = join(work, 'sea-hook-config.json');
writeFileSync(hookConfig, JSON.stringify({ main: join(work, 'vipctl-hook.cjs'), output: join(work, 'sea-hook.blob'), disableExperimentalSEAWarning: true, useSnapshot: true }));
// Node warns that some builtins are "not yet fully verified" in a snapshot (module, child_process, worker_threads): the lab tests and the bare-root test run this executable
sh(process.execPath, ['--experimental-sea-config', hookConfig], { stdio: ['ignore', 'ignore', 'pipe'] });
const hookExe = join(out, 'vipctl-hook');
seaExecutable(hookExe, join(work, 'sea-hook.blob'));

const addon = join(out, 'fs_ext.node');
copyFileSync(join(root, 'node_modules/fs-ext/build/Release/fs_ext.node'), addon);
sh('strip', ['--strip-unneeded', addon]);
chmodSync(addon, 0o644);
const shown = sh(exe, ['--version']).trim();
if (shown !== `${version} (commit ${commit})`) throw new Error(`the executable says ${JSON.stringify(shown)}`);
const hookShown = sh(hookExe, ['--version']).trim();
if (hookShown !== shown) throw new Error(`the hook executable says ${JSON.stringify(hookShown)}`);

// 3. the package's tree
step('package tree');
const put = (rel, content, mode = 0o644) => {
  const path = join(tree, rel);
  mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
  if (typeof content === 'string' || Buffer.isBuffer(content)) writeFileSync(path, content);
  else copyFileSync(content.from, path);
  chmodSync(path, mode);
};
const gz = (text) => gzipSync(text, { level: 9 }); // no name, no time in the header: reproducible
put('usr/bin/vipctl', { from: exe }, 0o755);
put('usr/lib/vipctl/fs_ext.node', { from: addon });
put('usr/lib/vipctl/vipctl-hook', { from: hookExe }, 0o755);
put('lib/systemd/system/vipctl-watch.service', packagedWatchUnit(readFileSync(join(root, 'deploy/vipctl-watch.service'), 'utf8')));
// Sentinel's hook without capabilities: the helper's socket and service (inactive) and the
// drop-in that goes with them (src/hook-relay.ts); the git tree's drop-in (ambient capabilities) is for bin/vipctl
put('lib/systemd/system/vipctl-hook.socket', readFileSync(join(root, 'deploy/vipctl-hook.socket')));
put('lib/systemd/system/vipctl-hook@.service', readFileSync(join(root, 'deploy/vipctl-hook@.service')));
put('usr/share/vipctl/redis-sentinel.service.d/vipctl.conf', readFileSync(join(root, 'deploy/redis-sentinel.service.d/vipctl-package.conf')));
put('etc/vipctl/vipctl.yaml.example', readFileSync(join(root, 'vipctl.yaml.example')));
const date = new Date(Number(sh('git', ['-C', root, 'log', '-1', '--format=%ct']).trim() || Date.now() / 1000) * 1000);
put('usr/share/man/man8/vipctl.8.gz', gz(manPage([process.execPath, join(root, 'bin/vipctl')], { version, date: date.toISOString().slice(0, 10) })));
put('usr/share/lintian/overrides/vipctl', readFileSync(join(root, 'packaging/lintian-overrides')));
put('usr/share/doc/vipctl/copyright', readFileSync(join(root, 'packaging/copyright')));
put('usr/share/doc/vipctl/README.md.gz', gz(readFileSync(join(root, 'README.md'))));
for (const f of readdirSync(join(root, 'docs')).filter((n) => n.endsWith('.md'))) put(`usr/share/doc/vipctl/docs/${f}.gz`, gz(readFileSync(join(root, 'docs', f))));
put('usr/share/doc/vipctl/examples/sentinel.conf.example', readFileSync(join(root, 'sentinel.conf.example')));
put('usr/share/doc/vipctl/changelog.gz', gz(`vipctl (${version}) unstable; urgency=medium\n\n  * Built from commit ${commit}.\n\n -- ${maintainer}  ${date.toUTCString().replace(/GMT$/, '+0000')}\n`));

// DEBIAN/
const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else files.push(path);
  }
};
walk(tree);
const debian = join(tree, 'DEBIAN');
mkdirSync(debian, { mode: 0o755 });
writeFileSync(join(debian, 'md5sums'), files.map((f) => `${createHash('md5').update(readFileSync(f)).digest('hex')}  ${relative(tree, f)}\n`).join(''));
writeFileSync(join(debian, 'conffiles'), files.filter((f) => relative(tree, f).startsWith('etc/')).map((f) => `/${relative(tree, f)}\n`).join(''));
// Depends on the shared libraries the executable and the addon link, as dpkg-shlibdeps finds them
mkdirSync(join(work, 'shlibs', 'debian'), { recursive: true });
writeFileSync(join(work, 'shlibs', 'debian', 'control'), 'Source: vipctl\n\nPackage: vipctl\nArchitecture: amd64\n');
const shlibs = sh('dpkg-shlibdeps', ['-O', '--warnings=0', join(tree, 'usr/bin/vipctl'), join(tree, 'usr/lib/vipctl/vipctl-hook'), join(tree, 'usr/lib/vipctl/fs_ext.node')], { cwd: join(work, 'shlibs') })
  .trim()
  .replace(/^shlibs:Depends=/, '');
const size = Math.ceil(files.reduce((n, f) => n + statSync(f).size, 0) / 1024);
writeFileSync(join(debian, 'control'), readFileSync(join(root, 'packaging/control'), 'utf8').replace('@VERSION@', version).replace('@SIZE@', String(size)).replace('@SHLIBS@', shlibs).replace('@MAINTAINER@', maintainer));
for (const s of ['postinst', 'postrm']) {
  copyFileSync(join(root, 'packaging', s), join(debian, s));
  chmodSync(join(debian, s), 0o755);
}

// gzip: lintian (Debian's archive) takes gzip and xz only, and xz takes minutes on 88 MB on a busy 2-core machine
step('dpkg-deb');
const deb = join(out, `vipctl_${version}_amd64.deb`);
sh('dpkg-deb', ['--root-owner-group', '-Zgzip', '-z6', '--build', tree, deb], { stdio: ['ignore', 'ignore', 'inherit'] });
rmSync(work, { recursive: true, force: true });
step(`${relative(root, deb)} (${Math.round(statSync(deb).size / 1e6)} MB) and ${relative(root, exe)}, in ${((Date.now() - started) / 1000).toFixed(0)} s`);
