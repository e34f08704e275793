'use strict';
// End-to-end: the real kith binary against the spec-checking test homeserver.
const assert = require('node:assert');
const fs = require('fs');
const path = require('path');
const { scenario, startKith, kithCommand, weeklySlotJustPast, moveFirstSightBack, waitFor, recognitionsOf, roomWithKith, mention, kithEvents, kithNotices, sql } = require('./harness');

function assertConformant(env) {
  const mine = env.hs.violations.filter((v) => v.user === env.kith || v.user === 'anonymous' || v.user === 'unknown-token');
  assert.deepStrictEqual(mine, [], 'every request and event Kith sends must match the Matrix spec');
}

scenario('a user writes "@kith leaderboard" and Kith answers in the room, and "@kith help" privately in a direct room', async (env) => {
  startKith(env);
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
});

scenario('restart and kill -9 in the middle of a sync batch neither lose nor repeat effects', async (env) => {
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
});

// Kith's conversation marker: a hash of the people in the room (sorted, one per line).
const markerOf = (users) => require('crypto').createHash('sha256').update([...users].sort().map((u) => `${u}\n`).join('')).digest('hex');

const directRoomsWith = (env, user) => [...env.hs.rooms.entries()]
  .filter(([, r]) => r.createdBy === env.kith && r.state.get(`m.room.member|${user}`)).map(([id]) => id);

scenario('direct rooms: one per person across a restart and a crash between createRoom and m.direct, each message once', async (env) => {
  const { hs, people } = env;
  let kith = startKith(env);
  const room = await roomWithKith(env);
  // Dan makes a room that claims to be Kith's room with Alice and invites Kith: it must never be used.
  const forged = hs.createRoom(people.dan, { creationContent: { 'org.kith.conversation': markerOf([people.alice]) } });
  hs.invite(forged, people.dan, env.kith);
  await waitFor('Kith to join Dan\'s room', () => hs.membership(forged, env.kith) === 'join');
  // Kill Kith right after the homeserver created the direct room, before Kith recorded it.
  let killed = false;
  const unhook = hs.before(async (req) => {
    if (!killed && req.method === 'PUT' && req.pathname.endsWith('/account_data/m.direct')) {
      killed = true;
      await kith.kill9();
      return 'hang';
    }
    return undefined;
  });
  hs.say(room, people.alice, mention('@kith help'));
  assert.strictEqual((await kith.exited).signal, 'SIGKILL');
  unhook();
  const [dm, ...others] = directRoomsWith(env, people.alice);
  assert.ok(dm && others.length === 0, 'the room was created before the crash');
  assert.strictEqual(kithNotices(env, dm).length, 0, 'and nothing was sent yet');
  assert.strictEqual(hs.rooms.get(dm).state.get('m.room.create|').content['org.kith.conversation'], markerOf([people.alice]), 'the room carries Kith\'s marker');

  kith = startKith(env);
  await waitFor('the help text in the room created before the crash', () => kithNotices(env, dm).length === 1);
  assert.deepStrictEqual(directRoomsWith(env, people.alice), [dm], 'no second room');
  assert.deepStrictEqual(hs.accountData.get(env.kith).get('m.direct').content[people.alice], [dm], 'recorded in m.direct');
  await kith.stop();

  // After a graceful restart Kith knows the room is direct (from m.direct), so a plain "help" in it
  // is a command, and the answer goes to the same room.
  kith = startKith(env);
  hs.join(dm, people.alice);
  hs.say(dm, people.alice, { msgtype: 'm.text', body: 'help' });
  await waitFor('the answer in the direct room', () => kithNotices(env, dm).length === 2);
  hs.say(room, people.alice, mention('@kith help'));
  await waitFor('the third answer', () => kithNotices(env, dm).length === 3);
  assert.deepStrictEqual(directRoomsWith(env, people.alice), [dm], 'still one room with Alice');
  assert.strictEqual(kithNotices(env, forged).length, 0, 'nothing private went to the forged room');

  // Alice leaves the direct room; after a restart Kith sees she is gone and opens a new one.
  await kith.stop();
  hs.append(dm, { type: 'm.room.member', sender: people.alice, state_key: people.alice, content: { membership: 'leave' } });
  kith = startKith(env);
  hs.say(room, people.alice, mention('@kith help'));
  const fresh = await waitFor('a new direct room', () => directRoomsWith(env, people.alice).find((r) => r !== dm && kithNotices(env, r).length === 1));
  assert.strictEqual(kithNotices(env, dm).length, 3, 'nothing more into the room she left');
  assert.deepStrictEqual(hs.accountData.get(env.kith).get('m.direct').content[people.alice], [dm, fresh]);
  assertConformant(env);
});

