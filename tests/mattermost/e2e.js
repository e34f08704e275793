'use strict';
// End-to-end scenarios through the real kith binary against the protocol test server.
// Usage: node e2e.js <path to kith> <scenario>     (CTest runs one scenario per test)
const { spawn, execFileSync } = require('child_process');
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

// Every Kith process a scenario started, so a failure shows the output of earlier runs too.
const kithRuns = [];

class Kith {
  // `env`: extra environment; with KITH_MATTERMOST_TOKEN in it, the configuration names no token file.
  constructor(server, { token = server.botToken, dir, listenPort, commandToken = 'slash-secret', extraConfig = [], env = {} }) {
    this.dir = dir;
    this.listenPort = listenPort;
    this.commandToken = commandToken;
    this.env = env;
    fs.writeFileSync(path.join(dir, 'token'), token + '\n', { mode: 0o600 });
    fs.writeFileSync(path.join(dir, 'command-token'), commandToken + '\n', { mode: 0o600 });
    const tokenFile = env.KITH_MATTERMOST_TOKEN ? [] : [`token_file = "${path.join(dir, 'token')}"`];
    fs.writeFileSync(path.join(dir, 'kith.toml'), [
      '[bot]', 'name = "kith"', `data_dir = "${path.join(dir, 'data')}"`, 'adapter = "mattermost"', 'log_level = "debug"',
      '[mattermost]', `url = "${server.url}"`, ...tokenFile,
      `listen = "127.0.0.1:${listenPort}"`, `public_url = "http://127.0.0.1:${listenPort}"`,
      `command_token_files = ["${path.join(dir, 'command-token')}"]`, ...extraConfig, ''].join('\n'));
  }

