'use strict';
// The real kith binary against a real homeserver: KITH_HOMESERVER=synapse (Synapse 1.98.0) or
// dendrite (Dendrite v0.13.8), installed by tests/matrix/realhs/install.sh. The same scenarios run
// against both; each starts its own homeserver from a migrated template (see realserver.js).
const assert = require('node:assert');
const {
  kind, scenario, waitFor, timeline, kithEvents, kithNotices, membership, roomWithKith, say,
  startKith, sql, recognitionsOf, mention,
} = require('./realserver');

const enc = encodeURIComponent;
const taco = '\u{1F32E}';
// Budgets big enough for the traffic scenarios' hundreds of recognitions.
const generousBudget = '[recognition]\ndaily_budget = 100\n';
const givers = ['alice', 'carol', 'dan', 'erin', 'frank'];

async function directRoomOf(env, name) {
  const res = await env.hs.api('GET', `/user/${enc(env.kith)}/account_data/m.direct`, env.token);
  return res.status === 200 ? res.json[env.people[name]]?.[0] : undefined;
}

// Kith's acknowledgements (its own taco reactions) in the room, by the event they annotate.
async function acknowledgements(env, room) {
  const reactions = await kithEvents(env, room, (e) => e.type === 'm.reaction' && e.content['m.relates_to']?.key === taco);
  return reactions.map((e) => e.content['m.relates_to'].event_id);
}

function assertEachOnce(targets, expected, what) {
  assert.deepStrictEqual([...targets].sort(), [...expected].sort(), `${what}: each exactly once`);
}

// Kith's own events in a room as Kith's device sees them in /sync, where each carries the
// transaction id it was sent with (Dendrite's /messages leaves it out).
async function kithSent(env, room, pred) {
  const filter = { room: { rooms: [room], timeline: { limit: 1000 }, state: { types: [] } }, presence: { types: [] } };
  const res = await env.hs.api('GET', `/sync?timeout=0&filter=${enc(JSON.stringify(filter))}`, env.token);
  assert.strictEqual(res.status, 200);
  return (res.json.rooms?.join?.[room]?.timeline?.events ?? []).filter((e) => e.sender === env.kith && pred(e));
}

// Each of Kith's sends once. Dendrite stores the event of a PUT that Kith's kill -9 cut short but
// forgets its transaction id, so Kith's retry with the same id makes a second event: such twins
// are allowed there only if they share the transaction id (Kith did reuse it); Synapse has none.
// Resolves to keyOf of each send.
async function sentOnce(env, room, pred, keyOf, what) {
  const byTxn = new Map();
  for (const e of await kithSent(env, room, pred)) {
    const txn = e.unsigned?.transaction_id;
    assert.ok(txn, `${what}: ${e.event_id} carries its transaction id`);
    if (byTxn.has(txn)) {
      assert.strictEqual(keyOf(e), keyOf(byTxn.get(txn).event), `${what}: one transaction, one content`);
      byTxn.get(txn).twins += 1;
    } else {
      byTxn.set(txn, { event: e, twins: 0 });
    }
  }
  const twins = [...byTxn.values()].reduce((n, v) => n + v.twins, 0);
  console.log(`# ${kind}: ${what}: ${byTxn.size} sends, ${twins} stored twice by the server under one transaction id`);
  if (kind === 'synapse') assert.strictEqual(twins, 0, `${what}: Synapse returns the same event for a repeated transaction id`);
  return [...byTxn.values()].map((v) => keyOf(v.event));
}

