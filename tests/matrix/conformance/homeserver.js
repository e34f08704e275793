'use strict';
// A small Matrix homeserver for tests: the Client-Server API wire format on 127.0.0.1, enough of
// it for Kith and matrix-js-sdk (login, whoami, filters, /sync long-polling with since, limited
// timelines and /messages, rooms, invites, direct rooms and m.direct, sends with transaction-id
// idempotency, reactions, redactions, profiles, media). Every request is checked against the
// endpoint's OpenAPI description and every event a client sends against its event schema
// (spec.js); anything the spec does not allow is recorded in `violations`.
//
// Tests steer it with hooks: `before(request)` may answer or stall a request (429 storms, 5xx,
// killing Kith at an exact moment), `inject(room, event)` adds raw (even malformed) events.
const http = require('http');
const { URL } = require('url');
const { checkRequest, checkEvent, checkAccountData } = require('./spec');

class TestHomeserver {
  constructor(spec, { serverName = 'hs.test' } = {}) {
    this.spec = spec;
    this.serverName = serverName;
    this.users = new Map();      // userId -> {password, displayname, avatar_url}
    this.tokens = new Map();     // token -> {userId, deviceId, softLogout?}
    this.rooms = new Map();      // roomId -> {state: Map(type|key -> event), createdBy}
    this.stream = [];            // [{pos, roomId, event, txn?: {token, txnId}}]
    this.accountData = new Map();  // userId -> Map(type -> {content, pos})
    this.filters = new Map();    // userId -> [filter]
    this.txns = new Map();       // deviceKey|path -> {status, body}
    this.media = new Map();      // mediaId -> {type, bytes}
    this.violations = [];        // {user, request, problems}
    this.requests = [];          // {user, method, path, query, body}
    this.waiters = new Set();
    this.hooks = [];             // async (req) => undefined | {status, body, headers} | 'hang'
    this.timelineLimit = null;   // overrides filters when set
    this.counter = 0;
    this.strictUsers = new Set();  // requests of these users must match the spec exactly
  }

  // --- set-up helpers -----------------------------------------------------------------------
  addUser(localpart, { password = 'pw', displayname, avatar_url } = {}) {
    const id = `@${localpart}:${this.serverName}`;
    this.users.set(id, { password, displayname: displayname ?? localpart, avatar_url });
    return id;
  }
  token(userId, deviceId = 'DEV' + (++this.counter)) {
    const t = `tok_${userId.slice(1, userId.indexOf(':'))}_${++this.counter}`;
    this.tokens.set(t, { userId, deviceId });
    return t;
  }
  before(hook) { this.hooks.push(hook); return () => { this.hooks = this.hooks.filter((h) => h !== hook); }; }
  pos() { return this.stream.length; }
  newId(sigil) { return `${sigil}${(++this.counter).toString(36)}${Math.random().toString(36).slice(2, 8)}`; }

  append(roomId, event, txn) {
    const full = { event_id: event.event_id ?? this.newId('$'), origin_server_ts: Date.now(), ...event, room_id: roomId };
    const room = this.rooms.get(roomId);
    if (room && typeof full.state_key === 'string') {
      const prev = room.state.get(`${full.type}|${full.state_key}`);
      if (prev) full.unsigned = { ...(full.unsigned || {}), prev_content: prev.content };
      room.state.set(`${full.type}|${full.state_key}`, full);
    }
    this.stream.push({ pos: this.stream.length + 1, roomId, event: full, txn });
    for (const w of [...this.waiters]) w();
    return full;
  }
  /// Adds a raw event (possibly malformed) to a room's timeline, unchecked.
  inject(roomId, raw) {
    this.stream.push({ pos: this.stream.length + 1, roomId, event: raw, raw: true });
    for (const w of [...this.waiters]) w();
  }

