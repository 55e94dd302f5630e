// Genesys Cloud wire reading, one rule per case (protocols/genesys-cloud.md §2; issue 9, MUT-GC2):
// a body Patchbay cannot read is a typed error naming at most three fields; a frame that is not JSON
// is a typed error; each frame kind is told apart exactly as §2 spells the topics.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PatchbayError } from '../../../../../main/core/errors.ts';
import { classifyFrame, parseFrame, parseWith } from '../../../../../main/core/platforms/genesys-cloud/wire.ts';
import { thrown } from '../../../../helpers/errors.ts';


describe('Genesys Cloud bodies', () => {
  it('a body that fails its schema names what and the first three field paths, dotted', () => {
    const schema = z.object({ a: z.string(), b: z.object({ c: z.string() }), d: z.string(), e: z.string() });
    const error = thrown(() => parseWith(schema, { b: {} }, 'your user'));
    expect(error).toBeInstanceOf(PatchbayError);
    expect(error).toMatchObject({ code: 'genesys-cloud.bad-response', action: 'retry', details: { what: 'your user', fields: 'a,b.c,d' } });
    expect(error.message).toBe('Genesys Cloud sent your user Patchbay could not read.');
    expect(thrown(() => parseWith(schema, 'text', 'x')).details.fields).toBe('(root)');
    expect(parseWith(z.object({ a: z.string() }), { a: 'v', extra: 1 }, 'x')).toEqual({ a: 'v' });
  });
});

describe('Genesys Cloud frames (§2)', () => {
  const kind = (v: unknown) => classifyFrame(parseFrame(JSON.stringify(v)));

  it('text that is not JSON is a typed bad-frame error; JSON of the wrong shape is a bad notification', () => {
    const bad = thrown(() => parseFrame('{nope'));
    expect(bad).toMatchObject({ code: 'genesys-cloud.notifications.bad-frame', action: 'none' });
    expect(bad.message).toBe('Genesys Cloud sent a notification Patchbay could not read.');
    expect(thrown(() => parseFrame('{"topicName":5}'))).toMatchObject({ code: 'genesys-cloud.bad-response', details: { what: 'a notification', fields: 'topicName' } });
  });

  it('a bare result is the channel gone (string or number), but not when a topic is named', () => {
    expect(kind({ result: '404' })).toEqual({ kind: 'channel-gone', result: '404' });
    expect(kind({ result: 404 })).toEqual({ kind: 'channel-gone', result: '404' });
    expect(kind({ result: '404', topicName: 'v2.users.u.presence', eventBody: { a: 1 } })).toEqual({ kind: 'event', topic: 'v2.users.u.presence', body: { a: 1 } });
  });

  it('channel.metadata: "pong" is the pong, anything else a heartbeat', () => {
    expect(kind({ topicName: 'channel.metadata', eventBody: { message: 'pong' } })).toEqual({ kind: 'pong' });
    expect(kind({ topicName: 'channel.metadata', eventBody: { message: 'WebSocket Heartbeat' } })).toEqual({ kind: 'heartbeat' });
    expect(kind({ topicName: 'channel.metadata' })).toEqual({ kind: 'heartbeat' });
  });

  it('system topics by their exact names; user topics are events with their body; others are other', () => {
    expect(kind({ topicName: 'v2.system.socket_closing' })).toEqual({ kind: 'socket-closing' });
    // socket_closing is an exact topic; a longer name is an ordinary v2 event
    expect(kind({ topicName: 'v2.system.socket_closing.x' })).toMatchObject({ kind: 'event' });
    expect(kind({ topicName: 'v2.system.token_revoked' })).toEqual({ kind: 'token-revoked' });
    expect(kind({ topicName: 'v2.system.no_longer_subscribed' })).toEqual({ kind: 'no-longer-subscribed' });
    // the prefix must be at the start
    expect(kind({ topicName: 'x.v2.system.token_revoked' })).toEqual({ kind: 'other' });
    expect(kind({ topicName: 'x.v2.system.no_longer_subscribed' })).toEqual({ kind: 'other' });
    expect(kind({ topicName: 'x.v2.users.u.presence' })).toEqual({ kind: 'other' });
    expect(kind({ topicName: 'v2.users.u.routingStatus', eventBody: { routingStatus: { status: 'IDLE' } } })).toEqual({
      kind: 'event',
      topic: 'v2.users.u.routingStatus',
      body: { routingStatus: { status: 'IDLE' } },
    });
    expect(kind({ message: 'hello' })).toEqual({ kind: 'other' });
  });
});
