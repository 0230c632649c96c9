#!/usr/bin/env node
// A Gantry remote worker in plain Node.js 20+: the built-in fetch and node: modules, no npm packages.
//
// It claims jobs from `gantry server` with a long-poll, runs them (a few at a time), reports
// progress with per-item results through heartbeats (which also renew the lease), completes them
// with a result, and fails an attempt retryably when the work throws. It exits after MAX_JOBS
// attempts, or on SIGTERM / Ctrl-C once the jobs it holds are done. See README.md.

import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';

const env = process.env;
const config = {
  url: (env.GANTRY_URL ?? 'http://127.0.0.1:8080').replace(/\/+$/, ''),
  apiKey: env.GANTRY_API_KEY,
  queues: (env.GANTRY_QUEUES ?? 'files').split(',').map((q) => q.trim()).filter(Boolean),
  workerId: env.WORKER_ID ?? `node-${hostname()}-${process.pid}`,
  concurrency: positiveInt('CONCURRENCY', 2),
  maxJobs: positiveInt('MAX_JOBS', Infinity),
  leaseSeconds: positiveInt('LEASE_SECONDS', 30),
  waitSeconds: positiveInt('WAIT_SECONDS', 20),
  itemMillis: positiveInt('ITEM_MS', 200),
};

function positiveInt(name, fallback) {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) fail(`${name} must be a positive integer, got '${text}'`);
  return n;
}

function fail(message) {
  console.error(`worker: ${message}`);
  process.exit(2);
}

function log(message) {
  console.log(`${new Date().toISOString()} ${message}`);
}

if (!config.apiKey) fail('set GANTRY_API_KEY to a key with role worker (gantry keys create --name ... --role worker)');

// ---- the HTTP API ----

class ApiError extends Error {
  constructor(status, problem) {
    super(`${status} ${problem?.title ?? ''}: ${problem?.detail ?? 'no detail'}`);
    this.status = status;
    this.type = problem?.type;
  }
}

async function api(path, body, signal) {
  const response = await fetch(config.url + path, {
    method: 'POST',
    headers: { Authorization: `Bearer ${config.apiKey}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
    signal,
  });
  const json = await response.json();
  if (!response.ok) throw new ApiError(response.status, json);
  return json;
}

const leaseLost = (e) => e instanceof ApiError && (e.status === 409 || e.status === 404);

// ---- the work: one handler per kind ----

/** Thrown by report() when the job must stop: its lease is gone, or an operator cancelled it. */
class StopJob extends Error {}

const handlers = {
  // Checksums a list of "files" (here just their names), one item result per file. An item whose
  // name contains "unreadable" fails on its own without failing the job; `fail_attempts: n` makes
  // attempts 1..n fail after the first file (a simulated crash, retried by the server).
  async 'files.checksum'(job, report) {
    const files = job.args?.files ?? [];
    const items = [];
    for (const [i, file] of files.entries()) {
      await delay(config.itemMillis); // stands for real work
      if (i === 1 && job.attempt <= (job.args?.fail_attempts ?? 0)) {
        throw new Error(`simulated failure on attempt ${job.attempt}`);
      }
      items.push(file.includes('unreadable')
        ? { item: file, status: 'failed', error: 'unreadable' }
        : { item: file, status: 'ok', sha256: createHash('sha256').update(file).digest('hex') });
      await report({ percent: Math.round(((i + 1) * 100) / files.length), message: `${i + 1} of ${files.length} files`, items });
    }
    return { files: files.length, ok: items.filter((x) => x.status === 'ok').length, failed: items.filter((x) => x.status === 'failed').length };
  },
};

// ---- one attempt: heartbeats while it runs, then its outcome ----

async function run(job) {
  const name = `job ${job.id} (${job.kind}, attempt ${job.attempt})`;
  let stop = null; // why the job must stop, once it must
  const heartbeat = async (progress) => {
    try {
      const beat = await api(`/v1/jobs/${job.id}/heartbeat`,
        { lease_token: job.lease_token, extend: `PT${config.leaseSeconds}S`, ...(progress && { progress }) });
      if (beat.cancel_requested && !stop) stop = 'cancel requested';
    } catch (e) {
      if (leaseLost(e)) stop = 'lease lost';
      else log(`${name}: heartbeat failed (${e.message}); the next one may succeed`);
    }
  };
  // Renew the lease every third of it even while the work reports nothing.
  const keepAlive = setInterval(() => heartbeat(), (config.leaseSeconds * 1000) / 3);
  const report = async (progress) => {
    await heartbeat(progress);
    if (stop) throw new StopJob(stop);
  };
  try {
    const handler = handlers[job.kind];
    if (!handler) throw Object.assign(new Error(`no handler for kind ${job.kind}`), { retryable: false });
    const result = await handler(job, report);
    await api(`/v1/jobs/${job.id}/complete`, { lease_token: job.lease_token, result });
    log(`${name}: completed ${JSON.stringify(result)}`);
  } catch (e) {
    if (stop === 'lease lost' || leaseLost(e)) {
      log(`${name}: lease lost, dropped (the server runs the job again)`);
      return;
    }
    const error = e instanceof StopJob ? `stopped: ${e.message}` : e.message;
    try {
      const after = await api(`/v1/jobs/${job.id}/fail`, { lease_token: job.lease_token, error, retryable: e.retryable !== false });
      log(`${name}: failed (${error}), now ${after.state}`);
    } catch (reportError) {
      log(`${name}: failed (${error}), and reporting it failed too (${reportError.message}); its lease will expire`);
    }
  } finally {
    clearInterval(keepAlive);
  }
}

// ---- the claim loop ----

const stopping = new AbortController();
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    if (stopping.signal.aborted) return;
    log(`${signal}: stopping; finishing the jobs in hand`);
    stopping.abort();
  });
}

const running = new Set();
let handled = 0;
log(`worker ${config.workerId} claiming from ${config.queues.join(', ')} at ${config.url}`
  + (config.maxJobs === Infinity ? '' : `, exiting after ${config.maxJobs} jobs`));

while (!stopping.signal.aborted && handled + running.size < config.maxJobs) {
  if (running.size >= config.concurrency) {
    await Promise.race(running);
    continue;
  }
  const limit = Math.min(config.concurrency - running.size, config.maxJobs - handled - running.size);
  let jobs;
  try {
    // Long-poll: answers as soon as a job is available, or empty after the wait. Aborted on SIGTERM;
    // a job the server claimed for an aborted request runs again once its lease expires.
    ({ jobs } = await api('/v1/claims', {
      queues: config.queues, limit, lease: `PT${config.leaseSeconds}S`, wait: `PT${config.waitSeconds}S`, worker_id: config.workerId,
    }, stopping.signal));
  } catch (e) {
    if (stopping.signal.aborted) break;
    if (e instanceof ApiError && (e.status === 401 || e.status === 403)) fail(`the server refused the key: ${e.message}`);
    log(`claim failed (${e.message}); trying again in 1 s`);
    await delay(1000);
    continue;
  }
  for (const job of jobs) {
    const attempt = run(job).finally(() => {
      running.delete(attempt);
      handled++;
    });
    running.add(attempt);
  }
}

await Promise.allSettled(running);
log(`worker ${config.workerId} stopped after ${handled} job${handled === 1 ? '' : 's'}`);
process.exit(0);