  createRoom(creator, { name, isDirect = false, invite = [], preset = 'private_chat', join = [], encrypted = false, creationContent = {} } = {}) {
    const roomId = this.newId('!') + ':' + this.serverName;
    this.rooms.set(roomId, { state: new Map(), createdBy: creator });
    this.append(roomId, { type: 'm.room.create', sender: creator, state_key: '', content: { ...creationContent, room_version: '11' } });
    this.append(roomId, { type: 'm.room.member', sender: creator, state_key: creator, content: this.memberContent(creator, 'join') });
    this.append(roomId, { type: 'm.room.join_rules', sender: creator, state_key: '', content: { join_rule: preset === 'public_chat' ? 'public' : 'invite' } });
    if (name) this.append(roomId, { type: 'm.room.name', sender: creator, state_key: '', content: { name } });
    if (encrypted) this.append(roomId, { type: 'm.room.encryption', sender: creator, state_key: '', content: { algorithm: 'm.megolm.v1.aes-sha2' } });
    for (const u of invite) this.append(roomId, { type: 'm.room.member', sender: creator, state_key: u, content: { membership: 'invite', ...(isDirect ? { is_direct: true } : {}) } });
    for (const u of join) this.join(roomId, u);
    return roomId;
  }
  memberContent(userId, membership) {
    const u = this.users.get(userId) || {};
    return { membership, ...(u.displayname ? { displayname: u.displayname } : {}), ...(u.avatar_url ? { avatar_url: u.avatar_url } : {}) };
  }
  membership(roomId, userId) { return this.rooms.get(roomId)?.state.get(`m.room.member|${userId}`)?.content?.membership; }
  join(roomId, userId) { return this.append(roomId, { type: 'm.room.member', sender: userId, state_key: userId, content: this.memberContent(userId, 'join') }); }
  invite(roomId, sender, userId, isDirect = false) {
    return this.append(roomId, { type: 'm.room.member', sender, state_key: userId, content: { membership: 'invite', ...(isDirect ? { is_direct: true } : {}) } });
  }
  say(roomId, sender, content) { return this.append(roomId, { type: 'm.room.message', sender, content }); }
  react(roomId, sender, target, key) {
    return this.append(roomId, { type: 'm.reaction', sender, content: { 'm.relates_to': { rel_type: 'm.annotation', event_id: target, key } } });
  }
  redact(roomId, sender, eventId) {
    const target = this.findEvent(eventId);
    if (target) target.event.redacted = true;
    return this.append(roomId, { type: 'm.room.redaction', sender, redacts: eventId, content: { redacts: eventId } });
  }
  eventsBy(userId, pred = () => true) { return this.stream.filter((s) => !s.raw && s.event && s.event.sender === userId && pred(s.event)).map((s) => s.event); }
  findEvent(eventId) { return this.stream.find((s) => s.event && s.event.event_id === eventId); }

  // --- HTTP ------------------------------------------------------------------------------------
  async start() {
    this.server = http.createServer((req, res) => this.handle(req, res).catch((e) => {
      if (!res.headersSent) this.send(res, 500, { errcode: 'M_UNKNOWN', error: String(e && e.stack || e) });
    }));
    this.sockets = new Set();
    this.server.on('connection', (s) => { this.sockets.add(s); s.on('close', () => this.sockets.delete(s)); });
    await new Promise((r) => this.server.listen(0, '127.0.0.1', r));
    this.port = this.server.address().port;
    this.url = `http://127.0.0.1:${this.port}`;
    return this.url;
  }
  async stop() {
    for (const w of [...this.waiters]) w();
    for (const s of this.sockets) s.destroy();
    await new Promise((r) => this.server.close(r));
  }
  send(res, status, body, headers = {}) {
    if (res.writableEnded || res.destroyed) return;
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  }
  error(res, status, errcode, error, extra = {}) { this.send(res, status, { errcode, error, ...extra }); }

  async handle(req, res) {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const raw = Buffer.concat(chunks);
    const url = new URL(req.url, 'http://x');
    const query = new Map([...url.searchParams.entries()]);
    let body;
    if ((req.headers['content-type'] || '').startsWith('application/json') && raw.length) {
      try { body = JSON.parse(raw.toString('utf8')); } catch { return this.error(res, 400, 'M_NOT_JSON', 'body is not JSON'); }
    }
    const auth = /^Bearer (\S+)$/.exec(req.headers.authorization || '');
    const session = auth ? this.tokens.get(auth[1]) : undefined;
    const request = { method: req.method, pathname: url.pathname, query, headers: req.headers, body, raw, session, token: auth?.[1] };
    this.requests.push({ user: session?.userId, method: req.method, path: url.pathname, query: Object.fromEntries(query), body });
    // Check the request against the spec (unknown endpoints the SDK probes are answered below).
    const { problems, operationId } = checkRequest(this.spec, { method: req.method, pathname: url.pathname, query, headers: req.headers, body, rawBody: raw.toString('latin1') });
    request.operationId = operationId;
    const who = session?.userId ?? (req.headers.authorization ? 'unknown-token' : 'anonymous');
    if (problems.length && (this.strictUsers.has(who) || this.strictUsers.has('*'))) {
      this.violations.push({ user: who, request: `${req.method} ${url.pathname}`, problems });
    }
    for (const hook of this.hooks) {
      const answer = await hook(request);
      if (answer === 'hang') return;  // never answered (the client's timeout or a kill ends it)
      if (answer) return this.send(res, answer.status, answer.body, answer.headers);
    }
    return this.route(request, res);
  }

