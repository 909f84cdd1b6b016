'use strict';
// Checks README.md's tables against scenarios/: every behaviour 1..96 has a row, every
// TLS row names a scenario, every scenario a row names exists as a .js/.cpp pair, and
// every scenario is named somewhere.
//
//   node check-coverage.js <README.md> <scenarios-dir>

const fs = require('fs');
const path = require('path');

const [readme, dir] = process.argv.slice(2);
const text = fs.readFileSync(readme, 'utf8');
const problems = [];

const section = (title) => {
  const start = text.indexOf(title);
  if (start < 0) throw new Error(`README.md has no "${title}" section`);
  const end = text.indexOf('\n## ', start + 1);
  return text.slice(start, end < 0 ? undefined : end);
};
const namesIn = (cell) => [...cell.matchAll(/`([a-z0-9-]+)`/g)].map((m) => m[1]);

const behaviours = new Map();
for (const row of section('## Behaviours').split('\n')) {
  const cells = row.split('|').map((c) => c.trim());
  if (!/^\d+$/.test(cells[1] || '')) continue;
  behaviours.set(Number(cells[1]), namesIn(cells[3]));
}
const examples = [];
for (const row of section('## The spec\'s code examples').split('\n')) {
  const cells = row.split('|').map((c) => c.trim());
  if (/^\d+$/.test(cells[1] || '')) examples.push(...namesIn(cells[3]));
}

// The TLS scenarios (issue 13's list): rows T1, T2, ...
const tlsRows = [];
for (const row of section('## TLS scenarios').split('\n')) {
  const cells = row.split('|').map((c) => c.trim());
  if (/^T\d+$/.test(cells[1] || '')) tlsRows.push([cells[1], namesIn(cells[3])]);
}

const named = new Set(examples);
for (const [id, list] of tlsRows) {
  if (list.length === 0) problems.push(`TLS row ${id} has no scenario`);
  list.forEach((s) => named.add(s));
}
for (let n = 1; n <= 96; n++) {
  const list = behaviours.get(n);
  if (!list || list.length === 0) problems.push(`behaviour ${n} has no scenario`);
  else list.forEach((s) => named.add(s));
}
const onDisk = new Set(fs.readdirSync(dir).filter((f) => f.endsWith('.js')).map((f) => f.slice(0, -3)));
for (const s of named) {
  if (!onDisk.has(s) || !fs.existsSync(path.join(dir, s + '.cpp'))) problems.push(`scenario ${s} is named but missing`);
}
for (const s of onDisk) if (!named.has(s)) problems.push(`scenario ${s} is in no table`);

if (problems.length) {
  console.log(problems.join('\n'));
  process.exitCode = 1;
} else {
  console.log(`96/96 behaviours, ${examples.length} example rows and ${tlsRows.length} TLS rows covered by ` +
    `${onDisk.size} scenarios`);
}
