'use strict';
// End-to-end: the real kith binary against the spec-checking test homeserver.
const test = require('node:test');
const assert = require('node:assert');
const { setup, startKith, waitFor, recognitionsOf, roomWithKith, mention, kithEvents, kithNotices } = require('./harness');

function assertConformant(env) {
  const mine = env.hs.violations.filter((v) => v.user === env.kith || v.user === 'anonymous' || v.user === 'unknown-token');
  assert.deepStrictEqual(mine, [], 'every request and event Kith sends must match the Matrix spec');
}

async function finish(env, ...kiths) {
  for (const k of kiths) await k.stop();
  await env.hs.stop();
}

test('a user writes "@kith leaderboard" and Kith answers in the room, and "@kith help" privately in a direct room', async () => {
  const env = await setup();
  const kith = startKith(env);
  try {
    const room = await roomWithKith(env);
    const { hs, people } = env;
    hs.say(room, people.alice, mention('@kith leaderboard'));
    const answer = await waitFor('the leaderboard answer', () => kithNotices(env, room).find((e) => /Recognition received/.test(e.content.body)));
    assert.strictEqual(answer.content.msgtype, 'm.notice');
    assert.strictEqual(answer.content.format, 'org.matrix.custom.html');
    assert.match(answer.content.formatted_body, /<strong>Recognition received/);
    assert.ok(answer.content['m.mentions'], 'every message carries m.mentions');
    // Element's pill form: "Kith: help" with Kith in m.mentions.
    hs.say(room, people.carol, { msgtype: 'm.text', body: 'Kith: help', format: 'org.matrix.custom.html',
      formatted_body: '<a href="https://matrix.to/#/@kith:hs.test">Kith</a>: help', 'm.mentions': { user_ids: [env.kith] } });
    const dm = await waitFor('a direct room with Carol', () => [...hs.rooms.entries()].find(([, r]) => r.createdBy === env.kith && r.state.get(`m.room.member|${people.carol}`)?.content?.is_direct));
    // Kith writes m.direct after creating the room: wait for it rather than race it.
    const direct = await waitFor('m.direct naming the room', () => {
      const content = hs.accountData.get(env.kith)?.get('m.direct')?.content;
      return content?.[people.carol] ? content : undefined;
    });
    assert.deepStrictEqual(direct[people.carol], [dm[0]], 'the direct room is recorded in m.direct');
    hs.join(dm[0], people.carol);
    const help = await waitFor('the help text in the direct room', () => kithNotices(env, dm[0]).find((e) => /leaderboard/.test(e.content.body)));
    assert.strictEqual(help.content.msgtype, 'm.notice');
    // Notices are never answered, and Kith ignores its own messages.
    const before = kithEvents(env).length;
    hs.say(room, people.dan, { msgtype: 'm.notice', body: '@kith leaderboard' });
    hs.say(room, people.alice, mention('@kith leaderboard week'));
    await waitFor('the second leaderboard', () => kithNotices(env, room).filter((e) => /Recognition received/.test(e.content.body)).length === 2);
    assert.strictEqual(kithEvents(env).length, before + 1);
    assertConformant(env);
  } finally { await finish(env, kith); }
});

test('restart and kill -9 in the middle of a sync batch neither lose nor repeat effects', async () => {
  const env = await setup();
  const { hs, people } = env;
  let kith = startKith(env);
  const room = await roomWithKith(env);
  const batch = [];
  // One batch of recognitions, and a reply whose target Kith must look up: Kith is killed while
  // it does, after it received the batch and before it stored it.
  let killed = false;
  const unhook = hs.before(async (req) => {
    if (!killed && req.method === 'GET' && /\/event\/%24missing$|\/event\/\$missing$/.test(req.pathname)) {
      killed = true;
      await kith.kill9();
      return 'hang';
    }
    return undefined;
  });
  batch.push(hs.say(room, people.alice, mention('+1 @bob for the release', people.bob)));
  batch.push(hs.say(room, people.carol, mention('thanks Bob!', people.bob)));
  batch.push(hs.say(room, people.dan, mention('+1 @bob', people.bob)));
  hs.say(room, people.erin, { msgtype: 'm.text', body: 'agreed', 'm.relates_to': { 'm.in_reply_to': { event_id: '$missing' } } });
  const first = await kith.exited;
  assert.strictEqual(first.signal, 'SIGKILL');
  assert.strictEqual(recognitionsOf(env, people.bob), 0, 'nothing of the killed batch was stored');
  unhook();

  // Second run: kill -9 again right after the first acknowledgement reaction reached the
  // server (the server creates it, Kith never hears back), i.e. after the batch was stored.
  let killedAfter = false;
  const unhook2 = hs.before(async (req) => {
    if (!killedAfter && req.method === 'PUT' && req.pathname.includes('/send/m.reaction/')) {
      killedAfter = true;
      kith.kill9();
    }
    return undefined;
  });
  kith = startKith(env);
  const second = await kith.exited;
  assert.strictEqual(second.signal, 'SIGKILL');
  unhook2();
  assert.strictEqual(recognitionsOf(env, people.bob), 3, 'the batch was applied once');

  // Third run finishes the outbox; a graceful restart after it changes nothing.
  kith = startKith(env);
  const tacos = () => kithEvents(env, (e) => e.type === 'm.reaction' && e.content['m.relates_to'].key === '\u{1F32E}');
  await waitFor('three acknowledgements', () => tacos().length >= 3);
  await kith.stop();
  kith = startKith(env);
  hs.say(room, people.frank, mention('+1 @bob', people.bob));
  await waitFor('the fourth recognition', () => recognitionsOf(env, people.bob) === 4);
  await waitFor('its acknowledgement', () => tacos().length >= 4);
  hs.say(room, people.alice, mention('@kith leaderboard all'));
  await waitFor('a leaderboard', () => kithNotices(env, room).find((e) => /Recognition received/.test(e.content.body)));
  assert.strictEqual(recognitionsOf(env, people.bob), 4);
  const targets = tacos().map((e) => e.content['m.relates_to'].event_id).sort();
  assert.deepStrictEqual(targets, [...batch.map((e) => e.event_id), hs.eventsBy(people.frank).at(-1).event_id].sort(),
    'each recognition acknowledged exactly once');
  const budgets = kithEvents(env, (e) => e.type === 'm.room.message' && /recorded/.test(e.content.body));
  assert.strictEqual(budgets.length, 4, 'each private confirmation sent exactly once');
  assertConformant(env);
  await finish(env, kith);
});

