'use strict';
// The test homeserver held to the official client: matrix-js-sdk 37.5.0 logs in, syncs to
// PREPARED, creates a room with Kith invited, and sends a message that Kith (the real binary)
// answers; the SDK then receives the answer.
const test = require('node:test');
const assert = require('node:assert');
const sdk = require('matrix-js-sdk');
const { setup, startKith, waitFor } = require('./harness');

try { sdk.logger.setLevel('warn'); } catch { /* older logger API */ }
// The SDK leaves timers behind after stopClient(); end the test process once the test is done.
test.after(() => setTimeout(() => process.exit(process.exitCode ?? 0), 100).unref());

test('matrix-js-sdk logs in, syncs to PREPARED, and receives Kith\'s answer to its message', async () => {
  const env = await setup();
  const { hs, people } = env;
  hs.strictUsers.add(people.alice);
  const kith = startKith(env);
  let client;
  try {
    const login = await sdk.createClient({ baseUrl: hs.url }).loginRequest({
      type: 'm.login.password', identifier: { type: 'm.id.user', user: 'alice' }, password: 'pw',
    });
    client = sdk.createClient({ baseUrl: hs.url, accessToken: login.access_token, userId: login.user_id, deviceId: login.device_id });
    assert.strictEqual((await client.whoami()).user_id, people.alice);
    const prepared = new Promise((resolve) => client.on(sdk.ClientEvent.Sync, (state) => { if (state === 'PREPARED') resolve(); }));
    const answers = [];
    client.on(sdk.RoomEvent.Timeline, (event) => {
      if (event.getSender() === env.kith && event.getType() === 'm.room.message') answers.push(event);
    });
    client.startClient({ initialSyncLimit: 10 });
    await prepared;
    const { room_id: room } = await client.createRoom({ name: 'sdk room', invite: [env.kith], preset: 'public_chat' });
    await waitFor('Kith to join', () => hs.membership(room, env.kith) === 'join');
    await client.sendMessage(room, { msgtype: 'm.text', body: '@kith leaderboard', 'm.mentions': { user_ids: [env.kith] } });
    const answer = await waitFor('the SDK to receive Kith\'s answer', () => answers.find((e) => e.getRoomId() === room));
    assert.strictEqual(answer.getContent().msgtype, 'm.notice');
    assert.match(answer.getContent().body, /Recognition received/);
    // Requests the SDK makes beyond the copied spec files (push rules) are the only differences allowed.
    const sdkProblems = hs.violations.filter((v) => v.user === people.alice && !/pushrules/.test(v.problems.join(' ')));
    const kithProblems = hs.violations.filter((v) => v.user === env.kith);
    assert.deepStrictEqual(kithProblems, []);
    const unique = [...new Set(sdkProblems.flatMap((v) => v.problems))];
    if (unique.length) console.log(`the official client sent requests outside the copied spec: ${unique.join('; ')}`);
  } finally {
    if (client) client.stopClient();
    await kith.stop();
    await hs.stop();
  }
});
