'use strict';
// The same harness shape as harness.js (scenario, startKith, waitFor, sql), but with a real
// homeserver: Synapse 1.98.0 or Dendrite v0.13.8 as installed by tests/matrix/realhs/install.sh
// into build/realhs, chosen by KITH_HOMESERVER=synapse|dendrite. The people are real users on it,
// registered with the shared secret and driven by matrix-js-sdk.
//
// Each server's data directory is migrated once into a template (the cold start, which creates
// its whole schema), and every scenario starts its own server from a copy of that template (the
// warm start). Nothing listens beyond 127.0.0.1 and nothing is configured to leave the machine.
const crypto = require('crypto');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');
const { spawn } = require('child_process');
const sdk = require('matrix-js-sdk');
const yaml = require('js-yaml');
const harness = require('./harness');

// The SDK logs every request at debug level; the scenarios want its warnings only.
const quiet = { trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error, getChild() { return quiet; } };

const kind = process.env.KITH_HOMESERVER || 'synapse';
const root = path.resolve(process.env.KITH_REALHS_DIR || path.join(__dirname, '../../../build/realhs'));
const sharedSecret = 'kith-test-registration-secret';
const peopleNames = ['alice', 'bob', 'carol', 'dan', 'erin', 'frank'];

// Real servers are polled with requests: every 100 ms is enough and keeps them unloaded.
const waitFor = (what, predicate, timeoutMs = 30000) => harness.waitFor(what, predicate, timeoutMs, { intervalMs: 100 });

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => { const { port } = server.address(); server.close(() => resolve(port)); });
  });
}

// Synapse's rate limits, lifted so that scenarios run at the speed of the server; the one that
// keeps the default message limit (0.2/s, burst 10) passes `defaultMessageRateLimit`.
const unlimited = { per_second: 10000, burst_count: 10000 };
function synapseRateLimits({ defaultMessageRateLimit }) {
  return {
    ...(defaultMessageRateLimit ? {} : { rc_message: unlimited }),
    rc_registration: unlimited,
    rc_login: { address: unlimited, account: unlimited, failed_attempts: unlimited },
    rc_joins: { local: unlimited, remote: unlimited },
    rc_joins_per_room: unlimited,
    rc_invites: { per_room: unlimited, per_user: unlimited, per_issuer: unlimited },
    rc_admin_redaction: unlimited,
    rc_3pid_validation: unlimited,
  };
}

const servers = {
  synapse: {
    serverName: 'synapse.test',
    binary: () => path.join(root, 'synapse-venv/bin/python'),
    makeKeys(data) {
      return run(path.join(root, 'synapse-venv/bin/generate_signing_key'), ['-o', path.join(data, 'signing.key')]);
    },
    config(data, port, options) {
      return {
        server_name: this.serverName,
        pid_file: path.join(data, 'homeserver.pid'),
        // The client API only (it includes the media repository and the admin API): no
        // federation listener.
        listeners: [{ port, bind_addresses: ['127.0.0.1'], type: 'http', tls: false, x_forwarded: false,
          resources: [{ names: ['client'], compress: false }] }],
        database: { name: 'sqlite3', args: { database: path.join(data, 'homeserver.db') } },
        media_store_path: path.join(data, 'media_store'),
        signing_key_path: path.join(data, 'signing.key'),
        enable_registration: false,
        registration_shared_secret: sharedSecret,
        macaroon_secret_key: 'kith-test-macaroon-secret',
        form_secret: 'kith-test-form-secret',
        report_stats: false,
        trusted_key_servers: [],
        suppress_key_server_warning: true,
        federation_domain_whitelist: [],
        url_preview_enabled: false,
        presence: { enabled: true },
        bcrypt_rounds: 4,  // the minimum: registrations and logins in milliseconds
        ...synapseRateLimits(options),
        ...options.extraConfig,
      };
    },
    command(data, configFile) {
      return { file: this.binary(), args: ['-m', 'synapse.app.homeserver', '--config-path', configFile] };
    },
  },
  dendrite: {
    serverName: 'dendrite.test',
    binary: () => path.join(root, 'bin/dendrite'),
    makeKeys(data) {
      return run(path.join(root, 'bin/generate-keys'), ['--private-key', path.join(data, 'matrix_key.pem')]);
    },
    // Relative paths are relative to the data directory (the config file's and the process's).
    config(data, port, options) {
      const db = (name) => ({ connection_string: `file:${name}.db` });
      return {
        version: 2,
        global: {
          server_name: this.serverName,
          private_key: 'matrix_key.pem',
          key_validity_period: '168h0m0s',
          cache: { max_size_estimated: '64mb', max_age: '1h' },
          trusted_third_party_id_servers: [],
          disable_federation: true,
          presence: { enable_inbound: true, enable_outbound: false },
          report_stats: { enabled: false },
          jetstream: { storage_path: './jetstream', topic_prefix: 'Dendrite' },
          dns_cache: { enabled: false },
        },
        client_api: {
          registration_disabled: true,
          guests_disabled: true,
          registration_shared_secret: sharedSecret,
          rate_limiting: options.defaultMessageRateLimit
            ? { enabled: true, threshold: 20, cooloff_ms: 500 } : { enabled: false },
        },
        federation_api: { database: db('federationapi'), key_perspectives: [] },
        key_server: { database: db('keyserver') },
        media_api: { database: db('mediaapi'), base_path: './media_store', max_file_size_bytes: 10485760, dynamic_thumbnails: false },
        mscs: { database: db('mscs'), mscs: [] },
        relay_api: { database: db('relayapi') },
        room_server: { database: db('roomserver') },
        sync_api: { database: db('syncapi'), search: { enabled: false } },
        user_api: { account_database: db('userapi_accounts'), bcrypt_cost: 4 },
        tracing: { enabled: false },
        logging: [{ type: 'std', level: 'info' }],
        ...options.extraConfig,
      };
    },
    command(data, configFile, port) {
      return { file: this.binary(), args: ['--config', configFile, '--http-bind-address', `127.0.0.1:${port}`] };
    },
  },
};