test('a limited timeline is backfilled with /messages so nothing in the gap is lost', async () => {
  const env = await setup();
  const { hs, people } = env;
  let kith = startKith(env);
  const room = await roomWithKith(env);
  await kith.stop();
  hs.timelineLimit = 3;
  hs.say(room, people.alice, mention('+1 @bob', people.bob));
  hs.say(room, people.carol, mention('+1 @bob', people.bob));
  for (let i = 0; i < 8; i++) hs.say(room, people.dan, { msgtype: 'm.text', body: `chatter ${i}` });
  hs.say(room, people.erin, mention('+1 @bob', people.bob));
  kith = startKith(env);
  await waitFor('all three recognitions', () => recognitionsOf(env, people.bob) === 3);
  assert.ok(hs.requests.some((r) => r.user === env.kith && r.path.endsWith('/messages')), 'Kith paged back with /messages');
  assertConformant(env);
  await finish(env, kith);
});

test('a 429 storm and 5xx errors are waited out, and the answer is sent exactly once', async () => {
  const env = await setup();
  const { hs, people } = env;
  const kith = startKith(env);
  const room = await roomWithKith(env);
  let refused = 0;
  const paths = new Set();
  hs.before(async (req) => {
    if (req.method !== 'PUT' || !req.pathname.includes('/send/m.room.message/') || req.session?.userId !== env.kith) return undefined;
    paths.add(req.pathname);
    refused++;
    if (refused <= 3) return { status: 429, headers: { 'Retry-After': '0' }, body: { errcode: 'M_LIMIT_EXCEEDED', error: 'Too many requests' } };
    if (refused <= 6) return { status: 429, body: { errcode: 'M_LIMIT_EXCEEDED', error: 'Too many requests', retry_after_ms: 30 } };
    if (refused <= 8) return { status: 502, body: { errcode: 'M_UNKNOWN', error: 'bad gateway' } };
    return undefined;
  });
  hs.say(room, people.alice, mention('@kith leaderboard'));
  await waitFor('the answer after the storm', () => kithNotices(env, room).length === 1, 30000).catch((e) => { console.log(kith.out); throw e; });
  assert.ok(refused >= 9, `Kith retried (${refused} attempts)`);
  assert.strictEqual(paths.size, 1, 'every retry reused the same transaction id');
  assert.strictEqual(kithNotices(env, room).length, 1);
  assertConformant(env);
  await finish(env, kith);
});

test('malformed and oversized events are logged and skipped without stalling the sync loop', async () => {
  const env = await setup();
  const { hs, people } = env;
  const kith = startKith(env);
  const room = await roomWithKith(env);
  hs.inject(room, 'not an event');
  hs.inject(room, { type: 'm.room.message', sender: people.alice, content: { msgtype: 'm.text', body: 'no id' } });
  hs.inject(room, { event_id: '$bad1', type: 'm.room.message', sender: people.alice, content: 'text' });
  hs.inject(room, { event_id: '$bad2', type: 'm.room.message', sender: 42, content: { msgtype: 'm.text', body: 'x' } });
  hs.inject(room, { event_id: '$bad3', type: 'm.reaction', sender: people.alice, content: { 'm.relates_to': 'x' } });
  hs.inject(room, { event_id: '$bad4', type: 'm.room.message', sender: people.alice, content: { msgtype: 'm.text', body: '@kith leaderboard ' + 'x'.repeat(70000) } });
  hs.inject(room, { event_id: '$bad5', type: 'm.room.message', sender: people.alice, content: { msgtype: 'm.text', body: ['@kith leaderboard'] } });
  hs.say(room, people.alice, mention('@kith leaderboard'));
  await waitFor('the answer after the malformed events', () => kithNotices(env, room).length === 1);
  assert.strictEqual(kithNotices(env, room).length, 1, 'malformed events produced nothing');
  assert.match(kith.out, /skipping malformed Matrix event/);
  assertConformant(env);
  await finish(env, kith);
});