scenario('a createRoom cut short by a crash, the room made but nobody invited (as Dendrite does), is not used: a complete room is', async (env) => {
  const { hs, people } = env;
  let kith = startKith(env);
  const room = await roomWithKith(env);
  // The server creates Kith's room with its marker and stops before the invitations; Kith dies.
  let cut;
  const unhook = hs.before(async (req) => {
    if (!cut && req.method === 'POST' && req.pathname.endsWith('/createRoom')) {
      cut = hs.createRoom(env.kith, { isDirect: true, creationContent: req.body.creation_content });
      await kith.kill9();
      return 'hang';
    }
    return undefined;
  });
  hs.say(room, people.alice, mention('@kith help'));
  assert.strictEqual((await kith.exited).signal, 'SIGKILL');
  unhook();
  kith = startKith(env);
  const dm = await waitFor('a direct room Alice is invited to', () => directRoomsWith(env, people.alice)[0]);
  assert.notStrictEqual(dm, cut);
  await waitFor('the help text there', () => kithNotices(env, dm).length === 1);
  assert.strictEqual(kithNotices(env, cut).length, 0, 'nothing went to the room nobody was invited to');
  assert.match(kith.out, /not using room .*not everyone it was created for is in it/);
  assertConformant(env);
});

scenario('the quiz: a copy of the photo through authenticated media, numbered choices, answers by reaction and by reply', async (env) => {
  const { hs, people } = env;
  startKith(env);
  const room = await roomWithKith(env);
  hs.say(room, people.alice, mention('@kith quiz'));
  const question = await waitFor('the question', () => kithNotices(env, room).find((e) => /Who's who\?/.test(e.content.body)));
  const picture = await waitFor('the photo', () => kithNotices(env, room).find((e) => e.content.msgtype === 'm.image'));
  // The photo is a new upload of the subject's avatar, fetched through /_matrix/client/v1/media:
  // neither its URI nor its text gives the name away.
  const copy = hs.media.get(picture.content.url.split('/').pop());
  assert.ok(copy, 'uploaded through POST /_matrix/media/v3/upload');
  const subject = ['carol', 'dan', 'erin', 'frank'].find((n) => hs.media.get(n).bytes.equals(copy.bytes));
  assert.ok(subject, 'the photo is the avatar of someone in the room other than the player');
  assert.ok(![...hs.users.values()].some((u) => u.avatar_url === picture.content.url), 'not the avatar\'s own URI');
  assert.doesNotMatch(JSON.stringify(picture.content), new RegExp(subject, 'i'));
  assert.strictEqual(picture.content.info.mimetype, 'image/png');
  assert.ok(hs.requests.some((r) => r.user === env.kith && r.path === `/_matrix/client/v1/media/thumbnail/hs.test/${subject}`),
    'the avatar was fetched through the authenticated media endpoint');

  // Numbered choices: four names and "Don't know", with keycap reactions as answer buttons.
  const choices = question.content.body.split('\n').filter((l) => /^\d\. /.test(l));
  assert.strictEqual(choices.length, 5);
  assert.strictEqual(choices[4], "5. Don't know");
  const display = subject[0].toUpperCase() + subject.slice(1);
  const right = choices.findIndex((l) => l.endsWith(`. ${display}`)) + 1;
  assert.ok(right >= 1, `the right name is offered: ${choices.join(' | ')}`);
  const keycap = (n) => `${n}\uFE0F\u20E3`;
  const hints = kithEvents(env, (e) => e.type === 'm.reaction' && e.content['m.relates_to'].event_id === question.event_id);
  assert.deepStrictEqual(hints.map((e) => e.content['m.relates_to'].key), [1, 2, 3, 4, 5].map(keycap));

  // Bob answers by reacting with the right number, another colleague by replying with a wrong one.
  const replier = people[['erin', 'frank', 'dan'].find((n) => n !== subject)];
  const wrong = right === 1 ? 2 : 1;
  hs.react(room, people.bob, question.event_id, keycap(right));
  hs.say(room, replier, { msgtype: 'm.text', body: String(wrong), 'm.relates_to': { 'm.in_reply_to': { event_id: question.event_id } } });
  const privately = (user) => directRoomsWith(env, user).flatMap((dm) => kithNotices(env, dm));
  const bob = await waitFor('Bob\'s private answer', () => privately(people.bob)[0]);
  assert.match(bob.content.body, new RegExp(`^Correct! That's ${display}`));
  const other = await waitFor('the replier\'s private answer', () => privately(replier)[0]);
  assert.match(other.content.body, new RegExp(`^Not quite — that's ${display}`));
  assert.strictEqual(kithNotices(env, room).filter((e) => /Correct|Not quite/.test(e.content.body)).length, 0, 'answers are told privately');
  const answers = sql(env, 'SELECT player, correct FROM quiz_answers ORDER BY correct DESC');
  assert.deepStrictEqual(answers, [[people.bob, 1], [replier, 0]]);
  assertConformant(env);
});

scenario('a kudos reaction taken back after a restart is undone: the redaction names only the reaction, Kith remembers the rest', async (env) => {
  const { hs, people } = env;
  let kith = startKith(env);
  const room = await roomWithKith(env);
  const message = hs.say(room, people.bob, { msgtype: 'm.text', body: 'the release is out' });
  const taco = hs.react(room, people.alice, message.event_id, '\u{1F32E}');
  const carols = hs.react(room, people.carol, message.event_id, '\u{1F32E}');
  await waitFor('two recognitions', () => recognitionsOf(env, people.bob) === 2);
  await kith.stop();

  kith = startKith(env);
  hs.redact(room, people.alice, taco.event_id);
  await waitFor('the recognition to be taken back', () => recognitionsOf(env, people.bob) === 1);
  const told = await waitFor('Alice to be told', () => directRoomsWith(env, people.alice).flatMap((dm) => kithNotices(env, dm))
    .find((e) => /took your recognition back/.test(e.content.body)));
  assert.ok(told);
  // Redacting an ordinary message changes nothing, and neither does Dan redacting Carol's reaction
  // (a moderator's removal, or one the server does not apply): Carol's recognition still counts.
  hs.redact(room, people.bob, hs.say(room, people.bob, { msgtype: 'm.text', body: 'typo' }).event_id);
  hs.redact(room, people.dan, carols.event_id);
  hs.say(room, people.dan, mention('@kith leaderboard'));
  await waitFor('a leaderboard', () => kithNotices(env, room).find((e) => /Recognition received/.test(e.content.body)));
  assert.strictEqual(recognitionsOf(env, people.bob), 1);
  // Carol herself can still take hers back.
  hs.redact(room, people.carol, carols.event_id);
  await waitFor('Carol\'s recognition to be taken back', () => recognitionsOf(env, people.bob) === 0);
  assertConformant(env);
});

scenario('the weekly digest reaches the team lead as a direct message with its chart uploaded as m.image', async (env) => {
  const { hs, people } = env;
  const slot = weeklySlotJustPast();
  const digest = `[digest]\nweekday = "${slot.weekday}"\ntime = "${slot.time}"\n`;
  let kith = startKith(env, { extra: digest });
  const room = await roomWithKith(env);
  // Conversation last week (digests cover whole weeks, to Monday 00:00 UTC): everyone in "core" mentions
  // the others, and Frank (team "ops") talks with two of them. Only pseudonymous edges are kept of it.
  const now = new Date();
  const thisMonday = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - ((now.getUTCDay() + 6) % 7) * 864e5;
  const earlier = thisMonday - 3 * 3600 * 1000;
  const core = ['alice', 'bob', 'carol', 'dan', 'erin'];
  let n = 0;
  for (const from of [...core, 'frank']) {
    for (const to of from === 'frank' ? ['alice', 'bob', 'alice', 'bob'] : [...core.filter((x) => x !== from), ...(from === 'carol' ? ['frank', 'frank'] : [])]) {
      hs.append(room, { type: 'm.room.message', sender: people[from], origin_server_ts: earlier + (n++) * 1000,
        content: mention(`@${to} see the notes`, people[to]) });
    }
  }
  await waitFor('the conversation to be captured', () => sql(env, 'SELECT count(*) FROM interactions')[0][0] >= n);
  await kith.stop();

  fs.writeFileSync(path.join(env.dir, 'people.csv'),
    'user,team,lead,start_date,manager\n' + core.map((u) => `${people[u]},core,${u === 'alice' ? 'yes' : 'no'},2024-01-0${core.indexOf(u) + 1},`).join('\n') +
    `\n${people.frank},ops,yes,2024-02-01,\n`);
  assert.match(kithCommand(env, ['org', 'import', path.join(env.dir, 'people.csv')]), /6/);
  moveFirstSightBack(env, 'digest/weekly');

  kith = startKith(env, { extra: digest });
  const inDirectRoom = () => directRoomsWith(env, people.alice).flatMap((dm) => kithNotices(env, dm));
  const chart = await waitFor('the chart in Alice\'s direct room', () => inDirectRoom().find((e) => e.content.msgtype === 'm.image'), 30000);
  const text = inDirectRoom().filter((e) => e.content.msgtype === 'm.notice');
  assert.strictEqual(text.length, 1, 'one digest');
  assert.match(text[0].content.body, /^Your team's week: core \(5 people/);
  assert.match(text[0].content.body, /3 ties to other teams/);
  const upload = hs.media.get(chart.content.url.split('/').pop());
  assert.ok(upload, 'the chart was uploaded through POST /_matrix/media/v3/upload');
  assert.strictEqual(upload.type, 'image/png');
  assert.deepStrictEqual([...upload.bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG');
  assert.strictEqual(chart.content.info.mimetype, 'image/png');
  assert.strictEqual(chart.content.info.size, upload.bytes.length);
  // Frank leads a team of one: nothing about it may be shown, so his digest says so and no more.
  const frankGot = () => directRoomsWith(env, people.frank).flatMap((dm) => kithNotices(env, dm));
  const frank = await waitFor('Frank\'s digest', () => frankGot().length > 0 && frankGot());
  assert.deepStrictEqual(frank.map((e) => e.content.msgtype), ['m.notice'], 'no chart');
  assert.match(frank[0].content.body, /^Your team's week: ops \(1 person, .*\)\nToo few people share data in this group for any figure to be shown/);
  assert.doesNotMatch(frank[0].content.body, /•/);
  assert.strictEqual(sql(env, "SELECT count(*) FROM digest_audit WHERE scope = 'team:core'")[0][0], 1);
  // Nothing of what people wrote is stored.
  for (const file of fs.readdirSync(path.join(env.dir, 'data')).filter((f) => f.startsWith('kith.sqlite3'))) {
    assert.ok(!fs.readFileSync(path.join(env.dir, 'data', file)).includes('see the notes'), `no message text in ${file}`);
  }
  assertConformant(env);
});

scenario('intro pairings: the group is introduced in one room Kith creates for it, also when Kith dies right after creating it', async (env) => {
  const { hs, people } = env;
  let kith = startKith(env);
  const room = await roomWithKith(env);
  await kith.stop();
  // A weekly program in this room whose round was two minutes ago.
  const slot = weeklySlotJustPast();
  const program = `[pairings]\nonboarding = false\n[[pairings.program]]\nname = "coffee"\nchannel = "${room}"\n` +
    `cadence = "weekly"\nweekday = "${slot.weekday}"\ntime = "${slot.time}"\ntimezone = "UTC"\nnotice_hours = 1\n`;
  kith = startKith(env, { extra: program });
  for (const name of ['alice', 'bob', 'carol']) {
    hs.say(room, people[name], mention('@kith pairings join coffee'));
    await waitFor(`${name} to be in`, () => directRoomsWith(env, people[name]).flatMap((dm) => kithNotices(env, dm)).some((e) => /You're in/.test(e.content.body)));
  }
  await kith.stop();
  moveFirstSightBack(env, 'pairings/round:coffee');

  const trio = [people.alice, people.bob, people.carol].sort();
  const groupRooms = () => [...hs.rooms.entries()].filter(([, r]) => r.createdBy === env.kith &&
    r.state.get('m.room.create|').content['org.kith.conversation'] === markerOf(trio)).map(([id]) => id);
  // Kith dies as it sends the intro into the room it has just created.
  let killed = false;
  const unhook = hs.before(async (req) => {
    if (!killed && req.method === 'PUT' && groupRooms().some((id) => decodeURIComponent(req.pathname).includes(`/rooms/${id}/send/`))) {
      killed = true;
      await kith.kill9();
      return 'hang';
    }
    return undefined;
  });
  kith = startKith(env, { extra: program });
  await waitFor('Kith to die while sending the intro', () => killed && kith.proc.signalCode === 'SIGKILL', 30000);
  unhook();
  assert.strictEqual(groupRooms().length, 1);
  kith = startKith(env, { extra: program });
  const intro = await waitFor('the intro', () => groupRooms().flatMap((id) => kithNotices(env, id)).find((e) => /Meet your coffee group!/.test(e.content.body)), 30000);
  const [group] = groupRooms();
  const state = hs.rooms.get(group).state;
  assert.deepStrictEqual(trio.map((u) => state.get(`m.room.member|${u}`)?.content?.membership), ['invite', 'invite', 'invite']);
  assert.ok(!trio.some((u) => state.get(`m.room.member|${u}`).content.is_direct), 'a group room, not a direct one');
  for (const u of trio) assert.ok(intro.content['m.mentions'].user_ids.includes(u), `${u} is mentioned`);
  assert.deepStrictEqual(groupRooms(), [group], 'one room for the group');
  assert.strictEqual(kithNotices(env, group).filter((e) => /Meet your/.test(e.content.body)).length, 1, 'one intro');
  assertConformant(env);
});

scenario('a limited timeline is backfilled with /messages so nothing in the gap is lost', async (env) => {
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
});

scenario('a 429 storm and 5xx errors are waited out, and the answer is sent exactly once', async (env) => {
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
  await waitFor('the answer after the storm', () => kithNotices(env, room).length === 1, 30000);
  assert.ok(refused >= 9, `Kith retried (${refused} attempts)`);
  assert.strictEqual(paths.size, 1, 'every retry reused the same transaction id');
  assert.strictEqual(kithNotices(env, room).length, 1);
  assertConformant(env);
});

scenario('malformed and oversized events are logged and skipped without stalling the sync loop', async (env) => {
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
});

scenario('a wrongly typed field, a deep event or a refused sync position never takes Kith off Matrix', async (env) => {
  const { hs, people } = env;
  let kith = startKith(env);
  const room = await roomWithKith(env);
  // The message that once stopped Kith for good (its cursor never moved, so it stopped again on every
  // restart), and its relatives: each field Kith reads for a reply, a reaction or a redaction, mistyped.
  hs.inject(room, { event_id: '$rel5', type: 'm.room.message', sender: people.alice, content: { msgtype: 'm.text', body: 'hi', 'm.relates_to': { rel_type: 5, event_id: '$x' } } });
  hs.inject(room, { event_id: '$reply5', type: 'm.room.message', sender: people.alice, content: { msgtype: 'm.text', body: 'hi', 'm.relates_to': { 'm.in_reply_to': { event_id: 5 } } } });
  hs.inject(room, { event_id: '$react5', type: 'm.reaction', sender: people.alice, content: { 'm.relates_to': { rel_type: 'm.annotation', event_id: ['$x'], key: 5 } } });
  hs.inject(room, { event_id: '$redact5', type: 'm.room.redaction', sender: people.alice, redacts: 5, content: { redacts: { a: 1 } } });
  hs.inject(room, { event_id: '$type5', type: 5, sender: people.alice, content: { 'm.relates_to': 5 } });
  let deep = 'bottom';
  for (let i = 0; i < 100; i++) deep = [deep];  // deeper than Kith keeps (64); 100,000 deep is in the C++ tests
  hs.inject(room, { event_id: '$deep', type: 'm.room.message', sender: people.alice, content: { msgtype: 'm.text', body: 'deep', nested: deep } });
  hs.say(room, people.alice, mention('@kith leaderboard'));
  await waitFor('the answer after the mistyped events', () => kithNotices(env, room).length === 1);
  // After a restart the same events are not read again, and Kith still answers.
  await kith.stop();
  kith = startKith(env);
  hs.say(room, people.alice, mention('@kith leaderboard'));
  await waitFor('the answer after a restart', () => kithNotices(env, room).length === 2);
  // The homeserver refuses the stored position (as after a database restore): Kith resumes from the
  // server's recent history, answers what was sent meanwhile once, and never loops on the old token.
  await kith.stop();
  let refusedSyncs = 0;
  const stale = hs.pos();  // every position Kith can have stored by now
  const unhook = hs.before(async (req) => {
    if (!req.pathname.endsWith('/sync') || !req.query.has('since') || req.session?.userId !== env.kith) return undefined;
    const since = hs.parsePos(req.query.get('since'));
    if (since === null || since > stale) return undefined;
    refusedSyncs++;
    return { status: 400, body: { errcode: 'M_UNKNOWN', error: 'Invalid stream token' } };
  });
  hs.say(room, people.alice, mention('@kith leaderboard'));
  kith = startKith(env);
  await waitFor('the answer to the message sent while the position was refused', () => kithNotices(env, room).length === 3, 30000);
  unhook();
  hs.say(room, people.alice, mention('@kith leaderboard'));
  await waitFor('the next answer', () => kithNotices(env, room).length === 4);
  await new Promise((resolve) => setTimeout(resolve, 1500));
  assert.strictEqual(kithNotices(env, room).length, 4, 'each message answered once');
  assert.ok(refusedSyncs <= 3, `the refused position was tried ${refusedSyncs} times`);
  assert.match(kith.out, /refused Kith's sync position/);
  assertConformant(env);
});

scenario('invitations are accepted from allowed servers and declined from others, and encrypted rooms are told once', async (env) => {
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
});

scenario('an unknown token is a fatal error: exit code 3 and a message naming the homeserver and what to check', async (env) => {
  const kith = startKith(env, { token: 'tok_not_issued' });
  const { code } = await kith.exited;
  assert.strictEqual(code, 3);
  assert.match(kith.out, new RegExp(env.hs.url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  assert.match(kith.out, /M_UNKNOWN_TOKEN/);
  assert.match(kith.out, /KITH_MATRIX_TOKEN/);
  assert.doesNotMatch(kith.out, /tok_not_issued/, 'the token never appears in output');
});

scenario('password login keeps its device, and a soft logout logs in again with the same device', async (env) => {
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
});