function run(file, args) {
  return new Promise((resolve, reject) => {
    const p = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { out += d; });
    p.on('error', reject);
    p.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${file} failed (${code}): ${out}`))));
  });
}

async function request(url, { method = 'GET', token, body } = {}) {
  const res = await fetch(url, {
    method,
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { json = { raw: text }; }
  return { status: res.status, json };
}

class RealHomeserver {
  constructor(options = {}) {
    this.server = servers[kind];
    if (!this.server) throw new Error(`KITH_HOMESERVER must be synapse or dendrite, not ${kind}`);
    this.kind = kind;
    this.serverName = this.server.serverName;
    this.options = { defaultMessageRateLimit: false, extraConfig: {}, ...options };
    this.out = '';
  }

  // Starts a server on `data` and resolves once its client API answers.
  async launch(data) {
    const port = await freePort();
    const configFile = path.join(data, 'homeserver.yaml');
    fs.writeFileSync(configFile, yaml.dump(this.server.config(data, port, this.options)));
    const { file, args } = this.server.command(data, configFile, port);
    if (!fs.existsSync(file)) throw new Error(`${file} is missing: run tests/matrix/realhs/install.sh`);
    this.proc = spawn(file, args, { cwd: data, stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc.stdout.on('data', (d) => { this.out += d; });
    this.proc.stderr.on('data', (d) => { this.out += d; });
    this.exited = new Promise((resolve) => this.proc.on('exit', (code, signal) => resolve({ code, signal })));
    this.url = `http://127.0.0.1:${port}`;
    const started = Date.now();
    let dead = false;
    this.exited.then(() => { dead = true; });
    await harness.waitFor(`${this.kind} to answer on ${this.url}`, async () => {
      if (dead) throw new Error(`${this.kind} exited while starting:\n${this.out.slice(-4000)}`);
      try { return (await fetch(`${this.url}/_matrix/client/versions`)).status === 200; } catch { return false; }
    }, 180000, { intervalMs: 100 });
    return Date.now() - started;
  }

  async stop() {
    if (!this.proc || this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    this.proc.kill('SIGTERM');
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 20000);
    try { await this.exited; } finally { clearTimeout(timer); }
  }

  // The migrated template, made once per installation (install.sh removes it on a reinstall).
  async template() {
    const dir = path.join(root, 'templates', this.kind);
    if (fs.existsSync(dir)) return dir;
    const scratch = fs.mkdtempSync(path.join(root, `template-${this.kind}-`));
    await this.server.makeKeys(scratch);
    const ms = await this.launch(scratch);
    await this.stop();
    fs.rmSync(path.join(scratch, 'homeserver.yaml'));
    fs.mkdirSync(path.dirname(dir), { recursive: true });
    fs.renameSync(scratch, dir);
    console.log(`# ${this.kind}: cold start (creating the schema) ${ms} ms`);
    return dir;
  }

  async start() {
    const template = await this.template();
    this.data = fs.mkdtempSync(path.join(os.tmpdir(), `kith-${this.kind}-`));
    fs.cpSync(template, this.data, { recursive: true });
    const ms = await this.launch(this.data);
    console.log(`# ${this.kind}: warm start from the template ${ms} ms`);
  }

  async cleanup() {
    await this.stop();
    if (this.data) fs.rmSync(this.data, { recursive: true, force: true });
  }

  // Shared-secret registration (Synapse's admin API, which Dendrite implements too).
  async register(localpart, password, { admin = false, displayname } = {}) {
    const endpoint = `${this.url}/_synapse/admin/v1/register`;
    const { json: { nonce } } = await request(endpoint);
    const mac = crypto.createHmac('sha1', sharedSecret)
      .update([nonce, localpart, password, admin ? 'admin' : 'notadmin'].join('\0')).digest('hex');
    const res = await request(endpoint, { method: 'POST', body: { nonce, username: localpart, password, admin, mac, displayname } });
    if (res.status !== 200) throw new Error(`registering ${localpart} on ${this.kind}: ${res.status} ${JSON.stringify(res.json)}`);
    return res.json;
  }

  async login(localpart, password) {
    const res = await request(`${this.url}/_matrix/client/v3/login`, { method: 'POST',
      body: { type: 'm.login.password', identifier: { type: 'm.id.user', user: localpart }, password, initial_device_display_name: 'Kith' } });
    if (res.status !== 200) throw new Error(`logging in ${localpart} on ${this.kind}: ${res.status} ${JSON.stringify(res.json)}`);
    return res.json;
  }

  // A client-server request with a token, for what the scenarios check beside the SDK.
  api(method, endpoint, token, body) { return request(`${this.url}/_matrix/client/v3${endpoint}`, { method, token, body }); }
}