scenario(`${kind}: first start — token, filter, no history replayed, an invitation accepted, "@kith help" answered as m.notice with m.mentions`, async (env) => {
  const { clients, people } = env;
  // History from before Kith's first start, in a room it is invited to meanwhile.
  const { room_id: room } = await clients.alice.createRoom({ name: 'general', preset: 'public_chat' });
  for (const m of ['bob', 'carol']) await clients[m].joinRoom(room);
  await say(env, 'alice', room, mention('+1 @bob for the old release', people.bob));
  await say(env, 'carol', room, mention('@kith help', env.kith));
  await clients.alice.invite(room, env.kith);

  const kith = startKith(env);
  await waitFor('Kith to accept the invitation', async () => (await membership(env, room, env.kith)) === 'join');
  assert.match(kith.out, new RegExp(`connected to ${env.hs.url.replace(/[.]/g, '\\.')} as ${env.kith}`));
  // The sync filter Kith made is on the server, under the id it stored with its sync position.
  const [[cursor]] = sql(env, "SELECT value FROM state WHERE value LIKE '%filter_id%'");
  const filterId = JSON.parse(cursor).filter_id;
  const filter = await env.hs.api('GET', `/user/${enc(env.kith)}/filter/${enc(filterId)}`, env.token);
  assert.strictEqual(filter.status, 200);
  assert.strictEqual(filter.json.room.timeline.limit, 50);

  await say(env, 'alice', room, mention('@kith help', env.kith));
  const dm = await waitFor('a direct room with Alice in m.direct', () => directRoomOf(env, 'alice'));
  await clients.alice.joinRoom(dm);
  const help = await waitFor('the help text', async () => (await kithNotices(env, dm)).find((e) => /leaderboard/.test(e.content.body)));
  assert.strictEqual(help.content.msgtype, 'm.notice');
  assert.ok(help.content['m.mentions'], 'every message carries m.mentions');
  const invite = (await timeline(env, dm)).find((e) => e.type === 'm.room.member' && e.state_key === people.alice && e.content.membership === 'invite');
  assert.strictEqual(invite.content.is_direct, true, 'the direct room is flagged as such');

  // Nothing from before the first start was answered or counted.
  assert.strictEqual(recognitionsOf(env, people.bob), 0);
  assert.strictEqual(await directRoomOf(env, 'carol'), undefined, 'Carol\'s old "@kith help" is not answered');
  assert.deepStrictEqual(await kithEvents(env, room, (e) => e.type !== 'm.room.member'), []);
});

scenario(`${kind}: recognition — "+1 @bob" gets an m.annotation, a redacted kudos reaction is withdrawn, an edit never counts twice`, async (env) => {
  const { clients, people } = env;
  startKith(env);
  const room = await roomWithKith(env);
  const kudos = await say(env, 'alice', room, mention('+1 @bob for the release', people.bob));
  const ack = await waitFor('Kith\'s reaction', async () => (await kithEvents(env, room, (e) => e.type === 'm.reaction'))[0]);
  assert.deepStrictEqual(ack.content['m.relates_to'], { rel_type: 'm.annotation', event_id: kudos, key: taco });
  await waitFor('the recognition', () => recognitionsOf(env, people.bob) === 1);

  // Alice edits her kudos (m.replace): still one recognition, one acknowledgement.
  await clients.alice.sendEvent(room, 'm.room.message', {
    msgtype: 'm.text', body: '* +1 @bob for the great release', 'm.mentions': { user_ids: [people.bob] },
    'm.new_content': { msgtype: 'm.text', body: '+1 @bob for the great release', 'm.mentions': { user_ids: [people.bob] } },
    'm.relates_to': { rel_type: 'm.replace', event_id: kudos },
  });
  // Carol's taco on Bob's own message is a kudos reaction; Bob's leaderboard request comes after
  // both, so once it is answered Kith has handled them.
  const bobs = await say(env, 'bob', room, { msgtype: 'm.text', body: 'the release is out' });
  const { event_id: carols } = await clients.carol.sendEvent(room, 'm.reaction', { 'm.relates_to': { rel_type: 'm.annotation', event_id: bobs, key: taco } });
  await waitFor('the kudos reaction to count', () => recognitionsOf(env, people.bob) === 2);
  await say(env, 'dan', room, mention('@kith leaderboard', env.kith));
  await waitFor('a leaderboard', async () => (await kithNotices(env, room)).find((e) => /Recognition received/.test(e.content.body)));
  assert.strictEqual(recognitionsOf(env, people.bob), 2, 'the edit did not count again');
  assertEachOnce(await acknowledgements(env, room), [kudos], 'acknowledgements');

  // Carol takes her reaction back: the recognition is withdrawn.
  await clients.carol.redactEvent(room, carols);
  await waitFor('the recognition to be withdrawn', () => recognitionsOf(env, people.bob) === 1);
  const dm = await waitFor('a direct room with Carol', () => directRoomOf(env, 'carol'));
  await clients.carol.joinRoom(dm);
  await waitFor('Carol to be told', async () => (await kithNotices(env, dm, 'carol')).find((e) => /took your recognition back/.test(e.content.body)));
});

// Kudos from the givers in turn; resolves to their event ids.
async function kudosRound(env, room, count, label) {
  const ids = [];
  for (let i = 0; i < count; i += 1) {
    ids.push(await say(env, givers[i % givers.length], room, mention(`+1 @bob for ${label} ${i}`, env.people.bob)));
  }
  return ids;
}

