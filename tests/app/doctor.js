'use strict';
// `kith doctor` through the real binary, against the protocol test servers (the Mattermost one checks every
// request against the official OpenAPI description, the Matrix one against the Client-Server API): a healthy
// installation, then one broken case per check, each asserting the line that names it and the exit code.
// Usage: node doctor.js <path to kith> <scenario>     (CTest runs one scenario per test)
const { spawn, execFile } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const net = require('net');
const http = require('http');
const assert = require('node:assert/strict');
const { MattermostTestServer } = require('../mattermost/mm_server');
const { TestHomeserver } = require('../matrix/conformance/homeserver');
const { loadSpec: loadMatrixSpec } = require('../matrix/conformance/spec');

const [kithPath, scenario] = process.argv.slice(2);
const fixture = (name) => fs.readFileSync(path.join(__dirname, '..', 'mattermost', 'fixtures', name));

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

// Runs `kith doctor` and returns {code, out, lines}: lines maps each check's name to {status, detail}.
function doctor(config, env = {}, args = []) {
  const childEnv = { ...process.env };
  delete childEnv.KITH_MATTERMOST_TOKEN;
  delete childEnv.KITH_MATRIX_TOKEN;
  delete childEnv.SSL_CERT_FILE;
  Object.assign(childEnv, env);
  return new Promise((resolve) => {
    execFile(kithPath, ['doctor', '--config', config, ...args], { env: childEnv, timeout: 60000 }, (error, stdout, stderr) => {
      const lines = {};
      for (const line of stdout.split('\n')) {
        const m = /^(ok|warn|FAIL|skip) +([^:]+): (.*)$/.exec(line);
        if (m) (lines[m[2]] ??= []).push({ status: m[1], detail: m[3] });
      }
      const code = error ? (typeof error.code === 'number' ? error.code : `signal ${error.signal}`) : 0;
      resolve({ code, out: stdout + stderr, lines, line: (name) => (lines[name] || [])[0] || { status: 'missing', detail: stdout } });
    });
  });
}

function expectLine(result, name, status, pattern) {
  const l = result.line(name);
  assert.equal(l.status, status, `${name}: expected ${status}, got ${l.status} ${l.detail}\n${result.out}`);
  if (pattern) assert.match(l.detail, pattern, `${name}\n${result.out}`);
}