  needAuth(request, res) {
    if (!request.token) { this.error(res, 401, 'M_MISSING_TOKEN', 'Missing access token'); return null; }
    if (!request.session) { this.error(res, 401, 'M_UNKNOWN_TOKEN', 'Unrecognised access token', { soft_logout: false }); return null; }
    if (request.session.softLogout) { this.error(res, 401, 'M_UNKNOWN_TOKEN', 'Soft logged out', { soft_logout: true }); return null; }
    return request.session;
  }

  async route(request, res) {
    const { method, pathname: p, body } = request;
    const seg = p.split('/').map((s) => { try { return decodeURIComponent(s); } catch { return s; } });
    const C = '/_matrix/client/v3';
    if (method === 'GET' && p === '/_matrix/client/versions') return this.send(res, 200, { versions: ['v1.11', 'v1.12'], unstable_features: {} });
    if (p === `${C}/login` && method === 'GET') return this.send(res, 200, { flows: [{ type: 'm.login.password' }] });
    if (p === `${C}/login` && method === 'POST') return this.login(body, res);
    const session = this.needAuth(request, res);
    if (!session) return;
    const me = session.userId;
    if (method === 'GET' && p === `${C}/account/whoami`) return this.send(res, 200, { user_id: me, device_id: session.deviceId });
    if (method === 'GET' && p === `${C}/capabilities`) return this.send(res, 200, { capabilities: {} });
    if (method === 'GET' && p.startsWith(`${C}/pushrules`)) return this.send(res, 200, { global: {} });
    if (method === 'GET' && p === `${C}/joined_rooms`) return this.send(res, 200, { joined_rooms: [...this.rooms.keys()].filter((r) => this.membership(r, me) === 'join') });
    // /user/{userId}/filter, /user/{userId}/account_data/{type}
    if (seg[4] === 'user' && seg[6] === 'filter') {
      if (seg[5] !== me) return this.error(res, 403, 'M_FORBIDDEN', 'not your filter');
      const list = this.filters.get(me) || [];
      this.filters.set(me, list);
      if (method === 'POST' && seg.length === 7) { list.push(body); return this.send(res, 200, { filter_id: String(list.length - 1) }); }
      if (method === 'GET' && list[Number(seg[7])]) return this.send(res, 200, list[Number(seg[7])]);
      return this.error(res, 404, 'M_NOT_FOUND', 'no such filter');
    }
    if (seg[4] === 'user' && seg[6] === 'account_data') {
      if (seg[5] !== me) return this.error(res, 403, 'M_FORBIDDEN', 'not your account data');
      const data = this.accountData.get(me) || new Map();
      this.accountData.set(me, data);
      if (method === 'GET') return data.has(seg[7]) ? this.send(res, 200, data.get(seg[7]).content) : this.error(res, 404, 'M_NOT_FOUND', 'Account data not found');
      if (method === 'PUT') {
        const problems = checkAccountData(this.spec, seg[7], body);
        if (problems.length && this.strictUsers.has(me)) this.violations.push({ user: me, request: `account data ${seg[7]}`, problems });
        data.set(seg[7], { content: body, pos: this.pos() + 1 });
        this.stream.push({ pos: this.stream.length + 1, roomId: null, event: null, accountData: me });
        for (const w of [...this.waiters]) w();
        return this.send(res, 200, {});
      }
    }
    if (method === 'GET' && p === `${C}/sync`) return this.sync(request, session, res);
    if (method === 'POST' && p === `${C}/createRoom`) {
      const roomId = this.createRoom(me, { name: body.name, isDirect: !!body.is_direct, invite: body.invite || [], preset: body.preset, creationContent: body.creation_content || {} });
      return this.send(res, 200, { room_id: roomId });
    }
    if (method === 'POST' && seg[4] === 'join') return this.joinRoom(seg[5], me, res);
    if (seg[4] === 'rooms') {
      const roomId = seg[5];
      if (!this.rooms.has(roomId)) return this.error(res, 404, 'M_NOT_FOUND', 'Unknown room');
      const action = seg[6];
      if (method === 'POST' && action === 'join') return this.joinRoom(roomId, me, res);
      if (method === 'POST' && action === 'leave') {
        this.append(roomId, { type: 'm.room.member', sender: me, state_key: me, content: { membership: 'leave' } });
        return this.send(res, 200, {});
      }
      if (method === 'POST' && action === 'invite') { this.invite(roomId, me, body.user_id); return this.send(res, 200, {}); }
      const joined = this.membership(roomId, me) === 'join';
      if (!joined) return this.error(res, 403, 'M_FORBIDDEN', `${me} is not in room ${roomId}`);
      if (method === 'PUT' && (action === 'send' || action === 'redact')) return this.sendEvent(request, session, roomId, seg, res);
      if (method === 'GET' && action === 'joined_members') {
        const joinedMembers = {};
        for (const [k, ev] of this.rooms.get(roomId).state) {
          if (k.startsWith('m.room.member|') && ev.content.membership === 'join') {
            joinedMembers[ev.state_key] = { ...(ev.content.displayname ? { display_name: ev.content.displayname } : {}), ...(ev.content.avatar_url ? { avatar_url: ev.content.avatar_url } : {}) };
          }
        }
        return this.send(res, 200, { joined: joinedMembers });
      }
      if (method === 'GET' && action === 'event') {
        const found = this.findEvent(seg[7]);
        if (!found || found.roomId !== roomId) return this.error(res, 404, 'M_NOT_FOUND', 'Event not found');
        return this.send(res, 200, found.event);
      }
      if (method === 'GET' && action === 'messages') return this.messages(request, roomId, res);
      if (method === 'GET' && action === 'state' && seg.length > 7) {
        const ev = this.rooms.get(roomId).state.get(`${seg[7]}|${seg[8] ?? ''}`);
        return ev ? this.send(res, 200, ev.content) : this.error(res, 404, 'M_NOT_FOUND', 'Event not found');
      }
      if (method === 'GET' && action === 'state') {
        return this.send(res, 200, [...this.rooms.get(roomId).state.values()].map((e) => this.clientEvent(e, me)));
      }
      if ((method === 'POST' || method === 'PUT') && ['receipt', 'read_markers', 'typing'].includes(action)) return this.send(res, 200, {});
    }
    if (method === 'GET' && seg[4] === 'profile') {
      const u = this.users.get(seg[5]);
      if (!u) return this.error(res, 404, 'M_NOT_FOUND', 'Profile not found');
      const profile = { ...(u.displayname ? { displayname: u.displayname } : {}), ...(u.avatar_url ? { avatar_url: u.avatar_url } : {}) };
      return this.send(res, 200, seg[6] ? { [seg[6]]: profile[seg[6]] } : profile);
    }
    if (method === 'POST' && p === '/_matrix/media/v3/upload') {
      const id = this.newId('m');
      this.media.set(id, { type: request.headers['content-type'], bytes: request.raw, name: request.query.get('filename') });
      return this.send(res, 200, { content_uri: `mxc://${this.serverName}/${id}` });
    }
    // Authenticated media: /_matrix/client/v1/media/{download|thumbnail}/{serverName}/{mediaId}
    // (the test server serves the original for a thumbnail; counting lets tests see which was used).
    if (method === 'GET' && /^\/_matrix\/client\/v1\/media\/(download|thumbnail)\//.test(p)) {
      this.mediaFetches = (this.mediaFetches || 0) + 1;
      const m = seg[6] === this.serverName ? this.media.get(seg[7]) : undefined;
      if (!m) return this.error(res, 404, 'M_NOT_FOUND', 'not found');
      res.writeHead(200, { 'Content-Type': m.type });
      return res.end(m.bytes);
    }
    return this.error(res, 404, 'M_UNRECOGNIZED', 'Unrecognized request');
  }