  start() {
    const env = { ...process.env };
    delete env.KITH_MATTERMOST_TOKEN;
    delete env.SSL_CERT_FILE;
    Object.assign(env, this.env);
    this.output = '';
    kithRuns.push(this);
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

// Runs one SQL statement on Kith's database (Python's sqlite3: Node 20 has none) and returns its rows.
const sqlite = (ctx, query) => JSON.parse(execFileSync('python3', ['-c',
  'import sqlite3,sys,json\nc=sqlite3.connect(sys.argv[1],timeout=10)\nrows=c.execute(sys.argv[2]).fetchall()\nc.commit()\nprint(json.dumps(rows))',
  path.join(ctx.dir, 'data', 'kith.sqlite3'), query]).toString());

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

// The text as people see it: Kith escapes Markdown punctuation in plain text ("Correct\\!"), which
// Mattermost renders without the backslashes (CommonMark backslash escapes).
const shown = (markdown) => markdown.replace(/\\([!-/:-@[-`{-~])/g, '$1');

// Waits for the private answer (ephemeral post) number `n` to `user` and returns it.
async function privateAnswer(server, kith, user, n, what) {
  await waitFor(() => ephemerals(server).filter((e) => e.to === user.id).length >= n, `${what}\n${kith.output}`);
  return ephemerals(server).filter((e) => e.to === user.id)[n - 1];
}

// Alice says "@kith dance" where Kith may not answer privately, so the answer is a direct message (POST
// /posts), whose first attempt the scenario has made fail. Checks that Kith sends it again with the same
// pending_post_id and that, `settleMs` later, it exists once. `afterFirst` runs once the first attempt arrived.
async function postedOnceDespiteRetry(server, kith, settleMs, afterFirst = () => {}) {
  server.ephemeralAllowed = false;
  server.userPosts(server.alice, server.town, '@kith dance');
  const creates = () => server.requests.filter((r) => r.method === 'POST' && r.path === '/api/v4/posts');
  await waitFor(() => creates().length >= 1, 'the post\n' + kith.output);
  afterFirst();
  await waitFor(() => creates().length >= 2, 'the post to be sent again\n' + kith.output);
  const [first, again] = creates();
  assert.ok(first.body.pending_post_id, 'posts carry a pending_post_id');
  assert.equal(again.body.pending_post_id, first.body.pending_post_id, 'the retry carries the same pending_post_id');
  await new Promise((r) => setTimeout(r, settleMs));
  assert.equal(botPosts(server).length, 1, 'the direct message exists once');
  assert.match(shown(botPosts(server)[0].message), /I don't know the command `dance`/);
}

// A workspace for the quiz: seven people with an uploaded picture (alice and six more), and bob,
// carol and one more with the default picture; everyone is in town square and in six quiz channels.
function quizWorkspace(server) {
  const now = Date.now();
  server.pictured = [server.alice];
  for (const [u, f, l] of [['dave', 'Dave', 'Dunn'], ['erin', 'Erin', 'Ellis'], ['frank', 'Frank', 'Fox'],
    ['grace', 'Grace', 'Gray'], ['heidi', 'Heidi', 'Hale'], ['ivan', 'Ivan', 'Ives']]) {
    server.pictured.push(server.addUser(u, f, l, { last_picture_update: now - 1000, position: 'Designer' }));
  }
  server.judy = server.addUser('judy', 'Judy', 'Jones');
  server.defaults = [server.bob, server.carol, server.judy];
  const everyone = [server.bot, ...server.pictured, ...server.defaults].map((u) => u.id);
  for (const id of everyone) server.members.get(server.town.id).add(id);
  server.quizChannels = Array.from({ length: 7 }, (_, i) =>
    server.addChannel({ type: 'O', name: `quiz-${i + 1}`, display_name: `Quiz ${i + 1}` }, everyone));
}

const displayName = (u) => [u.first_name, u.last_name].filter(Boolean).join(' ');

// Asks for a round in `channel` as alice and checks the question as posted: one file (a picture
// uploaded to this channel through POST /files), five buttons calling Kith's listener. Returns
// the post, the subject (found by the picture's bytes) and the buttons.
async function askQuiz(server, kith, channel, rootId = '') {
  const isQuestion = (p) => p.user_id === server.bot.id && p.channel_id === channel.id && p.props && p.props.attachments;
  server.userPosts(server.alice, channel, '@kith quiz', { rootId });
  const post = await waitFor(() => [...server.posts.values()].find(isQuestion), `a quiz question in ${channel.name}\n${kith.output}`);
  assert.equal(post.root_id, rootId, 'asked in a thread, the round is posted in that thread');
  assert.match(shown(post.message), /Who's who\?/);
  assert.equal(post.file_ids.length, 1, 'the picture is attached');
  const file = server.files.get(post.file_ids[0]);
  assert.ok(file, 'the file was uploaded through POST /api/v4/files');
  assert.equal(file.channel_id, channel.id);
  assert.equal(file.info.post_id, post.id);
  assert.equal(file.info.mime_type, 'image/png');
  const subject = [...server.users.values()].find((u) => server.pictureOf(u.id).equals(file.data));
  assert.ok(subject, 'the attachment is the profile picture of someone in the directory');
  assert.ok(server.pictured.includes(subject), `the subject ${subject.username} uploaded a picture (not the default one)`);
  assert.notEqual(subject.id, server.alice.id, 'the player is never shown their own face');
  const fetched = server.requests.filter((r) => r.method === 'GET' && r.path === `/api/v4/users/${subject.id}/image`);
  assert.ok(fetched.length >= 1, "the subject's picture was read from the server");
  const actions = post.props.attachments.flatMap((a) => a.actions);
  assert.equal(actions.length, 5, 'four names and "Don\'t know"');
  assert.deepEqual(actions.map((a) => a.type), Array(5).fill('button'));
  assert.equal(actions[4].name, "Don't know");
  const names = actions.slice(0, 4).map((a) => a.name);
  assert.ok(names.includes(displayName(subject)), `the right name is offered: ${names.join(', ')}`);
  assert.equal(new Set(names).size, 4);
  for (const a of actions) {
    assert.equal(a.integration.url, `http://127.0.0.1:${kith.listenPort}/mattermost/action`);
    assert.ok(a.integration.context && typeof a.integration.context === 'object');
  }
  return { post, subject, actions, wrong: names.find((n) => n !== displayName(subject)) };
}

const scenarios = {
  // A user posts and Kith answers; profiles and members were listed; /healthz reports the connection.
  async answers(server, kith) {
    const h = await connected(kith);
    assert.equal(h.body.status, 'connected');
    await askForHelp(server, kith);
    const answer = ephemerals(server)[0];
    assert.equal(answer.to, server.alice.id);
    assert.match(shown(answer.post.message), /Here is what I can do/);
    const paths = server.requests.map((r) => `${r.method} ${r.path}`);
    for (const expected of ['GET /api/v4/users/me', 'GET /api/v4/users', `GET /api/v4/channels/${server.town.id}/members`, 'POST /api/v4/posts/ephemeral']) {
      assert.ok(paths.includes(expected), `expected ${expected} among ${paths.join(', ')}`);
    }
    // 214 people and 214 members of town square: two pages of 200 each, and nobody fetched one by one.
    const pages = (p) => server.requests.filter((r) => r.path === p).map((r) => `${r.query.page}/${r.query.per_page}`);
    assert.deepEqual(pages('/api/v4/users'), ['0/200', '1/200']);
    assert.deepEqual(pages(`/api/v4/channels/${server.town.id}/members`), ['0/200', '1/200']);
    const last = server.crowd.at(-1);
    assert.ok(!server.requests.some((r) => r.path === `/api/v4/users/${last.id}`), 'people on the second page were listed');
    server.userPosts(last, server.town, '@kith help');
    await privateAnswer(server, kith, last, 1, 'the answer to someone from the second page');
    // Without the ephemeral permission, private answers become direct messages.
    server.ephemeralAllowed = false;
    await askForHelp(server, kith, '@kith dance');
    await waitFor(() => botPosts(server).length === 1, 'a direct message');
    const dm = server.channels.get(botPosts(server)[0].channel_id);
    assert.equal(dm.type, 'D');
    assert.match(shown(botPosts(server)[0].message), /I don't know the command `dance`/);
  },

  // The WebSocket drops; Kith resumes with connection_id and sequence_number and gets the replay.
  async resume(server, kith) {
    await connected(kith);
    await askForHelp(server, kith, '@kith help');
    const helloCount = () => kith.output.split('\n').filter((l) => /connected to Mattermost.*\(caught up\)/.test(l)).length;
    assert.equal(helloCount(), 1);
    server.dropWebSockets();
    server.userPosts(server.alice, server.town, '@kith resume-one');
    await waitFor(() => ephemerals(server).length === 2, 'the answer to the post made during the drop\n' + kith.output);
    assert.match(kith.output, /connected to Mattermost at .* \(resumed\)/);
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

  // Kith is killed after the server stored its post but before the answer came, and stays down past the
  // 30 s for which the server remembers a pending_post_id. Started again, Kith finds its post among the
  // channel's posts (by the key in its props) instead of posting it a second time.
  async killed_past_the_servers_memory(server, kith, ctx) {
    await connected(kith);
    server.ephemeralAllowed = false;
    server.answerDelays['/api/v4/posts'] = 60000;  // stored at once, answered only after Kith is gone
    server.userPosts(server.alice, server.town, '@kith dance');
    await waitFor(() => botPosts(server).length === 1, 'the post, stored by the server\n' + kith.output);
    kith.proc.kill('SIGKILL');
    await kith.exited;
    server.answerDelays = {};
    // What 40 s of downtime do, without the wait: the server forgets the pending_post_id, and Kith's record
    // of its first try is 40 s older.
    server.forgetPendingPostIds();
    assert.equal(sqlite(ctx, 'SELECT count(*) FROM outbox WHERE status = \'pending\' AND first_try_at IS NOT NULL')[0][0], 1,
      'the try Kith was killed in is recorded');
    sqlite(ctx, 'UPDATE outbox SET first_try_at = first_try_at - 40 WHERE status = \'pending\'');
    const again = new Kith(server, { dir: ctx.dir, listenPort: ctx.listenPort }).start();
    ctx.kith = again;
    await connected(again);
    await waitFor(() => /had landed on an earlier try/.test(again.output), 'Kith to find its earlier post\n' + again.output);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(botPosts(server).length, 1, 'the direct message exists once');
    assert.equal(sqlite(ctx, 'SELECT count(*) FROM outbox WHERE status = \'pending\'')[0][0], 0, 'the item is delivered');
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
    await waitFor(() => ephemerals(server).length >= 3, 'the answer to the post made while Kith was down\n' + again.output);
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(ephemerals(server).map((e) => shown(e.post.message).match(/`([a-z-]+)`/)?.[1] ?? 'help'),
      ['help', 'during-restart', 'while-kith-was-down'], 'each post answered once, nothing twice after the restart');
  },

  // Kith is stopped after the server has taken an answer but before Kith has its reply: the stop waits
  // for the reply and records the answer as delivered, so the next start does not send it again.
  async stop_during_delivery(server, kith, ctx) {
    await connected(kith);
    server.answerDelays['/api/v4/posts/ephemeral'] = 1500;
    server.userPosts(server.alice, server.town, '@kith help');
    await waitFor(() => ephemerals(server).length === 1, 'the answer, taken by the server');
    const result = await kith.stop();
    assert.equal(result.code, 0, kith.output);
    assert.doesNotMatch(kith.output, /could not deliver/);
    server.answerDelays = {};
    const again = new Kith(server, { dir: ctx.dir, listenPort: ctx.listenPort }).start();
    ctx.kith = again;
    await connected(again);
    server.userPosts(server.bob, server.town, '@kith help');
    await waitFor(() => ephemerals(server).length >= 2, "the answer to bob's post after the restart");
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(ephemerals(server).map((e) => e.to), [server.alice.id, server.bob.id], 'no answer sent twice');
  },

  // The server fails (HTTP 500) twice: Kith retries with a growing delay and the answer arrives once.
  async server_errors(server, kith) {
    await connected(kith);
    server.failNext = 2;
    const started = Date.now();
    await askForHelp(server, kith, '@kith help');
    assert.equal(server.requests.filter((r) => r.status === 500).length, 2);
    assert.ok(Date.now() - started >= 2000, 'Kith waited before retrying');
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(ephemerals(server).length, 1, 'answered exactly once');
    assert.match(kith.output, /could not deliver .*retrying in 2s/);
  },

  // While the server is down /healthz says 503 "disconnected"; it says 200 again once Kith is back.
  async health_while_down(server, kith) {
    await connected(kith);
    const port = server.port;
    await server.stop();
    const deadline = Date.now() + 20000;
    let health = await kith.health();
    while (health.status !== 503 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      health = await kith.health();
    }
    assert.equal(health.status, 503, '/healthz reports 503 while the server is down\n' + kith.output);
    assert.equal(health.body.status, 'disconnected');
    await server.start(port);
    await connected(kith);  // resumed: no new hello, nothing replayed, yet connected
    assert.equal((await kith.health()).body.status, 'connected');
    await askForHelp(server, kith, '@kith help');
  },

  // The server takes a post but the connection drops before its answer: Kith sends it again with the same
  // pending_post_id, which the server recognises, so the direct message exists once.
  async lost_response(server, kith) {
    await connected(kith);
    server.loseAnswers['/api/v4/posts'] = 1;
    await postedOnceDespiteRetry(server, kith, 500);
  },

  // The server takes a post but answers only after Kith's request timeout (1 s here): Kith gives up on that
  // answer, sends the post again with the same pending_post_id, and the direct message exists once.
  async timeout(server, kith) {
    await connected(kith);
    server.answerDelays['/api/v4/posts'] = 2500;
    // Only the first attempt is slow; 3 s later its late answer has come and gone.
    await postedOnceDespiteRetry(server, kith, 3000, () => { server.answerDelays = {}; });
    assert.match(kith.output, /could not deliver .*retrying/);
  },

  // The server loses an event from the stream (a gap in seq): Kith catches up over REST, so the lost
  // post and the one after it are each answered once.
  async seq_gap(server, kith) {
    await connected(kith);
    await askForHelp(server, kith, '@kith help');
    server.skipEvents = 1;
    server.userPosts(server.alice, server.town, '@kith lost-in-gap');
    server.userPosts(server.bob, server.town, '@kith after-gap');
    await waitFor(() => ephemerals(server).length >= 3, 'answers to the lost post and the next\n' + kith.output);
    await new Promise((r) => setTimeout(r, 500));
    assert.match(kith.output, /Mattermost WebSocket skipped events \d+\.\.\d+; catching up over REST/);
    const answered = ephemerals(server).map((e) => shown(e.post.message).match(/`([a-z-]+)`/)?.[1] ?? 'help');
    assert.deepEqual(answered.sort(), ['after-gap', 'help', 'lost-in-gap'], 'each post answered once');
  },

  // Pings go unanswered: Kith declares the connection dead after one ping interval, reconnects and
  // resumes the stream; a post made meanwhile is answered.
  async ping_timeout(server, kith) {
    await connected(kith);
    server.answerPings = false;
    await waitFor(() => /did not answer a ping in 1000 ms; reconnecting/.test(kith.output), 'Kith to notice the silent server', 10000);
    server.answerPings = true;
    server.userPosts(server.alice, server.town, '@kith help');
    await waitFor(() => ephemerals(server).length === 1, 'the answer after the reconnect\n' + kith.output);
    assert.match(kith.output, /connected to Mattermost at .* \(resumed\)/);
  },

  // Answers that say X-Ratelimit-Remaining: 0 make Kith hold its next request until X-Ratelimit-Reset,
  // before the server has to answer 429.
  async rate_limit_exhausted(server, kith) {
    await connected(kith);
    server.retryAfter = 2;
    await askForHelp(server, kith, '@kith help');
    server.exhaustNext = 1;
    await askForHelp(server, kith, '@kith one');
    await askForHelp(server, kith, '@kith two');
    const answers = server.requests.filter((r) => r.path === '/api/v4/posts/ephemeral');
    assert.equal(answers.length, 3);
    assert.ok(answers[2].at - answers[1].at >= 1900, `waited for the limit to reset (${answers[2].at - answers[1].at} ms)`);
    assert.equal(server.requests.filter((r) => r.status === 429).length, 0, 'never rate-limited');
  },

  // The token comes from KITH_MATTERMOST_TOKEN; the configuration names no token file.
  async env_token(server, kith) {
    assert.doesNotMatch(fs.readFileSync(path.join(kith.dir, 'kith.toml'), 'utf8'), /^token_file/m);
    await connected(kith);
    await askForHelp(server, kith, '@kith help');
  },

  // HTTPS and WSS at https://localhost: the certificate is verified (its private CA is given in
  // SSL_CERT_FILE, as the README tells admins), with SNI and the host name checked.
  async tls(server, kith, ctx) {
    assert.match(server.url, /^https:\/\/localhost:/);
    await connected(kith);
    await askForHelp(server, kith, '@kith help');
    assert.ok(server.sniNames.has('localhost'), 'Kith sent the host name (SNI)');
    // Without the CA, Kith refuses the server and says why.
    await kith.stop();
    const untrusted = new Kith(server, { ...ctx, env: {} }).start();
    ctx.kith = untrusted;
    await waitFor(() => /TLS with Mattermost at https:\/\/localhost:\d+ failed: certificate verify failed/.test(untrusted.output),
      'the certificate to be refused\n' + untrusted.output);
    assert.equal((await untrusted.health()).status, 503);
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

  // Forty posts arrive at once: those that come while a batch is being applied are merged into the
  // next batch; every one is answered exactly once, in the order they were posted.
  async burst(server, kith) {
    await connected(kith);
    const commands = Array.from({ length: 40 }, (_, i) => `burst-${i}`);
    for (const command of commands) server.userPosts(server.alice, server.town, `@kith ${command}`);
    await waitFor(() => ephemerals(server).length === commands.length, 'answers to every post of the burst\n' + kith.output);
    await new Promise((r) => setTimeout(r, 500));
    const answered = ephemerals(server).map((e) => shown(e.post.message).match(/`(burst-\d+)`/)?.[1]);
    assert.deepEqual(answered, commands, 'each post answered once, in order');
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

Object.assign(scenarios, {
  // Who's who: the question carries the subject's uploaded picture and buttons; clicks come back
  // through the server's post-action call with the button's context; each player is answered
  // privately (an ephemeral post); forged clicks are refused and change nothing; only people with
  // an uploaded picture are ever shown.
  async quiz(server, kith) {
    await connected(kith);
    const [first, ...others] = server.quizChannels;
    const round = await askQuiz(server, kith, first);
    const upload = server.requests.find((r) => r.method === 'POST' && r.path === '/api/v4/files');
    assert.equal(upload.status, 201);

    // A forged click: the signature in the context altered. Kith refuses it (HTTP 403), the server
    // reports the integration error to the clicker, and nothing is recorded.
    const calls = () => server.actionCalls.length;
    const forged = await server.clickButton(server.carol, round.post, displayName(round.subject), {
      tamper: (r) => { r.context.kith_sig = r.context.kith_sig.replace(/^./, (c) => (c === '0' ? '1' : '0')); } });
    assert.equal(forged.status, 400);
    assert.equal(server.actionCalls.at(-1).status, 403);
    // The signature of "Don't know" with the choice changed to the right name: refused too.
    const dontKnow = round.actions[4].integration.context;
    const right = round.actions.find((a) => a.name === displayName(round.subject)).integration.context;
    const swapped = await server.clickButton(server.carol, round.post, "Don't know", {
      tamper: (r) => { r.context = { ...dontKnow, kith_choice: right.kith_choice }; } });
    assert.equal(swapped.status, 400);
    assert.equal(server.actionCalls.at(-1).status, 403);
    // Straight to Kith's listener, without a context or with a made-up one.
    for (const body of [{ user_id: server.carol.id, post_id: round.post.id },
      { user_id: server.carol.id, post_id: round.post.id, context: { kith_key: 'quiz:round:1:ask', kith_choice: 'dont-know', kith_sig: 'x'.repeat(64) } }]) {
      const r = await fetch(`http://127.0.0.1:${kith.listenPort}/mattermost/action`, { method: 'POST',
        headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      assert.equal(r.status, 403);
    }
    assert.equal(calls(), 2);
    assert.match(kith.output, /refused a message-action request with a missing or wrong signature/);

    // Genuine clicks: each clicker is told privately, in the quiz channel.
    const ok = await server.clickButton(server.alice, round.post, displayName(round.subject));
    assert.deepEqual(ok, { status: 200, body: { status: 'OK' } });
    const call = server.actionCalls.at(-1);
    assert.equal(call.status, 200);
    assert.deepEqual(call.response, {}, 'Kith answers the click itself, with an ephemeral post');
    const correct = await privateAnswer(server, kith, server.alice, 1, "alice's answer");
    assert.equal(correct.post.channel_id, first.id);
    assert.match(shown(correct.post.message), new RegExp(`^Correct! That's \\*\\*${displayName(round.subject)}\\*\\* — Designer\\.$`));
    // Carol's forged clicks recorded nothing: her genuine (wrong) answer is her first.
    await server.clickButton(server.carol, round.post, round.wrong);
    const carol = await privateAnswer(server, kith, server.carol, 1, "carol's answer");
    assert.match(shown(carol.post.message), new RegExp(`^Not quite — that's \\*\\*${displayName(round.subject)}\\*\\*`));
    await server.clickButton(server.bob, round.post, "Don't know");
    assert.match(shown((await privateAnswer(server, kith, server.bob, 1, "bob's answer")).post.message), /^Now you know: that's /);
    await server.clickButton(round.subject, round.post, "Don't know");
    assert.match(shown((await privateAnswer(server, kith, round.subject, 1, "the subject's answer")).post.message), /^That's you!/);
    await server.clickButton(server.alice, round.post, round.wrong);
    assert.match(shown((await privateAnswer(server, kith, server.alice, 2, "alice's second answer")).post.message), /^You already answered this round\./);
    for (const e of ephemerals(server)) assert.notEqual(e.via, 'integration');
    assert.ok(ephemerals(server).every((e) => e.post.channel_id === first.id));
    assert.ok(server.requests.filter((r) => r.path === '/api/v4/posts/ephemeral').length >= 5);

    // More rounds, alice answering each: every new round shows a face she has not named yet, so
    // after the five other people with a picture the next face is one of them again. Had anyone
    // with the default picture been eligible, they would have come up before any repeat.
    const seen = [round.subject.id];
    for (const channel of others) {
      // The last round is asked for inside a thread.
      const root = channel === others.at(-1) ? server.userPosts(server.bob, channel, 'lunch at noon?').id : '';
      const r = await askQuiz(server, kith, channel, root);
      const before = ephemerals(server).filter((e) => e.to === server.alice.id).length;
      await server.clickButton(server.alice, r.post, displayName(r.subject));
      const answer = await privateAnswer(server, kith, server.alice, before + 1, `alice's answer in ${channel.name}`);
      assert.match(shown(answer.post.message), /^Correct!/);
      seen.push(r.subject.id);
    }
    const others6 = server.pictured.filter((u) => u !== server.alice).map((u) => u.id).sort();
    assert.deepEqual([...new Set(seen.slice(0, 6))].sort(), others6, 'six rounds: the six other people with a picture');
    assert.ok(others6.includes(seen[6]), 'the seventh round repeats a face rather than show a default picture');
    for (const d of server.defaults) {
      assert.ok(!server.requests.some((r) => r.path === `/api/v4/users/${d.id}/image`), `${d.username}'s default picture is never fetched`);
    }
    assert.equal(server.files.size, 7);
  },

  // Recognition: "+1 @bob" gets a taco reaction on the post and a private note of the budget; a
  // taco reaction by someone else counts for the post's author and can be taken back; Kith's own
  // reactions never count; the leaderboard lists the result.
  async recognition(server, kith) {
    await connected(kith);
    const thanks = server.userPosts(server.alice, server.town, '+1 @bob for the review');
    await waitFor(() => server.reactions.some((r) => r.user_id === server.bot.id), 'a reaction from Kith\n' + kith.output);
    const reaction = server.reactions.find((r) => r.user_id === server.bot.id);
    assert.equal(reaction.post_id, thanks.id);
    assert.equal(reaction.emoji_name, 'taco');
    const sent = server.requests.filter((r) => r.method === 'POST' && r.path === '/api/v4/reactions');
    assert.equal(sent.length, 1);
    assert.deepEqual(sent[0].body, { user_id: server.bot.id, post_id: thanks.id, emoji_name: 'taco' });
    assert.equal(sent[0].status ?? 201, 201);
    const budget = await privateAnswer(server, kith, server.alice, 1, "alice's budget");
    assert.equal(budget.post.channel_id, server.town.id);
    assert.equal(shown(budget.post.message), 'Recognition for **Bob Baker** recorded. You have 4 left today.');
    // Giving to yourself is refused privately, with no reaction.
    server.userPosts(server.alice, server.town, '+1 @alice');
    assert.match(shown((await privateAnswer(server, kith, server.alice, 2, 'the refusal')).post.message), /^Nice try!/);

    // Carol reacts with :taco: on Bob's post.
    const work = server.userPosts(server.bob, server.town, 'the release notes are out');
    server.userReacts(server.carol, work, 'taco');
    const carolBudget = await privateAnswer(server, kith, server.carol, 1, "carol's budget\n");
    assert.equal(shown(carolBudget.post.message), 'Recognition for **Bob Baker** recorded. You have 4 left today.');
    await waitFor(() => botPosts(server).some((p) => /recognised/.test(p.message)), 'the public acknowledgement');
    assert.equal(shown(botPosts(server).find((p) => /recognised/.test(p.message)).message), '@carol recognised @bob');

    const leaderboard = async (n) => {
      server.userPosts(server.alice, server.town, '@kith leaderboard week');
      const board = await waitFor(() => botPosts(server).filter((p) => /Recognition received/.test(p.message))[n - 1], 'the leaderboard\n' + kith.output);
      assert.equal(board.channel_id, server.town.id);
      return shown(board.message);
    };
    assert.equal(await leaderboard(1), '**Recognition received, this week**\n1. Bob Baker — 2', "Kith's own taco on alice's post does not count");
    // Carol takes her reaction back.
    server.userUnreacts(server.carol, work, 'taco');
    assert.match(shown((await privateAnswer(server, kith, server.carol, 2, 'the undo note')).post.message), /^You took your recognition back/);
    assert.equal(await leaderboard(2), '**Recognition received, this week**\n1. Bob Baker — 1');
    assert.equal(server.reactions.filter((r) => r.user_id === server.bot.id).length, 1, 'one reaction from Kith in all');

    // A :taco: on a post from before Kith started (never seen, beyond catch-up): Kith asks the
    // server whose post it is, and it counts for its author.
    const old = server.insertPost(server.bob.id, server.town.id, 'an old post', { create_at: Date.now() - 3 * 3600e3, update_at: Date.now() - 3 * 3600e3 });
    server.userReacts(server.carol, old, 'taco');
    const third = await privateAnswer(server, kith, server.carol, 3, "carol's recognition on an old post");
    assert.equal(shown(third.post.message), 'Recognition for **Bob Baker** recorded. You have 4 left today.');
    assert.ok(server.requests.some((r) => r.method === 'GET' && r.path === `/api/v4/posts/${old.id}`), 'the post was looked up');
    assert.equal(await leaderboard(3), '**Recognition received, this week**\n1. Bob Baker — 2');
  },
});

// Intro pairings with a weekly program in town square whose round comes a minute or two after
// Kith starts (schedules have minute precision).
function pairingsWorkspace(server) {
  const now = new Date();
  const round = new Date(Math.ceil((now.getTime() + (now.getUTCSeconds() >= 30 ? 60000 : 0) + 1) / 60000) * 60000);
  const days = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
  const hhmm = `${String(round.getUTCHours()).padStart(2, '0')}:${String(round.getUTCMinutes()).padStart(2, '0')}`;
  server.roundAt = round.getTime();
  return ['[pairings]', 'onboarding = false', '[[pairings.program]]', 'name = "coffee"', `channel = "${server.town.id}"`,
    'cadence = "weekly"', `weekday = "${days[round.getUTCDay()]}"`, `time = "${hhmm}"`, 'timezone = "UTC"', 'notice_hours = 1'];
}

Object.assign(scenarios, {
  // Intro pairings: people join, one presses "Skip this round" on the notice, and at the round Kith
  // opens a group message with the pair (POST /channels/group, Kith included) and posts the intro there.
  async group_message(server, kith) {
    await connected(kith);
    for (const [i, u] of [server.alice, server.bob, server.carol].entries()) {
      server.userPosts(u, server.town, '@kith pairings join coffee');
      const reply = await privateAnswer(server, kith, u, 1, `${u.username} joining`);
      assert.match(shown(reply.post.message), /^You're in \*\*coffee\*\*/, `reply ${i}`);
    }
    const notice = await waitFor(() => botPosts(server).find((p) => /Intro pairings/.test(p.message)), 'the pre-round notice\n' + kith.output);
    assert.equal(notice.channel_id, server.town.id);
    const click = await server.clickButton(server.carol, notice, 'Skip this round');
    assert.equal(click.status, 200);
    await privateAnswer(server, kith, server.carol, 2, "carol's skip confirmation");
    const wait = Math.max(0, server.roundAt - Date.now()) + 30000;
    const opened = await waitFor(() => server.requests.find((r) => r.method === 'POST' && r.path === '/api/v4/channels/group'),
      'the group message at the round\n' + kith.output, wait);
    assert.deepEqual([...opened.body].sort(), [server.alice.id, server.bob.id, server.bot.id].sort(), 'the pair and Kith; carol skipped');
    const group = [...server.channels.values()].find((c) => c.type === 'G');
    assert.deepEqual([...server.members.get(group.id)].sort(), [server.alice.id, server.bob.id, server.bot.id].sort());
    const intro = await waitFor(() => botPosts(server).find((p) => p.channel_id === group.id), 'the intro in the group\n' + kith.output);
    const text = shown(intro.message);
    assert.match(text, /^\*\*Meet your coffee partner!\*\*/);
    assert.match(text, /@alice/);
    assert.match(text, /@bob/);
    assert.match(text, /Conversation starter: _/);
    assert.doesNotMatch(text, /@carol/);
    assert.ok(!botPosts(server).some((p) => server.channels.get(p.channel_id).type === 'D'), 'no direct messages instead of the group');
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(server.requests.filter((r) => r.path === '/api/v4/channels/group').length, 1, 'one group message');
  },
});

// The weekly digest with its slot two minutes ago (owed once Kith's first sight of the job is
// moved back, see the scenario), and two more people so that the team "core" has five.
function digestWorkspace(server) {
  const slot = new Date(Date.now() - 2 * 60 * 1000);
  const days = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
  server.dave = server.addUser('dave', 'Dave', 'Dunn');
  server.erin = server.addUser('erin', 'Erin', 'Ellis');
  server.frank = server.addUser('frank', 'Frank', 'Fox');
  for (const u of [server.dave, server.erin, server.frank]) server.members.get(server.town.id).add(u.id);
  return ['[digest]', `weekday = "${days[slot.getUTCDay()]}"`, `time = "${slot.toISOString().slice(11, 16)}"`];
}

Object.assign(scenarios, {
  // The weekly digest: three hours of conversation in town square, the organisation imported,
  // and at the slot the lead of "core" gets a direct message with the chart uploaded through
  // POST /files; Frank, who leads a team of one, is told that nothing can be shown.
  async digest(server, kith, ctx) {
    await connected(kith);
    const core = [server.alice, server.bob, server.carol, server.dave, server.erin];
    // Last week: digests cover whole weeks, to Monday 00:00 UTC.
    const now = new Date();
    const thisMonday = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - ((now.getUTCDay() + 6) % 7) * 864e5;
    const earlier = thisMonday - 3 * 3600e3;
    let n = 0;
    const say = (from, to) => {
      const post = server.insertPost(from.id, server.town.id, `@${to.username} see the notes`, { create_at: earlier + n * 1000, update_at: earlier + n * 1000 });
      n++;
      server.announcePost(post, from, server.town);
    };
    for (const from of core) for (const to of core) if (to !== from) say(from, to);
    for (const to of [server.alice, server.bob, server.alice, server.bob]) say(server.frank, to);
    say(server.carol, server.frank);
    say(server.carol, server.frank);
    const sql = (query) => sqlite(ctx, query);
    await waitFor(() => sql('SELECT count(*) FROM interactions')[0][0] >= n, 'the conversation to be captured\n' + kith.output);
    assert.equal((await kith.stop()).code, 0);

    const csv = path.join(ctx.dir, 'people.csv');
    fs.writeFileSync(csv, 'user,team,lead,start_date,manager\n' +
      core.map((u, i) => `${u.username},core,${i === 0 ? 'yes' : 'no'},2024-01-0${i + 1},`).join('\n') + '\nfrank,ops,yes,2024-02-01,\n');
    execFileSync(kithPath, ['org', 'import', csv, '--config', path.join(ctx.dir, 'kith.toml')]);
    sql("UPDATE schedule_jobs SET anchor = anchor - 3600 WHERE name = 'digest/weekly'");
    ctx.kith = new Kith(server, ctx).start();

    const dm = (user) => [...server.channels.values()].find((c) => c.type === 'D' && server.members.get(c.id).has(user.id));
    const digestTo = (user) => botPosts(server).filter((p) => p.channel_id === dm(user)?.id);
    const [lead] = await waitFor(() => digestTo(server.alice).length && digestTo(server.alice), "alice's digest\n" + ctx.kith.output, 30000);
    assert.match(shown(lead.message), /^\*\*Your team's week: core\*\* \(5 people, /);
    assert.match(shown(lead.message), /^• \*\*3\*\* ties to other teams/m);
    assert.equal(lead.file_ids.length, 1, 'the chart is attached');
    const chart = server.files.get(lead.file_ids[0]);
    assert.equal(chart.channel_id, lead.channel_id, 'uploaded to the direct channel');
    assert.equal(chart.info.mime_type, 'image/png');
    assert.deepEqual([...chart.data.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
    const [small] = await waitFor(() => digestTo(server.frank).length && digestTo(server.frank), "frank's digest");
    assert.match(shown(small.message), /Too few people share data in this group/);
    assert.doesNotMatch(small.message, /•/);
    assert.equal((small.file_ids || []).length, 0, 'no chart about a team of one');
    assert.equal(digestTo(server.bob).length, 0, 'only leads get a digest');
    for (const file of fs.readdirSync(path.join(ctx.dir, 'data')).filter((f) => f.startsWith('kith.sqlite3'))) {
      assert.ok(!fs.readFileSync(path.join(ctx.dir, 'data', file)).includes('see the notes'), `no message text in ${file}`);
    }
  },
});

// Workspaces some scenarios need before Kith starts; they may return extra configuration lines.
// 210 more people in town square, so listings take more than one page.
function crowdedWorkspace(server) {
  server.crowd = Array.from({ length: 210 }, (_, i) => server.addUser(`person${i}`, 'Person', String(i)));
  for (const u of server.crowd) server.members.get(server.town.id).add(u.id);
}

const setups = { answers: crowdedWorkspace, quiz: quizWorkspace, group_message: pairingsWorkspace, digest: digestWorkspace,
  ping_timeout: () => ['ping_interval_seconds = 1'], timeout: () => ['request_timeout_seconds = 1'] };
const fixture = (name) => fs.readFileSync(path.join(__dirname, 'fixtures', name));
// How some scenarios start the server and Kith.
const serverOptions = { tls: () => ({ tls: { key: fixture('tls_localhost.key'), cert: fixture('tls_localhost.crt') } }) };
const kithEnv = {
  env_token: (server) => ({ KITH_MATTERMOST_TOKEN: server.botToken }),
  tls: () => ({ SSL_CERT_FILE: path.join(__dirname, 'fixtures', 'tls_localhost.crt') }),
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
  const server = await new MattermostTestServer(serverOptions[scenario]?.() || {}).start();
  const extraConfig = setups[scenario]?.(server) || [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kith-mm-'));
  const ctx = { dir, listenPort: await freePort(), extraConfig, env: kithEnv[scenario]?.(server) || {} };
  ctx.kith = new Kith(server, ctx).start();
  try {
    await run(server, ctx.kith, ctx);
    const result = await ctx.kith.stop();
    assert.equal(result.code, 0, `kith exited with ${JSON.stringify(result)}\n${ctx.kith.output}`);
    assert.deepEqual(server.violations, [], 'every request the adapter sent is allowed by the OpenAPI description');
    assert.doesNotMatch(ctx.kith.output, new RegExp(server.botToken), 'the bot token is never logged');
  } catch (e) {
    if (ctx.kith.proc.exitCode === null) ctx.kith.proc.kill('SIGKILL');
    kithRuns.forEach((k, i) => console.error(`--- kith output (run ${i + 1} of ${kithRuns.length}) ---\n${k.output}`));
    throw e;
  } finally {
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().then(() => { console.log(`mattermost e2e ${scenario}: ok`); process.exit(0); },
  (e) => { console.error(e); process.exit(1); });
