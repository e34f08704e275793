'use strict';
// A Mattermost protocol test server: REST API v4 and the WebSocket as the real server speaks
// them (PROTOCOLS.md section 1), with an in-memory workspace, and controls for the failure
// scenarios tests need (drops, lost buffers, restarts, 429 storms, raw frames), profile pictures,
// file uploads and message-button clicks as the real server performs them. Every request is
// checked against the official OpenAPI description; `violations` lists what it did not allow.
const http = require('http');
const https = require('https');
const crypto = require('crypto');
const { WebSocketServer } = require('ws');
const { loadSpec, checkRequest } = require('./spec');

let cachedSpec;
function spec() { return (cachedSpec ??= loadSpec()); }

const ALPHABET = 'ybndrfg8ejkmcpqxot1uwisza345h769';
function newId() {
  const bytes = crypto.randomBytes(26);
  return Array.from(bytes, (b) => ALPHABET[b % 32]).join('');
}

class MattermostTestServer {
  // `tls`: {key, cert} (PEM) to serve HTTPS and WSS at https://localhost:<port>.
  constructor({ botToken = 'bot-token-' + newId(), ephemeralAllowed = true, serverVersion = '9.11.0', tls } = {}) {
    this.botToken = botToken;
    this.tls = tls;
    this.ephemeralAllowed = ephemeralAllowed;
    this.serverVersion = serverVersion;
    this.violations = [];
    this.requests = [];      // {method, path, query, body, status}
    this.sockets = new Set(); // live WebSocket connections
    this.connections = new Map(); // connection_id -> {userId, seq, queue: [{seq, text}]}
    this.rateLimitNext = 0;  // answer this many requests with 429
    this.failNext = 0;       // answer this many API requests with 500, as a server in trouble does
    this.retryAfter = 1;
    this.answerDelays = {};  // path -> ms: the request is handled at once, its answer sent that much later
    this.loseAnswers = {};   // path -> n: the next n requests are handled, then the connection is cut unanswered
    this.exhaustNext = 0;    // this many successful answers say X-Ratelimit-Remaining: 0 (reset in retryAfter s)
    this.skipEvents = 0;     // the next n WebSocket events are numbered but never sent (a gap in seq)
    this.answerPings = true;
    this.sniNames = new Set(); // host names TLS clients asked for
    this.users = new Map();
    this.sessions = new Map(); // token -> userId
    this.channels = new Map();
    this.members = new Map();  // channelId -> Set(userId)
    this.posts = new Map();
    this.pendingPostIds = new Map();
    this.reactions = [];
    this.files = new Map();
    this.team = { id: newId(), name: 'acme', display_name: 'Acme', type: 'O' };
    this.pictures = new Map(); // userId -> PNG bytes of an uploaded profile picture
    this.actionCalls = [];     // message-button clicks: {userId, postId, actionId, request, status, response}
    const now = Date.now();
    const user = (username, first, last, extra = {}) => this.addUser(username, first, last, extra);
    this.bot = user('kith', 'Kith', '', { is_bot: true, bot_description: 'Kith' });
    this.alice = user('alice', 'Alice', 'Archer', { last_picture_update: now, position: 'Engineer' });
    this.bob = user('bob', 'Bob', 'Baker');
    this.carol = user('carol', 'Carol', '*Star*');
    this.passwords = new Map([[this.alice.id, 'alice-password'], [this.bob.id, 'bob-password']]);
    this.sessions.set(this.botToken, this.bot.id);
    this.town = this.addChannel({ type: 'O', name: 'town-square', display_name: 'Town Square' },
      [this.bot.id, this.alice.id, this.bob.id, this.carol.id]);
  }

  // A user; with `last_picture_update` > 0 they uploaded a profile picture (distinct PNG bytes),
  // otherwise the server serves its generated default picture.
  addUser(username, first, last, extra = {}) {
    const now = Date.now();
    const u = { id: newId(), username, first_name: first, last_name: last, nickname: '', email: `${username}@example.org`,
      position: '', roles: 'system_user', locale: 'en', create_at: now, update_at: now, delete_at: 0,
      last_picture_update: 0, is_bot: false, ...extra };
    this.users.set(u.id, u);
    if (u.last_picture_update > 0) this.pictures.set(u.id, makePng(this.pictures.size + 1, [40, 120, 200]));
    return u;
  }