  login(body, res) {
    const user = body?.identifier?.user ?? body?.user;
    const id = user && (user.startsWith('@') ? user : `@${user}:${this.serverName}`);
    const u = this.users.get(id);
    if (!u || body.type !== 'm.login.password' || body.password !== u.password) return this.error(res, 403, 'M_FORBIDDEN', 'Invalid username or password');
    const deviceId = body.device_id || 'DEV' + (++this.counter);
    for (const [t, s] of this.tokens) if (s.userId === id && s.deviceId === deviceId) this.tokens.delete(t);
    const token = this.token(id, deviceId);
    this.logins = (this.logins || 0) + 1;
    return this.send(res, 200, { user_id: id, access_token: token, device_id: deviceId });
  }

  joinRoom(roomId, me, res) {
    if (!this.rooms.has(roomId)) return this.error(res, 404, 'M_NOT_FOUND', 'Unknown room');
    const m = this.membership(roomId, me);
    if (m !== 'join') {
      if (m !== 'invite' && this.rooms.get(roomId).state.get('m.room.join_rules|')?.content?.join_rule !== 'public') return this.error(res, 403, 'M_FORBIDDEN', 'You are not invited to this room.');
      this.join(roomId, me);
    }
    return this.send(res, 200, { room_id: roomId });
  }