test('invitations are accepted from allowed servers and declined from others, and encrypted rooms are told once', async () => {
  const env = await setup();
  const { hs, people } = env;
  let kith = startKith(env);
  await roomWithKith(env);
  const eve = '@eve:evil.test';
  hs.users.set(eve, { displayname: 'Eve' });
  const foreign = hs.createRoom(eve, { name: 'elsewhere' });
  hs.invite(foreign, eve, env.kith);
  await waitFor('Kith to decline', () => hs.membership(foreign, env.kith) === 'leave');
  const secret = hs.createRoom(people.alice, { name: 'secret', encrypted: true, join: [people.bob] });
  hs.invite(secret, people.alice, env.kith);
  await waitFor('Kith to join the encrypted room', () => hs.membership(secret, env.kith) === 'join');
  hs.append(secret, { type: 'm.room.encrypted', sender: people.alice, content: { algorithm: 'm.megolm.v1.aes-sha2', ciphertext: 'AAAA', sender_key: 'k', session_id: 's', device_id: 'D' } });
  await waitFor('the notice about encryption', () => kithNotices(env, secret).length === 1);
  assert.match(kithNotices(env, secret)[0].content.body, /cannot read encrypted rooms/);
  await kith.stop();
  kith = startKith(env);
  hs.append(secret, { type: 'm.room.encrypted', sender: people.bob, content: { algorithm: 'm.megolm.v1.aes-sha2', ciphertext: 'BBBB', sender_key: 'k', session_id: 's', device_id: 'D' } });
  const general = [...hs.rooms.keys()].find((r) => hs.rooms.get(r).state.get('m.room.name|')?.content?.name === 'general');
  hs.say(general, people.alice, mention('@kith leaderboard'));
  await waitFor('Kith to be running again', () => kithNotices(env, general).length === 1);
  assert.strictEqual(kithNotices(env, secret).length, 1, 'the encryption notice is sent once, not on every restart');
  assertConformant(env);
  await finish(env, kith);
});

test('an unknown token is a fatal error: exit code 3 and a message naming the homeserver and what to check', async () => {
  const env = await setup();
  const kith = startKith(env, { token: 'tok_not_issued' });
  const { code } = await kith.exited;
  assert.strictEqual(code, 3);
  assert.match(kith.out, new RegExp(env.hs.url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  assert.match(kith.out, /M_UNKNOWN_TOKEN/);
  assert.match(kith.out, /KITH_MATRIX_TOKEN/);
  assert.doesNotMatch(kith.out, /tok_not_issued/, 'the token never appears in output');
  await env.hs.stop();
});

test('password login keeps its device, and a soft logout logs in again with the same device', async () => {
  const env = await setup();
  const { hs, people } = env;
  const fs = require('fs');
  const path = require('path');
  fs.writeFileSync(path.join(env.dir, 'password'), 'kith-password\n', { mode: 0o600 });
  let kith = startKith(env, { token: null, extra: `password_file = "${path.join(env.dir, 'password')}"` });
  const room = await roomWithKith(env);
  const session = [...hs.tokens.values()].find((s) => s.userId === env.kith && s.deviceId !== 'KITHDEV');
  assert.ok(session, 'Kith logged in with its password');
  const device = session.deviceId;
  session.softLogout = true;
  hs.say(room, people.alice, mention('@kith leaderboard'));
  await waitFor('the answer after re-login', () => kithNotices(env, room).length === 1);
  const sessions = [...hs.tokens.values()].filter((s) => s.userId === env.kith && !s.softLogout && s.deviceId !== 'KITHDEV');
  assert.ok(sessions.length >= 1 && sessions.every((s) => s.deviceId === device), 'the same device id was reused');
  await kith.stop();
  kith = startKith(env, { token: null, extra: `password_file = "${path.join(env.dir, 'password')}"` });
  hs.say(room, people.alice, mention('@kith leaderboard'));
  await waitFor('the answer after restart', () => kithNotices(env, room).length === 2);
  assert.ok([...hs.tokens.values()].filter((s) => s.userId === env.kith && s.deviceId !== 'KITHDEV').every((s) => s.deviceId === device));
  assertConformant(env);
  await finish(env, kith);
});