scenario(`${kind}: kill -9 during traffic, again and again, then a clean restart — nothing missed, nothing done twice`, async (env) => {
  const { people } = env;
  let kith = startKith(env, { extra: generousBudget });
  const room = await roomWithKith(env);
  const sending = kudosRound(env, room, 40, 'the crash test');
  // Kill Kith as soon as it has made progress since its last start, three times.
  for (let crash = 0; crash < 3; crash += 1) {
    const before = recognitionsOf(env, people.bob);
    await waitFor('progress before the crash', () => recognitionsOf(env, people.bob) > before, 60000);
    assert.strictEqual((await kith.kill9()).signal, 'SIGKILL');
    kith = startKith(env, { extra: generousBudget });
  }
  const kudos = await sending;
  await waitFor('all 40 recognitions', () => recognitionsOf(env, people.bob) === 40, 90000);
  await waitFor('all 40 acknowledgements', async () => (await acknowledgements(env, room)).length >= 40, 90000);
  await kith.stop();
  kith = startKith(env, { extra: generousBudget });
  await say(env, 'dan', room, mention('@kith leaderboard', env.kith));
  await waitFor('a leaderboard after the clean restart', async () => (await kithNotices(env, room)).find((e) => /Recognition received/.test(e.content.body)));
  assert.strictEqual(recognitionsOf(env, people.bob), 40);
  const isTaco = (e) => e.type === 'm.reaction' && e.content['m.relates_to']?.key === taco;
  assertEachOnce(await sentOnce(env, room, isTaco, (e) => e.content['m.relates_to'].event_id, 'acknowledgements'), kudos, 'acknowledgements');
  // The private confirmations ("… recorded. You have N left today.") have no server-side
  // deduplication but the transaction id: one per kudos, each telling a different budget.
  for (const giver of givers) {
    const dm = await directRoomOf(env, giver);
    const bodies = await sentOnce(env, dm, (e) => /recorded/.test(e.content?.body), (e) => e.content.body, `${giver}'s confirmations`);
    assert.strictEqual(bodies.length, 8, `${giver}'s 8 kudos confirmed once each`);
    assert.strictEqual(new Set(bodies).size, 8, `${giver}'s confirmations each tell the budget left`);
  }
}, { limitMs: 300000 });

scenario(`${kind}: Kith stopped while 200 messages arrive; the gappy sync is backfilled, each handled once`, async (env) => {
  const { people } = env;
  let kith = startKith(env, { extra: generousBudget });
  const room = await roomWithKith(env);
  await kith.stop();
  const kudos = await kudosRound(env, room, 200, 'the downtime test');
  kith = startKith(env, { extra: generousBudget });
  await waitFor('200 recognitions', () => recognitionsOf(env, people.bob) === 200, 120000);
  await waitFor('200 acknowledgements', async () => (await acknowledgements(env, room)).length >= 200, 120000);
  assert.match(kith.out, /backfilled \d+ events in .* after a limited sync/, 'the sync after the downtime was gappy');
  await say(env, 'dan', room, mention('@kith leaderboard', env.kith));
  await waitFor('a leaderboard', async () => (await kithNotices(env, room)).find((e) => /Recognition received/.test(e.content.body)));
  assert.strictEqual(recognitionsOf(env, people.bob), 200);
  assertEachOnce(await acknowledgements(env, room), kudos, 'acknowledgements');
}, { limitMs: 300000 });

// Kith's exit on refused credentials: exit code 3 (README, "Installing on Matrix") and a message
// naming the homeserver.
async function assertRefused(env, kith, what) {
  const exit = await waitFor(`Kith to stop on ${what}`, async () => {
    const e = kith.proc.exitCode;
    return e === null ? undefined : { code: e };
  });
  assert.strictEqual(exit.code, 3, `${what}: exit code 3\n${kith.out}`);
  assert.ok(kith.out.includes(env.hs.url), `${what}: the message names the homeserver\n${kith.out}`);
}