  // The picture GET /users/{id}/image serves: the uploaded one, or a generated default.
  pictureOf(userId) {
    return this.pictures.get(userId) ?? makePng(Number.parseInt(crypto.createHash('sha1').update(userId).digest('hex').slice(0, 6), 16), [200, 200, 200]);
  }

  addChannel(fields, memberIds) {
    const c = { id: newId(), create_at: Date.now(), update_at: Date.now(), delete_at: 0, team_id: this.team.id,
      header: '', purpose: '', last_post_at: 0, total_msg_count: 0, creator_id: '', ...fields };
    this.channels.set(c.id, c);
    this.members.set(c.id, new Set(memberIds));
    return c;
  }

  // ---- lifecycle --------------------------------------------------------------------------
  async start(port = 0) {
    const handler = (req, res) => this.onRequest(req, res);
    this.http = this.tls ? https.createServer(this.tls, handler) : http.createServer(handler);
    this.wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 * 1024 });
    this.http.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket, head));
    this.http.on('secureConnection', (socket) => this.sniNames.add(socket.servername));
    this.http.keepAliveTimeout = 5000;
    await new Promise((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(port, '127.0.0.1', resolve);
    });
    this.port = this.http.address().port;
    this.url = this.tls ? `https://localhost:${this.port}` : `http://127.0.0.1:${this.port}`;
    return this;
  }

  async stop() {
    for (const ws of this.sockets) ws.terminate();
    this.sockets.clear();
    if (this.http) {
      this.http.closeAllConnections?.();
      await new Promise((resolve) => this.http.close(() => resolve()));
      this.http = undefined;
    }
  }

  // A server restart: every connection and every WebSocket session is forgotten.
  async restart(downMs = 300) {
    const port = this.port;
    await this.stop();
    this.connections.clear();
    await new Promise((r) => setTimeout(r, downMs));
    await this.start(port);
  }

  // Drops the TCP connections of every WebSocket; the sessions stay resumable.
  dropWebSockets() { for (const ws of this.sockets) ws.terminate(); this.sockets.clear(); }

  // Forgets the dead queues, as when a client stays away too long: resume gets a new hello.
  loseBuffers() { this.connections.clear(); }

  // ---- REST --------------------------------------------------------------------------------
  violation(text) { this.violations.push(text); }

  authenticate(req, url) {
    const auth = req.headers.authorization || '';
    const m = /^(bearer|token)\s+(.+)$/i.exec(auth);
    const token = m ? m[2] : (url.searchParams.get('access_token') || this.cookieToken(req));
    return token && this.sessions.has(token) ? this.sessions.get(token) : undefined;
  }

  cookieToken(req) {
    const m = /MMAUTHTOKEN=([^;]+)/.exec(req.headers.cookie || '');
    return m ? m[1] : undefined;
  }

  send(res, status, body, headers = {}) {
    if (status < 300 && this.exhaustNext > 0) {
      this.exhaustNext--;
      headers = { 'X-Ratelimit-Limit': '10', 'X-Ratelimit-Remaining': '0', 'X-Ratelimit-Reset': String(this.retryAfter), ...headers };
    }
    // application/json exactly: the official client parses nothing else (PROTOCOLS.md 1.1).
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    res.end(body === undefined ? '' : JSON.stringify(body));
  }

  error(res, status, id, message) {
    this.send(res, status, { id, message, request_id: newId(), status_code: status, is_oauth: false });
  }

  onRequest(req, res) {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => { size += c.length; if (size <= 64 * 1024 * 1024) chunks.push(c); });
    req.on('end', () => {
      try {
        this.route(req, res, Buffer.concat(chunks));
      } catch (e) {
        this.violation(`server error on ${req.method} ${req.url}: ${e.stack}`);
        this.error(res, 500, 'test.server.error', String(e));
      }
    });
  }

  parseBody(req, raw) {
    const type = (req.headers['content-type'] || '').split(';')[0].trim();
    if (raw.length === 0) return {};
    if (type === 'application/json') {
      try { return { body: JSON.parse(raw.toString('utf8')) }; } catch { return { malformed: true }; }
    }
    if (type === 'multipart/form-data') return { form: parseMultipart(req.headers['content-type'], raw) };
    return { other: raw };
  }

  route(req, res, raw) {
    const url = new URL(req.url, 'http://x');
    const path = url.pathname;
    if (this.answerDelays[path]) {
      const end = res.end.bind(res);
      res.end = (...args) => setTimeout(() => end(...args), this.answerDelays[path]);
    }
    if (this.loseAnswers[path] > 0) {
      this.loseAnswers[path]--;
      res.writeHead = () => res;
      res.end = () => res.socket.destroy();
    }
    const { body, form, malformed } = this.parseBody(req, raw);
    const record = { method: req.method, path, query: Object.fromEntries(url.searchParams), body, auth: req.headers.authorization, at: Date.now() };
    this.requests.push(record);
    if (malformed) { this.violation(`${req.method} ${path}: malformed JSON body`); return this.error(res, 400, 'api.context.invalid_body_param.app_error', 'bad json'); }
    const problems = checkRequest(spec(), { method: req.method, pathname: path, query: url.searchParams,
      contentType: req.headers['content-type'], body, form: form ? Object.fromEntries(Object.entries(form).map(([k, v]) => [k, v.value ?? v])) : undefined });
    for (const p of problems) this.violation(p);
    if (problems.length) return this.error(res, 400, 'test.spec.violation', problems.join('; '));
    if (this.failNext > 0 && path.startsWith('/api/v4/posts')) {
      this.failNext--;
      record.status = 500;
      return this.error(res, 500, 'app.post.create_post.app_error', 'Unable to save the post.');
    }
    if (this.rateLimitNext > 0) {
      this.rateLimitNext--;
      record.status = 429;
      // As the real limiter: plain text, Retry-After in seconds (PROTOCOLS.md 1.11).
      res.writeHead(429, { 'Content-Type': 'text/plain; charset=utf-8', 'Retry-After': String(this.retryAfter),
        'X-Ratelimit-Limit': '10', 'X-Ratelimit-Remaining': '0', 'X-Ratelimit-Reset': String(this.retryAfter) });
      return res.end('limit exceeded\n');
    }
    if (req.method === 'POST' && path === '/api/v4/users/login') return this.login(res, body);
    const me = this.authenticate(req, url);
    if (!me) { record.status = 401; return this.error(res, 401, 'api.context.session_expired.app_error', 'Invalid or expired session, please login again.'); }
    const seg = path.split('/').slice(3); // after /api/v4
    const userParam = (s) => (s === 'me' ? me : s);
    const h = (status, value, headers) => { record.status = status; this.send(res, status, value, headers); };
    const M = req.method;

    if (seg[0] === 'users') {
      if (M === 'GET' && seg.length === 1) {
        const page = Number(url.searchParams.get('page') || 0);
        const per = Math.min(Number(url.searchParams.get('per_page') || 60), 200);
        return h(200, [...this.users.values()].slice(page * per, page * per + per).map(publicUser));
      }
      if (M === 'POST' && seg[1] === 'ids') return h(200, body.filter((id) => this.users.has(id)).map((id) => publicUser(this.users.get(id))));
      if (M === 'GET' && seg.length === 2) {
        const u = this.users.get(userParam(seg[1]));
        return u ? h(200, publicUser(u)) : this.error(res, 404, 'app.user.missing_account.const', 'not found');
      }
      if (M === 'GET' && seg.length === 3 && seg[2] === 'image') {
        if (!this.users.has(userParam(seg[1]))) return this.error(res, 404, 'app.user.missing_account.const', 'not found');
        record.status = 200;
        res.writeHead(200, { 'Content-Type': 'image/png' });
        return res.end(this.pictureOf(userParam(seg[1])));
      }
      if (M === 'GET' && seg.length === 3 && seg[2] === 'teams') return h(200, [this.team]);
      if (M === 'GET' && seg.length === 5 && seg[2] === 'teams' && seg[4] === 'channels') {
        const uid = userParam(seg[1]);
        return h(200, [...this.channels.values()].filter((c) => this.members.get(c.id).has(uid)));
      }
    }
    if (seg[0] === 'channels') {
      if (M === 'POST' && (seg[1] === 'direct' || seg[1] === 'group')) return this.openConversation(res, h, me, seg[1], body);
      const c = this.channels.get(seg[1]);
      if (!c) return this.error(res, 404, 'app.channel.get.existing.app_error', 'channel not found');
      if (!this.members.get(c.id).has(me)) return this.error(res, 403, 'api.context.permissions.app_error', 'not a member');
      if (M === 'GET' && seg.length === 2) return h(200, c);
      if (M === 'GET' && seg[2] === 'members') {
        const page = Number(url.searchParams.get('page') || 0);
        const per = Math.min(Number(url.searchParams.get('per_page') || 60), 200);
        const all = [...this.members.get(c.id)].map((user_id) => ({ channel_id: c.id, user_id, roles: 'channel_user',
          last_viewed_at: 0, msg_count: 0, mention_count: 0, notify_props: {}, last_update_at: 0 }));
        return h(200, all.slice(page * per, page * per + per));
      }
      if (M === 'GET' && seg[2] === 'posts') {
        const since = Number(url.searchParams.get('since') || 0);
        const posts = [...this.posts.values()].filter((p) => p.channel_id === c.id && p.update_at >= since)
          .sort((a, b) => b.create_at - a.create_at);
        return h(200, { order: posts.map((p) => p.id), posts: Object.fromEntries(posts.map((p) => [p.id, p])),
          next_post_id: '', prev_post_id: '', has_next: false });
      }
    }
    if (M === 'POST' && path === '/api/v4/posts') return this.createPost(res, h, me, body);
    if (M === 'GET' && seg[0] === 'posts' && seg.length === 2) {
      const post = this.posts.get(seg[1]);
      if (!post) return this.error(res, 404, 'app.post.get.app_error', 'no such post');
      if (!this.members.get(post.channel_id).has(me)) return this.error(res, 403, 'api.context.permissions.app_error', 'not a member');
      return h(200, post);
    }
    if (M === 'POST' && path === '/api/v4/posts/ephemeral') {
      if (!this.ephemeralAllowed) return this.error(res, 403, 'api.context.permissions.app_error', 'You do not have the appropriate permissions.');
      const post = { id: newId(), create_at: Date.now(), update_at: Date.now(), edit_at: 0, delete_at: 0, user_id: me,
        channel_id: body.post.channel_id, root_id: '', message: body.post.message, type: 'system_ephemeral', props: {} };
      this.ephemerals = [...(this.ephemerals || []), { to: body.user_id, post }];
      this.broadcast('ephemeral_message', { post: JSON.stringify(post) }, { user_id: body.user_id, channel_id: post.channel_id }, (uid) => uid === body.user_id);
      return h(201, post);
    }
    if (M === 'POST' && path === '/api/v4/reactions') {
      if (body.user_id !== me) return this.error(res, 403, 'api.context.permissions.app_error', 'not yourself');
      const post = this.posts.get(body.post_id);
      if (!post) return this.error(res, 404, 'app.post.get.app_error', 'no such post');
      const reaction = { user_id: me, post_id: post.id, emoji_name: body.emoji_name, create_at: Date.now() };
      this.reactions.push(reaction);
      this.broadcast('reaction_added', { reaction: JSON.stringify(reaction) }, { channel_id: post.channel_id }, (uid) => this.members.get(post.channel_id).has(uid));
      return h(201, reaction);
    }
    if (M === 'POST' && path === '/api/v4/files') {
      const file = form && form.files;
      if (!file || !form.channel_id) return this.error(res, 400, 'api.file.upload_file.incorrect_number_of_files.app_error', 'no file');
      // The server streams the form: without ?channel_id= the channel_id part must come before the files.
      if (!url.searchParams.has('channel_id') && form.__order.indexOf('channel_id') > form.__order.indexOf('files')) {
        this.violation('POST /api/v4/files: the channel_id form field must precede the files');
        return this.error(res, 400, 'api.file.upload_file.multipart.app_error', 'channel_id must come first');
      }
      const channelId = form.channel_id.value;
      if (!this.channels.has(channelId) || !this.members.get(channelId).has(me)) return this.error(res, 403, 'api.context.permissions.app_error', 'not a member');
      const name = file.filename || 'file';
      const info = { id: newId(), user_id: me, post_id: '', create_at: Date.now(), name,
        extension: name.includes('.') ? name.split('.').pop() : '', size: file.data.length, mime_type: file.type || 'application/octet-stream' };
      this.files.set(info.id, { info, data: file.data, channel_id: channelId });
      return h(201, { file_infos: [info], client_ids: [] });
    }
    const action = /^\/api\/v4\/posts\/([A-Za-z0-9]+)\/actions\/([A-Za-z0-9]+)$/.exec(path);
    if (M === 'POST' && action) {
      record.status = 'pending';
      this.doPostAction(me, action[1], action[2]).then(({ status, body }) => h(status, body),
        (e) => { this.violation(`server error on a post action: ${e.stack}`); h(500, { id: 'test.server.error', message: String(e) }); });
      return undefined;
    }
    record.status = 404;
    return this.error(res, 404, 'api.context.404.app_error', `not implemented by the test server: ${M} ${path}`);
  }

  login(res, body) {
    const user = [...this.users.values()].find((u) => u.username === body.login_id || u.email === body.login_id);
    if (user && user.is_bot) return this.error(res, 401, 'api.user.login.bot_login_forbidden.app_error', 'Bot login is forbidden.');
    if (!user || this.passwords.get(user.id) !== body.password) return this.error(res, 401, 'api.user.login.invalid_credentials_email_username', 'Enter a valid email or username and/or password.');
    const token = 'session-' + newId();
    this.sessions.set(token, user.id);
    return this.send(res, 200, publicUser(user), { Token: token });
  }

  openConversation(res, h, me, kind, ids) {
    if (!Array.isArray(ids)) return this.error(res, 400, 'api.context.invalid_body_param.app_error', 'expected an array');
    for (const id of ids) if (!this.users.has(id)) return this.error(res, 400, 'api.context.invalid_body_param.app_error', 'unknown user');
    if (kind === 'direct') {
      if (ids.length !== 2 || !ids.includes(me)) return this.error(res, 400, 'api.context.invalid_body_param.app_error', 'need 2 ids incl. caller');
      const name = [...ids].sort().join('__');
      const existing = [...this.channels.values()].find((c) => c.name === name);
      if (existing) return h(201, existing);
      return h(201, this.addChannel({ type: 'D', name, display_name: '', team_id: '' }, ids));
    }
    const all = [...new Set([...ids, me])];
    if (all.length < 3 || all.length > 8) return this.error(res, 400, 'api.channel.create_group.bad_size.app_error', 'Group messages must contain at least 3 and no more than 8 users.');
    const name = crypto.createHash('sha1').update([...all].sort().join(',')).digest('hex');
    const existing = [...this.channels.values()].find((c) => c.name === name);
    if (existing) return h(201, existing);
    return h(201, this.addChannel({ type: 'G', name, display_name: '', team_id: '' }, all));
  }

  createPost(res, h, me, body) {
    const channel = this.channels.get(body.channel_id);
    if (!channel) return this.error(res, 400, 'api.context.invalid_param.app_error', 'bad channel');
    if (!this.members.get(channel.id).has(me)) return this.error(res, 403, 'api.context.permissions.app_error', 'not a member');
    // The server remembers a pending_post_id for 30 s (its PendingPostIDs cache) and returns the first
    // post for a repeat within that time.
    const remembered = body.pending_post_id && this.pendingPostIds.get(body.pending_post_id);
    if (remembered && Date.now() - remembered.at < 30000) return h(201, this.posts.get(remembered.post));
    for (const id of body.file_ids || []) {
      const f = this.files.get(id);
      const problem = !f ? 'was never uploaded' : f.info.user_id !== me ? 'was uploaded by someone else'
        : f.channel_id !== channel.id ? 'was uploaded to another channel' : f.info.post_id ? 'is already attached to a post' : '';
      if (problem) {
        this.violation(`POST /api/v4/posts: file ${id} ${problem}`);
        return this.error(res, 400, 'api.post.create_post.file_ids.app_error', `file ${id} ${problem}`);
      }
    }
    for (const [i, attachment] of ((body.props && body.props.attachments) || []).entries()) {
      for (const [j, a] of (attachment.actions || []).entries()) {
        // The click route is /posts/{post_id:[A-Za-z0-9]+}/actions/{action_id:[A-Za-z0-9]+}: other ids cannot be clicked.
        const where = `POST /api/v4/posts: props.attachments[${i}].actions[${j}]`;
        if (a.id !== undefined && !/^[A-Za-z0-9]+$/.test(a.id)) this.violation(`${where}.id ${JSON.stringify(a.id)} is not alphanumeric`);
        if (typeof a.name !== 'string' || !a.name) this.violation(`${where} has no name`);
        if (!['button', 'select', undefined].includes(a.type)) this.violation(`${where}.type ${a.type} is not button or select`);
        if (!a.integration || typeof a.integration.url !== 'string' || !/^https?:\/\//.test(a.integration.url)) this.violation(`${where} has no integration URL`);
        if (a.integration && a.integration.context !== undefined && !typeOkObject(a.integration.context)) this.violation(`${where}.integration.context is not an object`);
        a.id ??= newId();
      }
    }
    const post = this.insertPost(me, channel.id, body.message, { root_id: body.root_id || '', file_ids: body.file_ids || [],
      props: body.props || {}, pending_post_id: body.pending_post_id || '' });
    for (const id of body.file_ids || []) this.files.get(id).info.post_id = post.id;
    if (body.pending_post_id) this.pendingPostIds.set(body.pending_post_id, { post: post.id, at: Date.now() });
    this.announcePost(post, this.users.get(me), channel);
    return h(201, post);
  }

  insertPost(userId, channelId, message, extra = {}) {
    const now = Math.max(Date.now(), (this.lastPostAt || 0) + 1);
    this.lastPostAt = now;
    const post = { id: newId(), create_at: now, update_at: now, edit_at: 0, delete_at: 0, is_pinned: false, user_id: userId,
      channel_id: channelId, root_id: '', original_id: '', message, type: '', props: {}, hashtags: '',
      pending_post_id: '', reply_count: 0, metadata: {}, ...extra };
    this.posts.set(post.id, post);
    return post;
  }

  // ---- what users do (test controls) -------------------------------------------------------
  /** What 30 s do to the server's memory of pending_post_ids. */
  forgetPendingPostIds() { this.pendingPostIds.clear(); }

  // Posts as `user` and broadcasts it like the real server. `silent` stores it without an event
  // (an event the bot missed).
  userPosts(user, channel, message, { rootId = '', silent = false } = {}) {
    const post = this.insertPost(user.id, channel.id, message, { root_id: rootId });
    if (!silent) this.announcePost(post, user, channel);
    return post;
  }

  announcePost(post, user, channel) {
    const message = post.message;
    const mentioned = [...message.matchAll(/@([a-z0-9._-]+)/g)].map((m) => [...this.users.values()].find((u) => u.username === m[1]))
      .filter((u) => u && this.members.get(channel.id).has(u.id)).map((u) => u.id);
    const data = { channel_display_name: channel.display_name, channel_name: channel.name, channel_type: channel.type,
      post: JSON.stringify(post), sender_name: '@' + user.username, set_online: true, team_id: channel.team_id };
    if (mentioned.length) data.mentions = JSON.stringify(mentioned);
    this.broadcast('posted', data, { channel_id: channel.id }, (uid) => this.members.get(channel.id).has(uid));
  }

  userReacts(user, post, emoji) {
    const reaction = { user_id: user.id, post_id: post.id, emoji_name: emoji, create_at: Date.now() };
    this.reactions.push(reaction);
    this.broadcast('reaction_added', { reaction: JSON.stringify(reaction) }, { channel_id: post.channel_id }, (uid) => this.members.get(post.channel_id).has(uid));
    return reaction;
  }

  userUnreacts(user, post, emoji) {
    const i = this.reactions.findIndex((r) => r.user_id === user.id && r.post_id === post.id && r.emoji_name === emoji);
    const [reaction] = this.reactions.splice(i, 1);
    this.broadcast('reaction_removed', { reaction: JSON.stringify(reaction) }, { channel_id: post.channel_id }, (uid) => this.members.get(post.channel_id).has(uid));
    return reaction;
  }

  // A click on a message button, as the real server handles POST /posts/{post_id}/actions/{action_id}
  // (app/integration_action.go): it POSTs a PostActionIntegrationRequest with the button's context to
  // the integration URL, requires HTTP 200, applies `update`, and sends `ephemeral_text` as an
  // ephemeral post to the clicker. `tamper(request)` lets a test alter what is sent.
  async doPostAction(userId, postId, actionId, { tamper } = {}) {
    const post = this.posts.get(postId);
    if (!post) return { status: 404, body: { id: 'app.post.get.app_error', message: 'no such post', status_code: 404 } };
    if (!this.members.get(post.channel_id).has(userId)) return { status: 403, body: { id: 'api.context.permissions.app_error', message: 'not a member', status_code: 403 } };
    const action = ((post.props && post.props.attachments) || []).flatMap((a) => a.actions || []).find((a) => a.id === actionId);
    if (!action || !action.integration) return { status: 404, body: { id: 'api.post.do_action.action_id.app_error', message: 'no such action', status_code: 404 } };
    const user = this.users.get(userId);
    const channel = this.channels.get(post.channel_id);
    const team = channel.team_id ? this.team : { id: '', name: '' };
    let request = { user_id: userId, user_name: user.username, channel_id: channel.id, channel_name: channel.name,
      team_id: team.id, team_domain: team.name, post_id: post.id, trigger_id: newId(), type: action.type || 'button',
      data_source: action.data_source || '', context: structuredClone(action.integration.context || {}) };
    if (tamper) request = tamper(request) ?? request;
    const call = { userId, postId, actionId, request, status: 0, response: undefined };
    this.actionCalls.push(call);
    let res;
    try {
      res = await fetch(action.integration.url, { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify(request), signal: AbortSignal.timeout(30000) });
    } catch (e) {
      call.status = -1;
      return { status: 400, body: { id: 'api.post.do_action.action_integration.app_error', message: String(e), status_code: 400 } };
    }
    call.status = res.status;
    const text = await res.text();
    if (res.status !== 200) return { status: 400, body: { id: 'api.post.do_action.action_integration.app_error', message: `status ${res.status}`, status_code: 400 } };
    let response = {};
    if (text.length) {
      try { response = JSON.parse(text); } catch { this.violation(`the integration at ${action.integration.url} answered a click with a body that is not JSON`); }
    }
    call.response = response;
    if (response.update) Object.assign(post, { message: response.update.message ?? post.message, props: response.update.props ?? post.props, update_at: Date.now() });
    if (response.ephemeral_text) {
      const e = { id: newId(), create_at: Date.now(), update_at: Date.now(), edit_at: 0, delete_at: 0, user_id: post.user_id,
        channel_id: post.channel_id, root_id: post.root_id, message: response.ephemeral_text, type: 'system_ephemeral', props: {} };
      this.ephemerals = [...(this.ephemerals || []), { to: userId, post: e, via: 'integration' }];
      this.broadcast('ephemeral_message', { post: JSON.stringify(e) }, { user_id: userId, channel_id: e.channel_id }, (uid) => uid === userId);
    }
    return { status: 200, body: { status: 'OK' } };
  }

  // A user clicks a button (found by its label) on a post.
  clickButton(user, post, label, options) {
    const action = ((post.props && post.props.attachments) || []).flatMap((a) => a.actions || []).find((a) => a.name === label);
    if (!action) throw new Error(`no button "${label}" on post ${post.id}`);
    return this.doPostAction(user.id, post.id, action.id, options);
  }

  // Sends `text` as is to the bot's sockets, optionally taking a seq (for events the server
  // "sent" but that are broken).
  sendRaw(makeText) {
    for (const [id, conn] of this.connections) {
      if (conn.userId !== this.bot.id) continue;
      const text = makeText(conn.seq);
      if (/"seq":\s*\d+/.test(text) && text.includes(`"seq":${conn.seq}`)) conn.seq++;
      conn.queue.push({ seq: conn.seq - 1, text });
      if (conn.ws && conn.ws.readyState === 1) conn.ws.send(text);
    }
  }

  // ---- WebSocket -----------------------------------------------------------------------------
  broadcast(event, data, broadcast, audience) {
    for (const [id, conn] of this.connections) {
      if (!audience(conn.userId)) continue;
      const message = { event, data, broadcast: { omit_users: null, user_id: '', channel_id: '', team_id: '', ...broadcast }, seq: conn.seq++ };
      if (this.skipEvents > 0) { this.skipEvents--; continue; }
      const text = JSON.stringify(message);
      conn.queue.push({ seq: message.seq, text });
      if (conn.queue.length > 128) conn.queue.shift();
      if (conn.ws && conn.ws.readyState === 1) conn.ws.send(text);
    }
  }

  onUpgrade(req, socket, head) {
    const url = new URL(req.url, 'http://x');
    if (url.pathname !== '/api/v4/websocket') { socket.destroy(); return; }
    for (const k of url.searchParams.keys()) {
      if (!['connection_id', 'sequence_number', 'disconnect_err_code', 'posted_ack'].includes(k)) this.violation(`websocket: unexpected query parameter ${k}`);
    }
    const headerUser = this.authenticate(req, url);
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onSocket(ws, url, headerUser));
  }

  onSocket(ws, url, headerUser) {
    this.sockets.add(ws);
    const connId = url.searchParams.get('connection_id') || '';
    const seqParam = url.searchParams.get('sequence_number');
    const state = { userId: headerUser, ws };
    const begin = (userId) => {
      state.userId = userId;
      const known = this.connections.get(connId);
      if (known && known.userId === userId) {
        if (seqParam === null) { ws.close(1008, 'sequence number not present'); return; }
        const from = Number(seqParam);
        const inQueue = known.queue.length && known.queue[0].seq <= from && from <= known.seq;
        if (inQueue || from === known.seq) {
          // Resume: replay from the requested seq, no new hello.
          known.ws = ws;
          for (const item of known.queue) if (item.seq >= from) ws.send(item.text);
          state.conn = known;
          return;
        }
        this.connections.delete(connId);
      }
      const conn = { id: newId(), userId, seq: 0, queue: [], ws };
      this.connections.set(conn.id, conn);
      state.conn = conn;
      const hello = { event: 'hello', data: { server_version: `${this.serverVersion}.0.abc.false`, connection_id: conn.id, server_hostname: 'test' },
        broadcast: { omit_users: null, user_id: userId, channel_id: '', team_id: '' }, seq: conn.seq++ };
      conn.queue.push({ seq: hello.seq, text: JSON.stringify(hello) });
      ws.send(JSON.stringify(hello));
    };
    if (headerUser) begin(headerUser);
    const authTimer = setTimeout(() => { if (!state.userId) ws.close(); }, 5000);
    ws.on('message', (data) => {
      let msg;
      try { msg = JSON.parse(data.toString()); } catch { this.violation('websocket: the client sent malformed JSON'); return; }
      if (typeof msg.seq !== 'number' || typeof msg.action !== 'string') this.violation(`websocket: client message without numeric seq and action: ${data}`);
      if (msg.action === 'authentication_challenge') {
        const userId = this.sessions.get(msg.data && msg.data.token);
        if (!userId) { ws.send(JSON.stringify({ status: 'FAIL', seq_reply: msg.seq, error: { id: 'api.web_socket_router.not_authenticated.app_error', message: 'not authenticated' } })); return; }
        ws.send(JSON.stringify({ status: 'OK', seq_reply: msg.seq }));
        if (!state.userId) begin(userId);
        return;
      }
      if (!state.userId) return;
      if (msg.action === 'ping' && !this.answerPings) return;
      if (msg.action === 'ping') { ws.send(JSON.stringify({ status: 'OK', seq_reply: msg.seq, data: { text: 'pong', version: this.serverVersion, server_time: Date.now() } })); return; }
      if (['user_typing', 'get_statuses', 'get_statuses_by_ids'].includes(msg.action)) { ws.send(JSON.stringify({ status: 'OK', seq_reply: msg.seq })); return; }
      this.violation(`websocket: unknown action ${msg.action}`);
    });
    ws.on('close', () => { clearTimeout(authTimer); this.sockets.delete(ws); if (state.conn && state.conn.ws === ws) state.conn.ws = undefined; });
  }
}

