// `npm ci` in statemachine/ unless node_modules already holds what package-lock.json pins. The
// Maven build of local-run runs this (any Node 20 or later; npm then brings Node 22 for the runner).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const hash = createHash('sha256')
  .update(readFileSync(path.join(dir, 'package.json')))
  .update(readFileSync(path.join(dir, 'package-lock.json')))
  .digest('hex');
const marker = path.join(dir, 'node_modules', '.rds2bq-installed');
const installed = existsSync(marker) && readFileSync(marker, 'utf8').trim() === hash
  && existsSync(path.join(dir, 'node_modules', 'aws-local-stepfunctions', 'package.json'));
if (installed) {
  console.log(`statemachine/node_modules is up to date (${hash.slice(0, 12)})`);
  process.exit(0);
}
console.log('installing aws-local-stepfunctions and Node 22 into statemachine/node_modules (npm ci)...');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const result = spawnSync(npm, ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, stdio: 'inherit',
  shell: process.platform === 'win32' });
if (result.status !== 0) {
  console.error(`npm ci failed in ${dir} (${result.error ?? 'exit ' + result.status})`);
  process.exit(result.status || 1);
}
writeFileSync(marker, hash + '\n');