scenario(`${kind}: a bad token, a revoked token and a deactivated bot user stop Kith with exit code 3 naming the homeserver`, async (env) => {
  await assertRefused(env, startKith(env, { token: 'syt_not_a_token' }), 'a bad token');

  // Revoked while Kith runs.
  let kith = startKith(env);
  await roomWithKith(env, ['alice', 'bob']);
  assert.strictEqual((await env.hs.api('POST', '/logout', env.token, {})).status, 200);
  await assertRefused(env, kith, 'a revoked token');

  // The bot user deactivated: its fresh token stops working too.
  const { access_token: token } = await env.hs.login('kith', env.kithPassword);
  const auth = { type: 'm.login.password', identifier: { type: 'm.id.user', user: 'kith' }, password: env.kithPassword };
  let res = await env.hs.api('POST', '/account/deactivate', token, { auth });
  if (res.status === 401 && res.json.session) res = await env.hs.api('POST', '/account/deactivate', token, { auth: { ...auth, session: res.json.session } });
  assert.strictEqual(res.status, 200, JSON.stringify(res.json));
  kith = startKith(env, { token });
  await assertRefused(env, kith, 'a deactivated user');
});

scenario(`${kind}: the server's default message rate limit — a round of kudos delivered completely, none twice, paced by the server`, async (env) => {
  const { people } = env;
  const kith = startKith(env, { extra: generousBudget });
  const room = await roomWithKith(env, ['alice', 'bob', ...givers.slice(1)]);
  // Each giver stays within their own burst; Kith answers each kudos twice (a reaction and a
  // private confirmation) and opens a direct room with each giver: beyond its burst of 10.
  const kudos = await kudosRound(env, room, 10, 'the rate-limit test');
  await waitFor('10 recognitions', () => recognitionsOf(env, people.bob) === 10, 60000);
  await waitFor('10 acknowledgements', async () => (await acknowledgements(env, room)).length >= 10, 240000);
  assertEachOnce(await acknowledgements(env, room), kudos, 'acknowledgements');
  let confirmations = 0;
  for (const giver of givers) {
    const dm = await waitFor(`a direct room with ${giver}`, () => directRoomOf(env, giver), 240000);
    await env.clients[giver].joinRoom(dm);
    await waitFor(`${giver}'s confirmations`, async () => (await kithNotices(env, dm, giver)).filter((e) => /recorded/.test(e.content.body)).length >= 2, 240000);
    confirmations += (await kithNotices(env, dm, giver)).filter((e) => /recorded/.test(e.content.body)).length;
  }
  assert.strictEqual(confirmations, 10, 'each confirmation exactly once');
  const limited = (kith.out.match(/rate-limiting Kith/g) || []).length;
  console.log(`# ${kind}: Kith met ${limited} 429 answers under the default rate limit`);
  if (kind === 'synapse') assert.ok(limited > 0, 'Synapse\'s default limit was reached (else this scenario tests nothing)');
}, { limitMs: 420000, defaultMessageRateLimit: true });

// Synapse is set to encrypt every new room (its `encryption_enabled_by_default_for_room_type`);
// Dendrite has no such setting, so there the room is created encrypted.
scenario(`${kind}: invited to an encrypted room, Kith tells the room and its log that it cannot read it, once`, async (env) => {
  const { clients } = env;
  const kith = startKith(env);
  const encryption = { type: 'm.room.encryption', state_key: '', content: { algorithm: 'm.megolm.v1.aes-sha2' } };
  const room = await roomWithKith(env, ['alice', 'bob'], kind === 'synapse' ? {} : { initial_state: [encryption] });
  assert.strictEqual((await clients.alice.getStateEvent(room, 'm.room.encryption', '')).algorithm, 'm.megolm.v1.aes-sha2');
  const notice = await waitFor('Kith\'s notice', async () => (await kithNotices(env, room)).find((e) => /cannot read encrypted rooms/.test(e.content.body)));
  assert.strictEqual(notice.content.msgtype, 'm.notice');
  await waitFor('the admin log line', () => /room .* is encrypted; told it once that Kith cannot read it/.test(kith.out));
  // Another (to Kith undecryptable) message, after a restart: no second notice. Kith has handled
  // it once its stored sync position moves on.
  await kith.stop();
  const position = () => sql(env, "SELECT value FROM state WHERE value LIKE '%filter_id%'")[0][0];
  const before = position();
  const again = startKith(env);
  await waitFor('Kith to reconnect', () => /connected to /.test(again.out));
  await clients.bob.sendEvent(room, 'm.room.encrypted', { algorithm: 'm.megolm.v1.aes-sha2', ciphertext: 'opaque', sender_key: 'k', session_id: 's', device_id: 'D' });
  await waitFor('Kith to sync past Bob\'s message', () => position() !== before);
  assert.strictEqual((await kithNotices(env, room)).length, 1, 'told once');
}, { extraConfig: kind === 'synapse' ? { encryption_enabled_by_default_for_room_type: 'all' } : {} });
