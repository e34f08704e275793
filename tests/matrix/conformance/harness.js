'use strict';
// Runs the real kith binary against the test homeserver: config generation, start/stop/kill,
// bounded waits (deadlines, never fixed sleeps for assertions) and reads of Kith's database.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn, execFileSync } = require('child_process');
const test = require('node:test');
const { loadSpec } = require('./spec');
const { TestHomeserver } = require('./homeserver');

function kithBinary() {
  const candidates = [process.env.KITH_BIN, path.resolve(__dirname, '../../../build/bot/app/kith')].filter(Boolean);
  for (const c of candidates) if (fs.existsSync(c)) return c;
  throw new Error('cannot find the kith binary; build it or set KITH_BIN');
}

let specCache;
function spec() { if (!specCache) specCache = loadSpec(); return specCache; }

// Polls every 20 ms by default; against a real homeserver, whose every poll is a request, less often.
async function waitFor(what, predicate, timeoutMs = 15000, { intervalMs = 20 } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await predicate();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

class KithProcess {
  constructor(proc) {
    this.proc = proc;
    this.out = '';
    proc.stdout.on('data', (d) => { this.out += d; });
    proc.stderr.on('data', (d) => { this.out += d; });
    this.exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  }
  kill9() { try { this.proc.kill('SIGKILL'); } catch { /* gone */ } return this.exited; }
  async stop() {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill('SIGTERM');
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 15000);  // a stop that hangs still ends
    try { return await this.exited; } finally { clearTimeout(timer); }
  }
}

// A homeserver with Kith's account and a few colleagues, and a data directory for Kith.
async function setup({ timelineLimit } = {}) {
  const hs = new TestHomeserver(spec());
  await hs.start();
  const kith = hs.addUser('kith', { displayname: 'Kith', password: 'kith-password' });
  hs.strictUsers.add(kith);
  const people = {};
  for (const name of ['alice', 'bob', 'carol', 'dan', 'erin', 'frank']) {
    people[name] = hs.addUser(name, { displayname: name[0].toUpperCase() + name.slice(1), avatar_url: name === 'bob' ? undefined : `mxc://hs.test/${name}` });
    // Each avatar is a distinct little file, so a test can tell whose picture Kith posted.
    if (name !== 'bob') hs.media.set(name, { type: 'image/png', bytes: Buffer.from(`PNG avatar of ${name}`), name: `${name}.png` });
  }
  if (timelineLimit) hs.timelineLimit = timelineLimit;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kith-matrix-'));
  const token = hs.token(kith, 'KITHDEV');
  return { hs, kith, people, dir, token, processes: [] };
}

// Kills whatever Kith process a scenario left running (a failed assertion included) and stops
// the homeserver, so a failing scenario reports instead of hanging the test run.
async function teardown(env) {
  for (const k of env.processes) await k.stop();
  await env.hs.stop();
}

// A test with its own homeserver and data directory, torn down however it ends, a hang included
// (a hook that never fires would otherwise keep the whole file waiting for CTest's timeout).
// `prepare` and `finish` make the environment (this file's fake homeserver, or a real one);
// `report` prints more of what happened when a scenario fails (a real homeserver's log).
function scenarioOn(prepare, finish, report = () => {}) {
  return (name, body, { limitMs = 120000, ...options } = {}) => test(name, async () => {
    const env = await prepare(options);
    let timer;
    try {
      const run = body(env);
      run.catch(() => {});  // reported through the race below
      await Promise.race([run, new Promise((resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`the scenario did not finish within ${limitMs / 1000} s`)), limitMs);
      })]);
    } catch (e) {
      for (const k of env.processes) console.log(`--- kith output ---\n${k.out}`);
      report(env);
      throw e;
    } finally {
      clearTimeout(timer);
      await finish(env);
    }
  });
}
const scenario = scenarioOn(setup, teardown);

function writeConfig(env, extra = '') {
  const file = path.join(env.dir, 'kith.toml');
  fs.writeFileSync(file, `[bot]
name = "kith"
data_dir = "${path.join(env.dir, 'data')}"
adapter = "matrix"
log_level = "debug"

[matrix]
homeserver = "${env.hs.url}"
user_id = "${env.kith}"
accept_invites_from = ["${env.hs.serverName}"]
messages_per_second = 100
${extra}
`);
  return file;
}

function startKith(env, { token = env.token, extra = '' } = {}) {
  const config = writeConfig(env, extra);
  const childEnv = { ...process.env };
  delete childEnv.KITH_MATRIX_TOKEN;
  if (token !== null) childEnv.KITH_MATRIX_TOKEN = token;
  const proc = spawn(kithBinary(), ['run', '--config', config], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  const kith = new KithProcess(proc);
  env.processes.push(kith);
  return kith;
}

// A weekly slot (UTC) two minutes ago: owed as soon as Kith starts, once the job's first sight is
// moved back an hour (see moveFirstSightBack). Schedules have minute precision.
function weeklySlotJustPast() {
  const slot = new Date(Date.now() - 2 * 60 * 1000);
  const weekday = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'][slot.getUTCDay()];
  return { weekday, time: slot.toISOString().slice(11, 16) };
}

// Kith records when it first saw a scheduled job and owes nothing before that: pretend it has been
// running for an hour.
function moveFirstSightBack(env, job) {
  sql(env, 'UPDATE schedule_jobs SET anchor = anchor - 3600 WHERE name = ?', job);
  if (sql(env, 'SELECT count(*) FROM schedule_jobs WHERE name = ?', job)[0][0] !== 1) throw new Error(`no scheduled job ${job}`);
}

// Runs a kith subcommand (e.g. "org import FILE") against the scenario's configuration.
function kithCommand(env, args) {
  return execFileSync(kithBinary(), [...args, '--config', path.join(env.dir, 'kith.toml')], { stdio: 'pipe' }).toString();
}

function sql(env, query, ...params) {
  const db = path.join(env.dir, 'data', 'kith.sqlite3');
  const script = 'import sqlite3,sys,json\nc=sqlite3.connect(sys.argv[1],timeout=10)\nrows=c.execute(sys.argv[2],json.loads(sys.argv[3])).fetchall()\nc.commit()\nprint(json.dumps(rows))';
  return JSON.parse(execFileSync('python3', ['-c', script, db, query, JSON.stringify(params)]).toString());
}

function recognitionsOf(env, user) {
  try { return sql(env, 'SELECT count(*) FROM recognitions WHERE receiver = ?', user)[0][0]; } catch { return 0; }
}

// A room with the colleagues in it, Kith invited; resolves once Kith has joined.
async function roomWithKith(env, members = ['alice', 'bob', 'carol', 'dan', 'erin', 'frank'], opts = {}) {
  const { hs, people, kith } = env;
  const creator = people[members[0]];
  const room = hs.createRoom(creator, { name: 'general', preset: 'public_chat', join: members.slice(1).map((m) => people[m]), ...opts });
  hs.invite(room, creator, kith);
  await waitFor('Kith to accept the invitation', () => hs.membership(room, kith) === 'join');
  return room;
}

function mention(text, ...users) {
  return { msgtype: 'm.text', body: text, 'm.mentions': { user_ids: users } };
}

function kithEvents(env, pred = () => true) { return env.hs.eventsBy(env.kith, pred); }
function kithNotices(env, room) { return kithEvents(env, (e) => e.type === 'm.room.message' && e.room_id === room); }

module.exports = { scenario, scenarioOn, setup, teardown, startKith, kithCommand, weeklySlotJustPast, moveFirstSightBack, waitFor, recognitionsOf, roomWithKith, mention, kithEvents, kithNotices, sql, spec };