// ---- Mattermost ----------------------------------------------------------------------------------
async function mattermost(dir, { serverOptions = {}, token, listenPort, extra = [], tokenMode = 0o600, publicUrl } = {}) {
  const server = await new MattermostTestServer(serverOptions).start();
  const port = listenPort ?? await freePort();
  fs.writeFileSync(path.join(dir, 'token'), (token ?? server.botToken) + '\n', { mode: tokenMode });
  fs.chmodSync(path.join(dir, 'token'), tokenMode);
  fs.writeFileSync(path.join(dir, 'command-token'), 'slash-secret\n', { mode: 0o600 });
  const config = path.join(dir, 'kith.toml');
  fs.writeFileSync(config, ['[bot]', `data_dir = "${path.join(dir, 'data')}"`, 'adapter = "mattermost"',
    '[mattermost]', `url = "${server.url}"`, `token_file = "${path.join(dir, 'token')}"`,
    `listen = "127.0.0.1:${port}"`, ...(publicUrl === null ? [] : [`public_url = "${publicUrl ?? `http://127.0.0.1:${port}`}"`]),
    `command_token_files = ["${path.join(dir, 'command-token')}"]`, ...extra, ''].join('\n'));
  return { server, config, port };
}

// No request outside the API description, and never the token in what doctor prints.
function clean(server, result) {
  assert.deepEqual(server.violations, [], 'every request doctor sent is allowed by the OpenAPI description');
  assert.doesNotMatch(result.out, new RegExp(server.botToken), 'the token is never printed');
}

const scenarios = {
  // Everything in order before the first start: no FAIL, exit 0.
  async mm_healthy(dir) {
    const { server, config } = await mattermost(dir);
    try {
      const r = await doctor(config);
      assert.equal(r.code, 0, r.out);
      expectLine(r, 'connection', 'ok', /answered/);
      expectLine(r, 'tls', 'ok', /loopback/);
      expectLine(r, 'clock', 'ok');
      expectLine(r, 'token', 'ok', /accepted for @kith \(a bot account\)/);
      expectLine(r, 'posting', 'ok', /system_user/);
      expectLine(r, 'private answers', 'warn', /create_post_ephemeral/);
      expectLine(r, 'channels', 'ok', /member of 1 channel in 1 team/);
      expectLine(r, 'listener', 'ok', /can be bound/);
      expectLine(r, 'public url', 'ok', /mattermost\/command/);
      expectLine(r, 'token file', 'ok');
      expectLine(r, 'slash-command token', 'ok');
      expectLine(r, 'database', 'warn', /first kith run creates it/);
      expectLine(r, 'pseudonym key', 'warn');
      expectLine(r, 'disk', 'ok');
      assert.match(r.out, /kith doctor: no check failed/);
      clean(server, r);
    } finally { await server.stop(); }
  },

  // A system admin bot may post ephemeral messages.
  async mm_admin_bot(dir) {
    const { server, config } = await mattermost(dir);
    server.bot.roles = 'system_user system_admin';
    try {
      const r = await doctor(config);
      expectLine(r, 'private answers', 'ok', /ephemeral/);
      clean(server, r);
    } finally { await server.stop(); }
  },

  // With Kith running: its listener answers /healthz, the database and the key it made are checked.
  async mm_running(dir) {
    const { server, config, port } = await mattermost(dir);
    const kith = spawn(kithPath, ['run', '--config', config], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, KITH_MATTERMOST_TOKEN: '' } });
    let output = '';
    kith.stdout.on('data', (d) => { output += d; });
    kith.stderr.on('data', (d) => { output += d; });
    try {
      const deadline = Date.now() + 20000;
      for (;;) {
        const status = await new Promise((resolve) => http.get(`http://127.0.0.1:${port}/healthz`, (res) => { res.resume(); resolve(res.statusCode); }).on('error', () => resolve(0)));
        if (status === 200) break;
        if (Date.now() > deadline) throw new Error('kith never connected\n' + output);
        await new Promise((r) => setTimeout(r, 50));
      }
      const r = await doctor(config);
      assert.equal(r.code, 0, r.out);
      expectLine(r, 'listener', 'ok', new RegExp(`Kith runs on 127.0.0.1:${port} and is connected`));
      expectLine(r, 'public url', 'ok', /answers \/healthz/);
      expectLine(r, 'data folder', 'ok', /mode 0700/);
      expectLine(r, 'database', 'ok', /quick_check ok, schema version \d+, mode 0600/);
      expectLine(r, 'pseudonym key', 'ok', /32 bytes, mode 0600/);
      clean(server, r);
    } finally {
      kith.kill('SIGTERM');
      await new Promise((r) => kith.on('exit', r));
      await server.stop();
    }
  },

  // Nothing listens at [mattermost] url.
  async mm_unreachable(dir) {
    const { server, config } = await mattermost(dir);
    await server.stop();
    const r = await doctor(config);
    assert.equal(r.code, 1, r.out);
    expectLine(r, 'connection', 'FAIL', /cannot reach http:\/\/127\.0\.0\.1:\d+: Connection refused; check \[mattermost\] url/);
    expectLine(r, 'token', 'skip');
  },

  // HTTPS with a certificate this machine does not trust; trusted once its CA is given.
  async mm_tls(dir) {
    const { server, config } = await mattermost(dir, { serverOptions: { tls: { key: fixture('tls_localhost.key'), cert: fixture('tls_localhost.crt') } } });
    try {
      const untrusted = await doctor(config);
      assert.equal(untrusted.code, 1, untrusted.out);
      expectLine(untrusted, 'connection', 'ok');
      expectLine(untrusted, 'tls', 'FAIL', /certificate verify failed.*SSL_CERT_FILE/);
      expectLine(untrusted, 'token', 'skip');
      const trusted = await doctor(config, { SSL_CERT_FILE: path.join(__dirname, '..', 'mattermost', 'fixtures', 'tls_localhost.crt') });
      expectLine(trusted, 'tls', 'ok', /certificate of localhost is valid/);
      expectLine(trusted, 'token', 'ok');
      assert.equal(trusted.code, 0, trusted.out);
      clean(server, trusted);
    } finally { await server.stop(); }
  },

  async mm_bad_token(dir) {
    const { server, config } = await mattermost(dir, { token: 'not-the-token' });
    try {
      const r = await doctor(config);
      assert.equal(r.code, 1, r.out);
      expectLine(r, 'token', 'FAIL', /refused the bot token \(HTTP 401\): check that KITH_MATTERMOST_TOKEN or \[mattermost\] token_file/);
      expectLine(r, 'posting', 'skip');
      assert.doesNotMatch(r.out, /not-the-token/);
      clean(server, r);
    } finally { await server.stop(); }
  },

  // The token file is readable by others.
  async mm_token_file_open(dir) {
    const { server, config } = await mattermost(dir, { tokenMode: 0o644 });
    try {
      const r = await doctor(config);
      assert.equal(r.code, 1, r.out);
      expectLine(r, 'token file', 'FAIL', /mode 0644, readable by others: chmod 600/);
      clean(server, r);
    } finally { await server.stop(); }
  },

  // The server's clock is an hour behind this machine's.
  async mm_clock_skew(dir) {
    const { server, config } = await mattermost(dir);
    const send = server.send.bind(server);
    server.send = (res, status, body, headers = {}) => send(res, status, body, { Date: new Date(Date.now() - 3600e3).toUTCString(), ...headers });
    try {
      const r = await doctor(config);
      assert.equal(r.code, 1, r.out);
      expectLine(r, 'clock', 'FAIL', /this machine's clock is 3[56]\d\d s ahead of Mattermost at/);
      clean(server, r);
    } finally { await server.stop(); }
  },

  // A guest account cannot open direct messages.
  async mm_guest_bot(dir) {
    const { server, config } = await mattermost(dir);
    server.bot.roles = 'system_guest';
    try {
      const r = await doctor(config);
      assert.equal(r.code, 1, r.out);
      expectLine(r, 'posting', 'FAIL', /system_guest.*without system_user/);
      clean(server, r);
    } finally { await server.stop(); }
  },

  // The bot is in no channel.
  async mm_no_channel(dir) {
    const { server, config } = await mattermost(dir);
    server.members.get(server.town.id).delete(server.bot.id);
    try {
      const r = await doctor(config);
      expectLine(r, 'channels', 'warn', /no channel of its 1 team: \/invite @kith/);
      clean(server, r);
    } finally { await server.stop(); }
  },

  // Another program holds the listen address.
  async mm_listener_taken(dir) {
    const other = http.createServer((req, res) => { res.writeHead(404); res.end('nope'); });
    await new Promise((r) => other.listen(0, '127.0.0.1', r));
    const { server, config } = await mattermost(dir, { listenPort: other.address().port });
    try {
      const r = await doctor(config);
      assert.equal(r.code, 1, r.out);
      expectLine(r, 'listener', 'FAIL', /is taken by a program that is not Kith.*change \[mattermost\] listen/);
      clean(server, r);
    } finally { await server.stop(); other.close(); }
  },

  // Listening on every address with no public_url: Mattermost would be told to call 0.0.0.0.
  async mm_public_url_missing(dir) {
    const { server, config } = await mattermost(dir, { publicUrl: null });
    fs.writeFileSync(config, fs.readFileSync(config, 'utf8').replace(/listen = "127\.0\.0\.1:/, 'listen = "0.0.0.0:'));
    try {
      const r = await doctor(config);
      assert.equal(r.code, 1, r.out);
      expectLine(r, 'public url', 'FAIL', /http:\/\/0\.0\.0\.0:\d+ \(no \[mattermost\] public_url\) is no address Mattermost can call: set public_url/);
      clean(server, r);
    } finally { await server.stop(); }
  },

  // ---- Matrix ---------------------------------------------------------------------------------------
  // In one plain and one encrypted room: the encrypted one is named, as a warning.
  async mx_healthy(dir) {
    const { hs, config } = await matrix(dir);
    try {
      const plain = hs.createRoom(hs.alice, { name: 'plain', join: [hs.kith] });
      const secret = hs.createRoom(hs.alice, { name: 'secret', join: [hs.kith], encrypted: true });
      const r = await doctor(config);
      assert.equal(r.code, 0, r.out);
      expectLine(r, 'connection', 'ok');
      expectLine(r, 'clock', 'ok');
      expectLine(r, 'token', 'ok', new RegExp(`accepted for ${hs.kith.replace(/[.]/g, '\\.')}`));
      expectLine(r, 'rooms', 'ok', /in 2 rooms/);
      expectLine(r, 'encryption', 'warn', new RegExp(`1 of 2 rooms are end-to-end encrypted \\(${secret.replace(/[.$]/g, '\\$&')}\\): Kith cannot read them`));
      assert.doesNotMatch(r.line('encryption').detail, new RegExp(plain.replace(/[.$]/g, '\\$&')));
      matrixClean(hs, r);
    } finally { await hs.stop(); }
  },

  async mx_bad_token(dir) {
    const { hs, config } = await matrix(dir, { token: 'tok_nobody' });
    try {
      const r = await doctor(config);
      assert.equal(r.code, 1, r.out);
      expectLine(r, 'token', 'FAIL', /refused the access token \(M_UNKNOWN_TOKEN\): check that KITH_MATRIX_TOKEN or \[matrix\] token_file/);
      expectLine(r, 'rooms', 'skip');
      assert.doesNotMatch(r.out, /tok_nobody/);
    } finally { await hs.stop(); }
  },

  // The token is someone else's.
  async mx_wrong_user(dir) {
    const { hs, config } = await matrix(dir, { tokenOf: 'alice' });
    try {
      const r = await doctor(config);
      assert.equal(r.code, 1, r.out);
      expectLine(r, 'token', 'FAIL', /the access token is @alice:hs\.test's, not \[matrix\] user_id @kith:hs\.test's/);
    } finally { await hs.stop(); }
  },

  async mx_no_rooms(dir) {
    const { hs, config } = await matrix(dir);
    try {
      const r = await doctor(config);
      assert.equal(r.code, 0, r.out);
      expectLine(r, 'rooms', 'warn', /in no room yet: invite it/);
      matrixClean(hs, r);
    } finally { await hs.stop(); }
  },
};

async function matrix(dir, { token, tokenOf = 'kith' } = {}) {
  const hs = new TestHomeserver(loadMatrixSpec());
  await hs.start();
  hs.kith = hs.addUser('kith', { displayname: 'Kith' });
  hs.alice = hs.addUser('alice');
  hs.strictUsers.add(hs.kith);
  const real = hs.token(tokenOf === 'kith' ? hs.kith : hs.alice);
  hs.secret = token ?? real;
  fs.writeFileSync(path.join(dir, 'token'), hs.secret + '\n', { mode: 0o600 });
  const config = path.join(dir, 'kith.toml');
  fs.writeFileSync(config, ['[bot]', `data_dir = "${path.join(dir, 'data')}"`, 'adapter = "matrix"',
    '[matrix]', `homeserver = "${hs.url}"`, `user_id = "${hs.kith}"`, `token_file = "${path.join(dir, 'token')}"`,
    `accept_invites_from = ["${hs.serverName}"]`, ''].join('\n'));
  return { hs, config };
}

function matrixClean(hs, result) {
  assert.deepEqual(hs.violations, [], 'every request doctor sent is allowed by the Client-Server API');
  assert.doesNotMatch(result.out, new RegExp(hs.secret), 'the token is never printed');
}

async function main() {
  const run = scenarios[scenario];
  if (!run) throw new Error(`unknown scenario ${scenario}; one of ${Object.keys(scenarios).join(', ')}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kith-doctor-'));
  try { await run(dir); } finally { fs.rmSync(dir, { recursive: true, force: true }); }
}

main().then(() => { console.log(`doctor ${scenario}: ok`); process.exit(0); },
  (e) => { console.error(e); process.exit(1); });
