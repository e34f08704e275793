'use strict';
// End-to-end scenarios through the real kith binary against the protocol test server.
// Usage: node e2e.js <path to kith> <scenario>     (CTest runs one scenario per test)
const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const net = require('net');
const assert = require('node:assert/strict');
const { MattermostTestServer } = require('./mm_server');

const [kithPath, scenario] = process.argv.slice(2);

function waitFor(predicate, what, ms = 20000) {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + ms;
    const tick = () => {
      let v;
      try { v = predicate(); } catch (e) { return reject(e); }
      if (v) return resolve(v);
      if (Date.now() > deadline) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 20);
    };
    tick();
  });
}

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

class Kith {
  constructor(server, { token = server.botToken, dir, listenPort, commandToken = 'slash-secret' }) {
    this.dir = dir;
    this.listenPort = listenPort;
    this.commandToken = commandToken;
    fs.writeFileSync(path.join(dir, 'token'), token + '\n', { mode: 0o600 });
    fs.writeFileSync(path.join(dir, 'command-token'), commandToken + '\n', { mode: 0o600 });
    fs.writeFileSync(path.join(dir, 'kith.toml'), [
      '[bot]', 'name = "kith"', `data_dir = "${path.join(dir, 'data')}"`, 'adapter = "mattermost"', 'log_level = "debug"',
      '[mattermost]', `url = "${server.url}"`, `token_file = "${path.join(dir, 'token')}"`,
      `listen = "127.0.0.1:${listenPort}"`, `public_url = "http://127.0.0.1:${listenPort}"`,
      `command_token_files = ["${path.join(dir, 'command-token')}"]`, ''].join('\n'));
  }