function publicUser(u) {
  const copy = { ...u };
  // As the real server's JSON (model.User): omitempty fields are left out when empty.
  for (const k of ['last_picture_update', 'is_bot', 'bot_description']) if (!copy[k]) delete copy[k];
  return copy;
}

function parseMultipart(contentType, raw) {
  const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType || '');
  if (!m) return {};
  const boundary = Buffer.from('--' + (m[1] || m[2]));
  const order = [];
  const out = {};
  Object.defineProperty(out, '__order', { value: order, enumerable: false }); // the order of the parts
  let pos = raw.indexOf(boundary);
  while (pos !== -1) {
    const start = pos + boundary.length;
    if (raw.slice(start, start + 2).toString() === '--') break;
    const next = raw.indexOf(boundary, start);
    if (next === -1) break;
    const part = raw.slice(start + 2, next - 2);
    const split = part.indexOf('\r\n\r\n');
    const head = part.slice(0, split).toString();
    const data = part.slice(split + 4);
    const name = /name="([^"]*)"/.exec(head)?.[1];
    const filename = /filename="([^"]*)"/.exec(head)?.[1];
    const type = /Content-Type:\s*(\S+)/i.exec(head)?.[1];
    if (name) {
      out[name] = filename !== undefined ? { filename, type, data } : { value: data.toString() };
      order.push(name);
    }
    pos = next;
  }
  return out;
}

function typeOkObject(v) { return v !== null && typeof v === 'object' && !Array.isArray(v); }

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

// A valid 8x8 RGB PNG whose colour encodes `n` (so each person's picture has its own bytes).
function makePng(n, base) {
  const chunk = (type, data) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(8, 0); ihdr.writeUInt32BE(8, 4); ihdr[8] = 8; ihdr[9] = 2; // 8-bit RGB
  const colour = [(base[0] + n * 37) & 255, (base[1] + (n >> 8) * 53) & 255, (base[2] + (n >> 16) * 71) & 255];
  const rows = [];
  for (let y = 0; y < 8; y++) rows.push(Buffer.from([0, ...Array(8).fill(colour).flat()]));
  return Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), chunk('IHDR', ihdr),
    chunk('IDAT', require('zlib').deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
}

module.exports = { MattermostTestServer, newId };
