#!/usr/bin/env node
// Adds the lockfile entries npm leaves out when a platform-specific optional package (another OS or
// CPU) is missing from the registry mirror used to write the lock. `npm ci` insists on an entry for
// every optional dependency, but never installs one whose os/cpu do not match, so an entry with the
// package's os/cpu and no download address is exactly what a complete registry would have produced.
// Usage: node scripts/complete-lockfile.mjs [path/to/package-lock.json]
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

const file = process.argv[2] ?? 'package-lock.json';
const lock = JSON.parse(readFileSync(file, 'utf8'));
const packages = lock.packages;
let added = 0;

function platformOf(name) {
  try {
    const out = execFileSync('npm', ['view', name, 'os', 'cpu', 'libc', '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return out.trim() ? JSON.parse(out) : {};
  } catch {
    return {};
  }
}

for (const [path, entry] of Object.entries(packages)) {
  for (const [name, spec] of Object.entries(entry.optionalDependencies ?? {})) {
    const base = path === '' ? '' : `${path}/`;
    if (packages[`${base}node_modules/${name}`] || packages[`node_modules/${name}`]) continue;
    const platform = platformOf(name);
    const record = { version: spec.replace(/^[\^~=]/, ''), optional: true };
    if (entry.dev) record.dev = true;
    for (const key of ['os', 'cpu', 'libc']) if (platform[key]) record[key] = [].concat(platform[key]);
    packages[`node_modules/${name}`] = record;
    added++;
  }
}

lock.packages = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
writeFileSync(file, JSON.stringify(lock, null, 2) + '\n');
console.log(`${file}: added ${added} platform-specific optional entries`);
