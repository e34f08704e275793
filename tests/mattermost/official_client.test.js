'use strict';
// The test server held to the official client: @mattermost/client drives it through login,
// getMe, a direct channel, createPost, a reaction and the WebSocket events (including a resume
// after a drop), and every request it makes must be allowed by the OpenAPI description.
// Run: node --test tests/mattermost/official_client.test.js
const test = require('node:test');
const assert = require('node:assert/strict');

globalThis.WebSocket ??= require('ws');
// Node 20 has no CloseEvent; the client constructs one on ping timeouts and seq mismatches.
globalThis.CloseEvent ??= class CloseEvent extends Event {
  constructor(type, init = {}) { super(type); this.code = init.code; this.reason = init.reason; this.wasClean = init.wasClean; }
};
const { Client4, WebSocketClient } = require('@mattermost/client');
const { MattermostTestServer } = require('./mm_server');

function waitFor(predicate, what, ms = 10000) {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + ms;
    const tick = () => {
      const v = predicate();
      if (v) return resolve(v);
      if (Date.now() > deadline) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 10);
    };
    tick();
  });
}

test('the official client logs in, posts, reacts and receives WebSocket events', async () => {
  const server = await new MattermostTestServer().start();
  const client = new Client4();
  client.setUrl(server.url);
  const ws = new WebSocketClient({ minWebSocketRetryTime: 50, reconnectJitterRange: 10, maxWebSocketFails: 100 });
  try {
    const me = await client.login('alice', 'alice-password');
    assert.equal(me.username, 'alice');
    assert.ok(client.getToken(), 'the token comes from the Token header');
    const again = await client.getMe();
    assert.equal(again.id, server.alice.id);

    await assert.rejects(client.login('kith', 'x'), /Bot login is forbidden|valid/);

    const events = [];
    ws.addMessageListener((m) => events.push(m));
    let missed = 0;
    // With a missed-message listener the client keeps connection_id and resumes (websocket.js).
    ws.addMissedMessageListener(() => { missed++; });
    ws.initialize(server.url.replace('http', 'ws') + '/api/v4/websocket', client.getToken());
    await waitFor(() => events.find((e) => e.event === 'hello'), 'hello');

    const dm = await client.createDirectChannel([server.alice.id, server.bob.id]);
    assert.equal(dm.type, 'D');
    const post = await client.createPost({ channel_id: server.town.id, message: 'hello from the official client' });
    assert.equal(post.message, 'hello from the official client');
    const posted = await waitFor(() => events.find((e) => e.event === "posted"), 'posted');
    assert.equal(JSON.parse(posted.data.post).id, post.id, 'posted.data.post is a JSON string');
    assert.equal(posted.data.channel_type, 'O');

    const reaction = await client.addReaction(server.alice.id, post.id, 'taco');
    assert.equal(reaction.emoji_name, 'taco');
    const added = await waitFor(() => events.find((e) => e.event === 'reaction_added'), 'reaction_added');
    assert.equal(JSON.parse(added.data.reaction).emoji_name, 'taco');
    assert.equal(added.broadcast.channel_id, server.town.id);

    // Sequence numbers start at 0 with hello and grow by one.
    assert.deepEqual(events.map((e) => e.seq), events.map((_, i) => i));

    // A drop: the client resumes with connection_id and sequence_number and gets what it missed.
    server.dropWebSockets();
    server.userPosts(server.bob, server.town, 'while you were away');
    await waitFor(() => events.find((e) => e.event === 'posted' && JSON.parse(e.data.post).message === 'while you were away'), 'replayed post ');
    const hellos = events.filter((e) => e.event === 'hello');
    assert.equal(hellos.length, 1, 'a resumed connection gets no new hello');
    assert.ok(server.requests.length > 0);
    assert.deepEqual(server.violations, []);
    assert.equal(missed, 0, 'the server resumed the stream instead of starting a new one');
  } finally {
    ws.close();
    await server.stop();
  }
});

test('the test server refuses what the description does not allow', async () => {
  const server = await new MattermostTestServer().start();
  try {
    const res = await fetch(`${server.url}/api/v4/posts?bogus=1`, {
      method: 'POST', headers: { Authorization: `Bearer ${server.botToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ channel_id: server.town.id }),
    });
    assert.equal(res.status, 400);
    assert.ok(server.violations.some((v) => v.includes('"bogus"')));
    assert.ok(server.violations.some((v) => v.includes('missing required field "message"')));
    const bad = await fetch(`${server.url}/api/v4/users/me`, { headers: { Authorization: 'Bearer nope' } });
    assert.equal(bad.status, 401);
    assert.equal(bad.headers.get('content-type'), 'application/json');
  } finally {
    await server.stop();
  }
});
