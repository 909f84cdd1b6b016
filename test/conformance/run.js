'use strict';
// Runs one conformance scenario under Node and under berth, normalises both traces
// and fails with a unified diff when they differ.
//
//   node run.js [--tls-certs=<writer>] <name> <scenario.js> <scenario-program> [timeout-seconds]
//
// With --tls-certs (the tls-* scenarios), <writer> (conformance_tls_certs) first writes a
// set of test certificates into a directory both sides read, named by $CONF_TLS_CERTS.
//
// Normalisation, in this order (see README.md): the scenario's temporary directory ->
// $TMP; in OpenSSL error lines the thread id and the source file:line -> <thread>,
// <file>:<line>; in Node's trace the scenario's declared quirks, then
// `hadError=undefined` -> `hadError=false`; lines grouped by tag (if it says `sort-by-tag`); consecutive 'data'
// lines of one tag merged (unless it says `exact-chunks`); ephemeral port numbers ->
// P1, P2... in order of first appearance.

const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const args = process.argv.slice(2);
let certWriter = null;
if (args.length && args[0].startsWith('--tls-certs=')) certWriter = args.shift().slice('--tls-certs='.length);
const [name, jsFile, cppProgram, timeoutArg] = args;
if (!name || !jsFile || !cppProgram) {
  console.error('usage: node run.js [--tls-certs=<writer>] <name> <scenario.js> <scenario-program> [timeout-seconds]');
  process.exit(2);
}
const timeoutMs = 1000 * Number(timeoutArg || 20);

// Directives: `// conformance: exact-chunks`, `// conformance: sort-by-tag`,
// `// conformance: quirk {"id": ..., "match": <regex>, "replace": <string or null>}`
// (a replacement with '\n' stands for several lines).
function directives(source) {
  const d = { exactChunks: false, sortByTag: false, quirks: [] };
  for (const m of source.matchAll(/^\/\/ conformance: (.*)$/gm)) {
    const text = m[1].trim();
    if (text === 'exact-chunks') d.exactChunks = true;
    else if (text === 'sort-by-tag') d.sortByTag = true;
    else if (text.startsWith('quirk ')) d.quirks.push(JSON.parse(text.slice(6)));
    else throw new Error(`unknown directive: ${text}`);
  }
  return d;
}

function ephemeralRange() {
  try {
    const [lo, hi] = fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (lo > 0 && hi >= lo) return [lo, hi];
  } catch {}
  return [32768, 60999];
}

function run(argv, tmp, extraEnv = {}) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(argv[0], argv.slice(1), {
      cwd: tmp, env: { ...process.env, CONF_TMP: tmp, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, timeoutMs);
    child.on('error', (e) => { stderr += String(e); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, code, signal, timedOut, ms: Date.now() - started });
    });
  });
}