  start() {
    const env = { ...process.env };
    delete env.KITH_MATTERMOST_TOKEN;
    this.output = '';
    this.proc = spawn(kithPath, ['run', '--config', path.join(this.dir, 'kith.toml')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc.stdout.on('data', (d) => { this.output += d; });
    this.proc.stderr.on('data', (d) => { this.output += d; });
    this.exited = new Promise((resolve) => this.proc.on('exit', (code, signal) => resolve({ code, signal })));
    return this;
  }

  async stop() {
    if (this.proc.exitCode === null) this.proc.kill('SIGTERM');
    const result = await Promise.race([this.exited, new Promise((r) => setTimeout(() => r('timeout'), 15000))]);
    if (result === 'timeout') { this.proc.kill('SIGKILL'); throw new Error('kith did not stop within 15 s of SIGTERM\n' + this.output); }
    return result;
  }

  async health() {
    try {
      const res = await fetch(`http://127.0.0.1:${this.listenPort}/healthz`);
      return { status: res.status, body: await res.json() };
    } catch { return { status: 0 }; }
  }

  command(fields) {
    return fetch(`http://127.0.0.1:${this.listenPort}/mattermost/command`, {
      method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: new URLSearchParams(fields).toString(),
    });
  }
}

// What the bot has posted (not ephemeral) and sent privately, as seen by the server.
const botPosts = (server) => [...server.posts.values()].filter((p) => p.user_id === server.bot.id);
const ephemerals = (server) => server.ephemerals || [];

async function connected(kith) {
  await waitFor(async () => false, 'never', 0).catch(() => {});
  const deadline = Date.now() + 20000;
  while (Date.now() < deadline) {
    const h = await kith.health();
    if (h.status === 200) return h;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('kith never reported connected on /healthz\n' + kith.output);
}

// A user says "@kith help" in a channel; Kith answers privately (the help ritual).
async function askForHelp(server, kith, text = '@kith help', channel = server.town) {
  const before = ephemerals(server).length + botPosts(server).length;
  const post = server.userPosts(server.alice, channel, text);
  await waitFor(() => ephemerals(server).length + botPosts(server).length > before, `an answer to "${text}"\n` + kith.output);
  return post;
}

const scenarios = {
  // A user posts and Kith answers; profiles and members were listed; /healthz reports the connection.
  async answers(server, kith) {
    const h = await connected(kith);
    assert.equal(h.body.status, 'connected');
    await askForHelp(server, kith);
    const answer = ephemerals(server)[0];
    assert.equal(answer.to, server.alice.id);
    assert.match(answer.post.message, /Here is what I can do/);
    const paths = server.requests.map((r) => `${r.method} ${r.path}`);
    for (const expected of ['GET /api/v4/users/me', 'GET /api/v4/users', `GET /api/v4/channels/${server.town.id}/members`, 'POST /api/v4/posts/ephemeral']) {
      assert.ok(paths.includes(expected), `expected ${expected} among ${paths.join(', ')}`);
    }
    // Without the ephemeral permission, private answers become direct messages.
    server.ephemeralAllowed = false;
    await askForHelp(server, kith, '@kith dance');
    await waitFor(() => botPosts(server).length === 1, 'a direct message');
    const dm = server.channels.get(botPosts(server)[0].channel_id);
    assert.equal(dm.type, 'D');
    assert.match(botPosts(server)[0].message, /I don't know the command `dance`/);
  },

  // The WebSocket drops; Kith resumes with connection_id and sequence_number and gets the replay.
  async resume(server, kith) {
    await connected(kith);
    await askForHelp(server, kith, '@kith help');
    const helloCount = () => kith.output.split('\n').filter((l) => /connected to Mattermost/.test(l)).length;
    assert.equal(helloCount(), 1);
    server.dropWebSockets();
    server.userPosts(server.alice, server.town, '@kith resume-one');
    await waitFor(() => ephemerals(server).length === 2, 'the answer to the post made during the drop\n' + kith.output);
    assert.match(kith.output, /resumed the Mattermost WebSocket/);
    assert.equal(helloCount(), 1, 'no new hello: the stream was resumed');
  },

  // The server lost the buffer: a new hello, REST catch-up of the missed post, nothing twice.
  async lost_buffer(server, kith) {
    await connected(kith);
    await askForHelp(server, kith, '@kith help');
    server.dropWebSockets();
    server.loseBuffers();
    server.userPosts(server.alice, server.town, '@kith missed-one', { silent: true });
    server.userPosts(server.bob, server.town, '@kith missed-two', { silent: true });
    await waitFor(() => ephemerals(server).length === 3, 'answers to both missed posts\n' + kith.output);
    const since = server.requests.filter((r) => r.path === `/api/v4/channels/${server.town.id}/posts` && r.query.since);
    assert.ok(since.length >= 1, 'caught up with ?since=');
    // Live events after the catch-up still work, and nothing was answered twice.
    server.userPosts(server.alice, server.town, '@kith after');
    await waitFor(() => ephemerals(server).length === 4, 'the answer after catch-up');
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(ephemerals(server).length, 4);
  },

  // The server restarts (all sessions forgotten); Kith reconnects with backoff and catches up,
  // and a restart of Kith itself recovers posts made while it was down, without duplicates.
  async restart(server, kith, ctx) {
    await connected(kith);
    await askForHelp(server, kith, '@kith help');
    await server.restart(300);
    server.userPosts(server.alice, server.town, '@kith during-restart', { silent: true });
    await waitFor(() => ephemerals(server).length === 2, 'the answer after the server restart\n' + kith.output);
    assert.match(kith.output, /reconnecting to Mattermost/);
    const result = await kith.stop();
    assert.equal(result.code, 0, kith.output);
    server.userPosts(server.bob, server.town, '@kith while-kith-was-down', { silent: true });
    const again = new Kith(server, { dir: ctx.dir, listenPort: ctx.listenPort }).start();
    ctx.kith = again;
    await waitFor(() => ephemerals(server).length === 3, 'the answer to the post made while Kith was down\n' + again.output);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(ephemerals(server).length, 3, 'nothing answered twice after the restart');
  },

  // A 429 storm: Kith waits as told by Retry-After and the answer still arrives exactly once.
  async rate_limited(server, kith) {
    await connected(kith);
    server.retryAfter = 1;
    server.rateLimitNext = 3;
    const started = Date.now();
    await askForHelp(server, kith, '@kith help');
    const limited = server.requests.filter((r) => r.status === 429).length;
    assert.equal(limited, 3);
    assert.ok(Date.now() - started >= 2500, 'Kith waited for Retry-After between attempts');
    assert.equal(ephemerals(server).length, 1);
    assert.match(kith.output, /rate-limiting/);
  },

  // Malformed, oversized and unknown events are skipped and logged; the stream continues.
  async bad_events(server, kith) {
    await connected(kith);
    server.sendRaw(() => 'this is not json');
    server.sendRaw((seq) => JSON.stringify({ event: 'posted', data: { post: '{broken' }, broadcast: { channel_id: server.town.id }, seq }));
    server.sendRaw((seq) => JSON.stringify({ event: 'something_new', data: { x: 1 }, broadcast: {}, seq }));
    server.sendRaw((seq) => JSON.stringify({ event: 'posted', data: { post: 'x'.repeat(5 * 1024 * 1024) }, broadcast: {}, seq }));
    server.sendRaw((seq) => JSON.stringify({ event: 'reaction_added', data: { reaction: 42 }, broadcast: {}, seq }));
    await askForHelp(server, kith, '@kith help');
    assert.equal(ephemerals(server).length, 1);
    assert.match(kith.output, /skipping a malformed or oversized WebSocket frame/);
    assert.match(kith.output, /skipping Mattermost event posted/);
    assert.match(kith.output, /skipping Mattermost event reaction_added/);
    const h = await kith.health();
    assert.equal(h.status, 200);
  },

  // Slash commands: a wrong token gets 401 and nothing happens; the right one is answered in the response.
  async slash_command(server, kith) {
    await connected(kith);
    const fields = { team_id: server.team.id, team_domain: 'acme', channel_id: server.town.id, channel_name: 'town-square',
      user_id: server.alice.id, user_name: 'alice', command: '/kith', text: 'help', trigger_id: 'trigger-1',
      response_url: `${server.url}/hooks/commands/x` };
    const bad = await kith.command({ ...fields, token: 'wrong-token' });
    assert.equal(bad.status, 401);
    const missing = await kith.command({ ...fields, trigger_id: 'trigger-0' });
    assert.equal(missing.status, 401);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(ephemerals(server).length + botPosts(server).length, 0, 'nothing processed for a bad token');
    assert.doesNotMatch(kith.output, /wrong-token|slash-secret/, 'tokens are never logged');
    const good = await kith.command({ ...fields, token: 'slash-secret' });
    assert.equal(good.status, 200);
    assert.equal(good.headers.get('content-type'), 'application/json');
    const body = await good.json();
    assert.equal(body.response_type, 'ephemeral');
    assert.match(body.text, /Here is what I can do/);
    assert.equal(ephemerals(server).length + botPosts(server).length, 0, 'the answer went back in the HTTP response');
    const huge = await fetch(`http://127.0.0.1:${kith.listenPort}/mattermost/command`, { method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'token=slash-secret&text=' + 'a'.repeat(200000) }).catch(() => ({ status: 413 }));
    assert.equal(huge.status, 413);
  },
};

async function main() {
  if (scenario === 'bad_token') {
    const server = await new MattermostTestServer().start();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kith-mm-'));
    try {
      const kith = new Kith(server, { token: 'not-the-token', dir, listenPort: await freePort() }).start();
      const result = await Promise.race([kith.exited, new Promise((r) => setTimeout(() => r('timeout'), 20000))]);
      if (result === 'timeout') { kith.proc.kill('SIGKILL'); throw new Error('kith kept running with a bad token\n' + kith.output); }
      assert.equal(result.code, 3, kith.output);
      assert.match(kith.output, new RegExp(`Mattermost at ${server.url.replace(/[.]/g, '\\.')} refused the bot token`));
      assert.match(kith.output, /KITH_MATTERMOST_TOKEN or \[mattermost\] token_file/);
      assert.doesNotMatch(kith.output, /not-the-token/);
      assert.deepEqual(server.violations, []);
    } finally {
      await server.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
    return;
  }
  const run = scenarios[scenario];
  if (!run) throw new Error(`unknown scenario ${scenario}; one of bad_token, ${Object.keys(scenarios).join(', ')}`);
  const server = await new MattermostTestServer().start();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kith-mm-'));
  const ctx = { dir, listenPort: await freePort() };
  ctx.kith = new Kith(server, ctx).start();
  try {
    await run(server, ctx.kith, ctx);
    const result = await ctx.kith.stop();
    assert.equal(result.code, 0, `kith exited with ${JSON.stringify(result)}\n${ctx.kith.output}`);
    assert.deepEqual(server.violations, [], 'every request the adapter sent is allowed by the OpenAPI description');
    assert.doesNotMatch(ctx.kith.output, new RegExp(server.botToken), 'the bot token is never logged');
  } catch (e) {
    if (ctx.kith.proc.exitCode === null) ctx.kith.proc.kill('SIGKILL');
    console.error('--- kith output ---\n' + ctx.kith.output);
    throw e;
  } finally {
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().then(() => { console.log(`mattermost e2e ${scenario}: ok`); process.exit(0); },
  (e) => { console.error(e); process.exit(1); });