  sendEvent(request, session, roomId, seg, res) {
    const me = session.userId;
    const redact = seg[6] === 'redact';
    const type = redact ? 'm.room.redaction' : seg[7];
    const txnId = seg[8];
    // Transaction ids are scoped to the device and the endpoint path.
    const txnKey = `${me}|${session.deviceId}|${request.pathname}`;
    if (this.txns.has(txnKey)) { const t = this.txns.get(txnKey); return this.send(res, t.status, t.body); }
    const content = request.body || {};
    if (type === 'm.reaction') {
      const rel = content['m.relates_to'] || {};
      const dup = this.stream.some((s) => !s.raw && s.event && s.event.type === 'm.reaction' && s.event.sender === me && s.roomId === roomId &&
        !s.event.redacted && s.event.content['m.relates_to']?.event_id === rel.event_id && s.event.content['m.relates_to']?.key === rel.key);
      if (dup) {
        const answer = { status: 400, body: { errcode: 'M_DUPLICATE_ANNOTATION', error: 'Duplicate annotation' } };
        this.txns.set(txnKey, answer);
        return this.send(res, answer.status, answer.body);
      }
    }
    const event = { type, sender: me, content };
    if (redact) event.redacts = seg[7];
    const problems = checkEvent(this.spec, { ...event, event_id: '$check', room_id: roomId, origin_server_ts: Date.now() });
    if (problems.length && this.strictUsers.has(me)) this.violations.push({ user: me, request: `event ${type}`, problems });
    const full = this.append(roomId, event, { token: request.token, deviceId: session.deviceId, txnId });
    if (redact) { const target = this.findEvent(seg[7]); if (target) target.event.redacted = true; }
    const answer = { status: 200, body: { event_id: full.event_id } };
    this.txns.set(txnKey, answer);
    return this.send(res, 200, answer.body);
  }

  clientEvent(e, me, deviceId) {
    const { room_id: _room, redacted: _r, ...rest } = e;
    const out = { ...rest };
    const s = this.stream.find((x) => x.event === e);
    if (s && s.txn && s.txn.deviceId === deviceId && e.sender === me) out.unsigned = { ...(out.unsigned || {}), transaction_id: s.txn.txnId };
    return out;
  }

  parsePos(token) { const m = /^s(\d+)$/.exec(token || ''); return m ? Number(m[1]) : null; }

  timelineLimitFor(userId, filterParam) {
    if (this.timelineLimit) return this.timelineLimit;
    let filter;
    if (filterParam && filterParam.startsWith('{')) { try { filter = JSON.parse(filterParam); } catch { filter = undefined; } } else if (filterParam) filter = (this.filters.get(userId) || [])[Number(filterParam)];
    return filter?.room?.timeline?.limit ?? 10;
  }

  async sync(request, session, res) {
    const me = session.userId;
    const q = request.query;
    const since = q.has('since') ? this.parsePos(q.get('since')) : null;
    if (q.has('since') && since === null) return this.error(res, 400, 'M_INVALID_PARAM', 'bad since token');
    const timeout = Math.min(Number(q.get('timeout') || 0), 30000);
    const relevant = () => this.stream.slice(since ?? 0).some((s) => s.accountData === me || (s.roomId && (this.membership(s.roomId, me) || s.event?.state_key === me)));
    if (since !== null && timeout > 0 && !relevant()) {
      await new Promise((resolve) => {
        const done = () => { clearTimeout(timer); this.waiters.delete(check); request.closed = true; resolve(); };
        const check = () => { if (relevant()) done(); };
        const timer = setTimeout(done, timeout);
        this.waiters.add(check);
        res.on('close', done);
      });
    }
    if (res.destroyed) return;
    return this.send(res, 200, this.buildSync(me, session.deviceId, since, this.timelineLimitFor(me, q.get('filter'))));
  }

