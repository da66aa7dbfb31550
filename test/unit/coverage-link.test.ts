// The link-side samplers on hand-made monitor records: answers paired with
// the request they answer (by tag, in time order), the messages a fault
// struck (by direction and time, a node failure ending what was on the
// wire), and the first decision on a pointer request.
import { describe, expect, test } from 'vitest';
import { FunctionalCoverage } from '../../src/coverage/functional.js';
import { LinkCoverage } from '../../src/mirror/coverage-link.js';
import { MsgType, Status, type Message } from '../../src/mirror/encoding.js';
import type { LinkMessage } from '../../src/mirror/link-monitor.js';
import type { NodeName } from '../../src/mirror/state.js';
import { TESTPLAN } from '../../src/mirror/testplan.js';

function message(type: MsgType, fields: Partial<Message> = {}): Message {
  return { type, tag: 0, srcNode: 0, guid: 0, page: 0, owner: 0, arg0: 0, arg1: 0, payload: [], ...fields };
}

/** A monitor driven by hand: each message is sent by `from` over [start, sentEnd] and taken by the other node at `takenAt`. */
class Wire {
  now = 0;
  readonly coverage = new FunctionalCoverage(TESTPLAN);
  readonly link = new LinkCoverage(this.coverage, () => this.now);

  send(from: NodeName, msg: Message, start: number, takenAt?: number): LinkMessage {
    const sent: LinkMessage = { from, message: msg, start, end: start + 4 };
    this.link.sent(sent);
    if (takenAt !== undefined) this.take(sent, takenAt);
    return sent;
  }

  take(sent: LinkMessage, at: number): void {
    const got: LinkMessage = { from: sent.from, message: sent.message, start: at - 4, end: at };
    this.link.received(got);
    this.link.delivered(sent, got);
  }

  drain(now: number): void {
    this.now = now;
    this.link.drained();
  }

  hits(group: string): Record<string, number> {
    return Object.fromEntries(Object.entries(this.coverage.data().groups[group]!).filter(([key]) => key.includes('×')));
  }
}

describe('message × answer', () => {
  test('each answer is paired with the last request of its tag taken before it', () => {
    const wire = new Wire();
    wire.send('a', message(MsgType.SpaceReq, { tag: 5, arg0: 1 }), 100, 110);
    wire.send('b', message(MsgType.SpaceStatus, { tag: 5, arg0: 3, arg1: 0 }), 120, 130);
    wire.send('b', message(MsgType.Complete, { tag: 5, arg1: Status.Ok }), 140, 150);
    // Tag 5 again, later: its answer pairs with this one, even across a drain.
    wire.send('a', message(MsgType.LockReq, { tag: 5 }), 200, 210);
    wire.drain(215);
    wire.send('b', message(MsgType.LockStatus, { tag: 5, arg0: (1 << 15) | 2 }), 220, 230);
    wire.send('a', message(MsgType.AllocMem, { tag: 6, arg0: 2 }), 240, 250);
    wire.send('b', message(MsgType.Complete, { tag: 6, arg1: Status.NoSlot }), 260, 270);
    wire.drain(300);
    expect(wire.hits('message_answer')).toEqual({
      'message=SpaceReq × answer=SpaceStatus.noFrame': 1,
      'message=SpaceReq × answer=Complete.Ok': 1,
      'message=LockReq × answer=LockStatus.readers': 1,
      'message=AllocMem × answer=Complete.NoSlot': 1,
    });
  });

  test('an answer whose request was never taken is not sampled', () => {
    const wire = new Wire();
    wire.send('b', message(MsgType.Complete, { tag: 9, arg1: Status.Ok }), 100, 110);
    wire.drain(200);
    expect(wire.hits('message_answer')).toEqual({});
  });
});