// A real homeserver with Kith's account (registered, then logged in as an admin would) and six
// colleagues, each with a matrix-js-sdk client; `defaultMessageRateLimit` keeps Synapse's.
async function setup(options = {}) {
  const hs = new RealHomeserver(options);
  const env = { hs, people: {}, clients: {}, processes: [], kithPassword: 'kith-password' };
  try {
    await hs.start();
    await hs.register('kith', env.kithPassword, { displayname: 'Kith' });
    const login = await hs.login('kith', env.kithPassword);
    env.kith = login.user_id;
    env.token = login.access_token;
    for (const name of peopleNames) {
      const user = await hs.register(name, `${name}-password`, { displayname: name[0].toUpperCase() + name.slice(1) });
      env.people[name] = user.user_id;
      env.clients[name] = sdk.createClient({ baseUrl: hs.url, accessToken: user.access_token, userId: user.user_id, deviceId: user.device_id, logger: quiet });
    }
  } catch (e) {
    console.log(`--- ${hs.kind} output ---\n${hs.out.slice(-8000)}`);
    await hs.cleanup();
    throw e;
  }
  env.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kith-realhs-'));
  return env;
}

async function teardown(env) {
  for (const k of env.processes) await k.stop();
  for (const client of Object.values(env.clients)) client.stopClient();
  await env.hs.cleanup();
}

// A failing scenario shows the end of the homeserver's log too.
const scenario = harness.scenarioOn(setup, teardown, (env) => {
  const log = path.join(env.dir, `${env.hs.kind}.log`);
  fs.writeFileSync(log, env.hs.out);
  console.log(`--- ${env.hs.kind} output (last lines; all of it in ${log}) ---\n${env.hs.out.slice(-6000)}`);
});

// The room's timeline as `who` sees it, oldest first (every page, so nothing is missed). Dendrite
// repeats an event at a page boundary (the first page's last is the next page's first): by id, once.
async function timeline(env, room, who = 'alice') {
  const client = env.clients[who];
  const events = [];
  const seen = new Set();
  let from = null;
  for (;;) {
    const page = await client.createMessagesRequest(room, from, 500, sdk.Direction.Backward);
    const fresh = page.chunk.filter((e) => !seen.has(e.event_id));
    for (const e of fresh) seen.add(e.event_id);
    events.push(...fresh);
    if (!page.end || fresh.length === 0) break;
    from = page.end;
  }
  return events.reverse();
}

async function kithEvents(env, room, pred = () => true, who = 'alice') {
  return (await timeline(env, room, who)).filter((e) => e.sender === env.kith && pred(e));
}
const kithNotices = (env, room, who) => kithEvents(env, room, (e) => e.type === 'm.room.message', who);

async function membership(env, room, user, who = 'alice') {
  try { return (await env.clients[who].getStateEvent(room, 'm.room.member', user)).membership; } catch { return undefined; }
}

// A room made by the first member with the others joined and Kith invited; resolves once Kith joined.
async function roomWithKith(env, members = peopleNames, createOptions = {}) {
  const [creator, ...others] = members;
  const { room_id: room } = await env.clients[creator].createRoom({ name: 'general', preset: 'public_chat', ...createOptions });
  for (const m of others) await env.clients[m].joinRoom(room);
  await env.clients[creator].invite(room, env.kith);
  await waitFor('Kith to accept the invitation', async () => (await membership(env, room, env.kith, creator)) === 'join');
  return room;
}

async function say(env, who, room, content) {
  const { event_id: eventId } = await env.clients[who].sendEvent(room, 'm.room.message', content);
  return eventId;
}

module.exports = {
  kind, scenario, setup, teardown, waitFor, timeline, kithEvents, kithNotices, membership, roomWithKith, say,
  startKith: harness.startKith, kithCommand: harness.kithCommand, sql: harness.sql, recognitionsOf: harness.recognitionsOf,
  weeklySlotJustPast: harness.weeklySlotJustPast, moveFirstSightBack: harness.moveFirstSightBack, mention: harness.mention,
};