  buildSync(me, deviceId, since, limit) {
    const now = this.pos();
    const from = since ?? 0;
    const response = { next_batch: `s${now}`, rooms: { join: {}, invite: {}, leave: {} }, account_data: { events: [] }, presence: { events: [] } };
    const data = this.accountData.get(me);
    if (data) for (const [type, d] of data) if (since === null || d.pos > from) response.account_data.events.push({ type, content: d.content });
    for (const [roomId, room] of this.rooms) {
      const memberEvent = room.state.get(`m.room.member|${me}`);
      const m = memberEvent?.content?.membership;
      const entries = this.stream.filter((s) => s.roomId === roomId && s.pos > from && s.pos <= now);
      if (m === 'invite' && (since === null || entries.some((s) => s.event === memberEvent))) {
        const stripped = [...room.state.values()].filter((e) => ['m.room.create', 'm.room.name', 'm.room.join_rules', 'm.room.member'].includes(e.type) && (e.type !== 'm.room.member' || e.state_key === me || e.state_key === memberEvent.sender))
          .map((e) => ({ type: e.type, state_key: e.state_key, sender: e.sender, content: e.content }));
        response.rooms.invite[roomId] = { invite_state: { events: stripped } };
        continue;
      }
      if (m === 'leave' || m === 'ban') {
        if (since !== null && entries.some((s) => s.event === memberEvent)) response.rooms.leave[roomId] = { timeline: { events: [], limited: false } };
        continue;
      }
      if (m !== 'join') continue;
      const joinedNow = since === null || entries.some((s) => s.event?.type === 'm.room.member' && s.event.state_key === me && s.event.content.membership === 'join' && !(s.event.unsigned?.prev_content?.membership === 'join'));
      if (!entries.length && !joinedNow) continue;
      // Like Synapse and Dendrite, a room the user has just joined comes with its recent history
      // (up to the limit, marked limited), from before the join too.
      let timeline = since === null || joinedNow ? this.stream.filter((s) => s.roomId === roomId && s.pos <= now) : entries;
      let limited = false;
      if (timeline.length > limit) { limited = true; timeline = timeline.slice(timeline.length - limit); }
      const prevPos = timeline.length ? timeline[0].pos - 1 : now;
      const state = joinedNow ? [...room.state.values()].filter((e) => !timeline.some((t) => t.event === e)).map((e) => this.clientEvent(e, me, deviceId)) : [];
      response.rooms.join[roomId] = {
        state: { events: state },
        timeline: { events: timeline.map((s) => (s.raw ? s.event : this.clientEvent(s.event, me, deviceId))), limited, prev_batch: `s${prevPos}` },
        ephemeral: { events: [] },
        account_data: { events: [] },
        summary: {},
        unread_notifications: { highlight_count: 0, notification_count: 0 },
      };
    }
    return response;
  }

  messages(request, roomId, res) {
    const q = request.query;
    const dir = q.get('dir');
    const limit = Math.min(Number(q.get('limit') || 10), 1000);
    let from = q.has('from') ? this.parsePos(q.get('from')) : (dir === 'b' ? this.pos() : 0);
    const to = q.has('to') ? this.parsePos(q.get('to')) : null;
    if (from === null) return this.error(res, 400, 'M_INVALID_PARAM', 'bad from token');
    const inRoom = this.stream.filter((s) => s.roomId === roomId);
    let chunk;
    let end;
    if (dir === 'b') {
      const older = inRoom.filter((s) => s.pos <= from && (to === null || s.pos > to)).reverse().slice(0, limit);
      chunk = older;
      if (older.length === limit) end = `s${older[older.length - 1].pos - 1}`;
    } else {
      const newer = inRoom.filter((s) => s.pos > from && (to === null || s.pos <= to)).slice(0, limit);
      chunk = newer;
      if (newer.length === limit) end = `s${newer[newer.length - 1].pos}`;
    }
    const me = request.session.userId;
    const body = { start: q.get('from') || `s${from}`, chunk: chunk.map((s) => (s.raw ? s.event : this.clientEvent(s.event, me, request.session.deviceId))) };
    if (end) body.end = end;
    return this.send(res, 200, body);
  }
}

module.exports = { TestHomeserver };