describe('faults and the messages in flight', () => {
  test('a burst strikes the messages of its direction on the wire while it lasts; an empty wire is `nothing`', () => {
    const wire = new Wire();
    wire.send('a', message(MsgType.ReleasePtr), 100, 150); // delivered before the burst
    const onWire = wire.send('a', message(MsgType.WritePage), 180); // taken during the burst
    wire.send('b', message(MsgType.LockReq), 210, 260); // other direction
    wire.now = 200;
    const ended = wire.link.faultBegins('drop', ['a']);
    wire.send('a', message(MsgType.AllocRead), 250, 400); // sent during it, delivered after
    wire.take(onWire, 230);
    wire.now = 300;
    ended();
    wire.now = 500;
    wire.link.faultBegins('delay', ['b'])();
    wire.drain(600);
    expect(wire.hits('fault_in_flight')).toEqual({ 'kind=drop × inFlight=WritePage': 1, 'kind=drop × inFlight=AllocRead': 1, 'kind=delay × inFlight=nothing': 1 });
  });

  test('a message still on the wire at the drain after a fault was on it then; a failure ends what was on the wire', () => {
    const wire = new Wire();
    wire.send('b', message(MsgType.Complete, { arg1: Status.Ok }), 480); // never delivered: gone with the failure
    wire.now = 500;
    wire.link.faultNow('fail', true);
    wire.drain(510);
    wire.now = 600;
    const ended = wire.link.faultBegins('corrupt', ['b']);
    wire.now = 700;
    ended();
    wire.drain(800);
    expect(wire.hits('fault_in_flight')).toEqual({ 'kind=fail × inFlight=Complete': 1, 'kind=corrupt × inFlight=nothing': 1 });
  });

  test('messages lost in a link-down count until they are found missing', () => {
    const wire = new Wire();
    const lost = wire.send('a', message(MsgType.SpaceReq, { arg0: 1 }), 100);
    wire.now = 150;
    wire.link.faultNow('cut');
    wire.link.lost([lost], 900);
    wire.drain(1000);
    expect(wire.hits('fault_in_flight')).toEqual({ 'kind=cut × inFlight=SpaceReq': 1 });
  });
});

describe('the first decision on a pointer request', () => {
  const request = { node: 'a' as const, op: 'getWrite' as const, guid: 0x0003, page: 1, owner: 2 };

  test('a lock request for it: resident', () => {
    const wire = new Wire();
    wire.now = 1000;
    wire.link.pointerRequested('a/1', request);
    wire.send('a', message(MsgType.LockReq, { guid: 3, page: 1, owner: 2, tag: 1 }), 1010, 1020);
    wire.now = 1100;
    wire.link.pointerAnswered('a/1', 'Ok', false);
    wire.drain(1200);
    expect(wire.hits('page_in_space')).toEqual({ 'request=getWrite × residency=resident × local=notNeeded × partner=notNeeded': 1 });
  });

  test('a space request right after an eviction, the partner short of frames: evicted here, full there', () => {
    const wire = new Wire();
    wire.now = 1000;
    wire.link.pointerRequested('a/2', request);
    wire.send('a', message(MsgType.ReleasePtr, { guid: 7, page: 0, arg1: 2, tag: 1 }), 1010, 1020);
    // A space request of another owner first: not this request's.
    wire.send('a', message(MsgType.SpaceReq, { guid: 3, page: 1, owner: 3, arg0: 1, tag: 2 }), 1030, 1040);
    wire.send('a', message(MsgType.ReleasePtr, { guid: 7, page: 1, arg1: 2, tag: 3 }), 1050, 1060);
    wire.send('a', message(MsgType.SpaceReq, { guid: 3, page: 1, owner: 2, arg0: 1, tag: 4 }), 1070, 1080);
    wire.send('b', message(MsgType.SpaceStatus, { tag: 4, arg0: 0, arg1: 2 }), 1085, 1090);
    wire.now = 1100;
    wire.link.pointerAnswered('a/2', 'Null', false);
    wire.drain(1200);
    expect(wire.hits('page_in_space')).toEqual({ 'request=getWrite × residency=notResident × local=evicted × partner=full': 1 });
  });

  test('a null with no message for it: a lock conflict (resident), else no frame here; errors and answers while a node is down are not sampled', () => {
    const wire = new Wire();
    for (const [key, status, conflict] of [['a/3', 'Null', true], ['a/4', 'Denied', false], ['a/5', 'PartnerDown', false], ['a/6', 'Ok', false]] as const) {
      wire.link.pointerRequested(key, request);
      wire.link.pointerAnswered(key, status, conflict);
    }
    wire.link.pointerRequested('a/7', request);
    wire.link.nodeLost();
    wire.link.pointerAnswered('a/7', 'Null', false);
    wire.link.pointerRequested('a/8', request);
    wire.link.pointerAnswered('a/8', 'Null', false);
    wire.link.nodesBack();
    wire.drain(100);
    expect(wire.hits('page_in_space')).toEqual({
      'request=getWrite × residency=resident × local=notNeeded × partner=notNeeded': 1,
      'request=getWrite × residency=notResident × local=none × partner=notAsked': 1,
    });
  });
});