function normalise(text, tmp, d, isNode, problems) {
  let lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  lines = lines.map((l) => l.split(tmp).join('$TMP'));
  // OpenSSL's error lines (ERR_print_errors) start with the thread's id and name the
  // source file and line of the OpenSSL build: they vary by run and by build.
  lines = lines.map((l) => (!/:error:[0-9A-F]{8}:/.test(l) ? l
    : l.replace(/\b[0-9A-F]{8,16}:error:/g, '<thread>:error:').replace(/:[^:"]*\.c:\d+:/g, ':<file>:<line>:')));
  if (isNode) {
    for (const quirk of d.quirks) {
      const re = new RegExp(quirk.match);
      let hits = 0;
      const out = [];
      for (const l of lines) {
        if (!re.test(l)) { out.push(l); continue; }
        hits++;
        if (quirk.replace !== null) out.push(...l.replace(re, quirk.replace).split('\n'));
      }
      if (hits === 0) problems.push(`quirk "${quirk.id}" no longer matches Node's trace: Node changed, drop the pin`);
      lines = out;
    }
    lines = lines.map((l) => l.replace(/\bhadError=undefined\b/g, 'hadError=false'));
  }
  if (d.sortByTag) {
    // The process's own lines (uncaught, exit) stay last.
    const tag = (l) => (/^(exit|uncaught) /.test(l) ? '\uffff' : l.split(' ')[0]);
    lines = lines.map((l, i) => [l, i]).sort((a, b) => (tag(a[0]) < tag(b[0]) ? -1 : tag(a[0]) > tag(b[0]) ? 1 : a[1] - b[1]))
      .map((x) => x[0]);
  }
  if (!d.exactChunks) {
    const merged = [];
    for (const l of lines) {
      const m = /^(\S+) data (".*")$/.exec(l);
      const prev = merged.length ? /^(\S+) data (".*")$/.exec(merged[merged.length - 1]) : null;
      if (m && prev && prev[1] === m[1]) {
        merged[merged.length - 1] = `${m[1]} data ${JSON.stringify(JSON.parse(prev[2]) + JSON.parse(m[2]))}`;
      } else {
        merged.push(l);
      }
    }
    lines = merged;
  }
  const [lo, hi] = ephemeralRange();
  const ports = new Map();
  lines = lines.map((l) => l.replace(/(?<![\d.])\d{4,5}(?![\d.])/g, (n) => {
    const v = Number(n);
    if (v < lo || v > hi) return n;
    if (!ports.has(v)) ports.set(v, 'P' + (ports.size + 1));
    return ports.get(v);
  }));
  return lines;
}

// A unified diff of two line arrays (LCS; traces are short).
function unifiedDiff(a, b, labelA, labelB, context = 3) {
  const n = a.length;
  const m = b.length;
  const lcs = Array.from({ length: n + 1 }, () => new Int32Array(m + 1));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const ops = [];  // [' '|'-'|'+', text, indexA, indexB]
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) { ops.push([' ', a[i], i, j]); i++; j++; }
    else if (i < n && (j === m || lcs[i + 1][j] >= lcs[i][j + 1])) { ops.push(['-', a[i], i, j]); i++; }
    else { ops.push(['+', b[j], i, j]); j++; }
  }
  const out = [`--- ${labelA}`, `+++ ${labelB}`];
  const changed = ops.map((o, idx) => (o[0] === ' ' ? -1 : idx)).filter((idx) => idx >= 0);
  let c = 0;
  while (c < changed.length) {
    let last = c;
    while (last + 1 < changed.length && changed[last + 1] - changed[last] <= 2 * context) last++;
    const hunk = ops.slice(Math.max(0, changed[c] - context), Math.min(ops.length, changed[last] + context + 1));
    const aLen = hunk.filter((o) => o[0] !== '+').length;
    const bLen = hunk.filter((o) => o[0] !== '-').length;
    out.push(`@@ -${hunk[0][2] + (aLen ? 1 : 0)},${aLen} +${hunk[0][3] + (bLen ? 1 : 0)},${bLen} @@`);
    for (const o of hunk) out.push(o[0] + o[1]);
    c = last + 1;
  }
  return out.join('\n');
}

function tail(text, n = 30) {
  const lines = text.trimEnd().split('\n');
  return lines.slice(-n).map((l) => '    ' + l).join('\n');
}

function describeExit(r) {
  if (r.timedOut) return `killed after ${timeoutMs / 1000} s (the scenario did not end by itself)`;
  if (r.signal) return `killed by ${r.signal}`;
  return `exit code ${r.code}`;
}

(async () => {
  if (!fs.existsSync(cppProgram)) {
    console.log(`${name}: ${cppProgram} does not exist: build the conformance programs first (cmake --build)`);
    process.exitCode = 1;
    return;
  }
  const source = fs.readFileSync(jsFile, 'utf8');
  const d = directives(source);
  const base = fs.mkdtempSync(path.join(os.tmpdir(), `berth-conf-${name}-`));
  const tmpNode = path.join(base, 'n');
  const tmpCpp = path.join(base, 'c');
  fs.mkdirSync(tmpNode);
  fs.mkdirSync(tmpCpp);
  let node;
  let cpp;
  try {
    const env = {};
    if (certWriter) {
      // One set of certificates, read by both sides (README.md, "TLS scenarios").
      const certs = path.join(base, 'certs');
      fs.mkdirSync(certs);
      const w = await run([path.resolve(certWriter), certs], base);
      if (w.code !== 0) {
        console.log(`${name}: ${certWriter} failed (${describeExit(w)}):\n${tail(w.stdout + w.stderr)}`);
        process.exitCode = 1;
        return;
      }
      env.CONF_TLS_CERTS = certs;
    }
    [node, cpp] = await Promise.all([run([process.execPath, path.resolve(jsFile)], tmpNode, env),
      run([path.resolve(cppProgram)], tmpCpp, env)]);
  } finally {
    fs.rmSync(base, { recursive: true, force: true });
  }
  const problems = [];
  const a = normalise(node.stdout, tmpNode, d, true, problems);
  const b = normalise(cpp.stdout, tmpCpp, d, false, problems);
  const same = a.length === b.length && a.every((l, i) => l === b[i]);
  const exitsAgree = node.timedOut === cpp.timedOut && node.signal === cpp.signal && node.code === cpp.code;
  if (node.timedOut) problems.push('node ' + describeExit(node));
  if (cpp.timedOut) problems.push('berth ' + describeExit(cpp));
  if (!exitsAgree) problems.push(`exit differs: node ${describeExit(node)}, berth ${describeExit(cpp)}`);
  if (same && problems.length === 0) {
    console.log(`${name}: traces match (${a.length} lines; node ${node.ms} ms, berth ${cpp.ms} ms)`);
    return;
  }
  console.log(`${name}: berth differs from Node v${process.versions.node}`);
  for (const p of problems) console.log('  ' + p);
  if (!same) console.log(unifiedDiff(a, b, `node ${jsFile}`, `berth ${cppProgram}`));
  if (node.stderr.trim()) console.log(`node stderr:\n${tail(node.stderr)}`);
  if (cpp.stderr.trim()) console.log(`berth stderr:\n${tail(cpp.stderr)}`);
  process.exitCode = 1;
})();
