// The testplan of the synchronization protocol: every cover group the
// verification environment samples (src/mirror/coverage-sampler.ts), what it
// observes and where from, its bins, the combinations that cannot or need not
// happen (each with why), its goal, and whether the regression must reach it.
//
// `required` groups are those a default `make sim` (two seeds of every
// scenario) together with the directed suites under test/mirror must close;
// the others show how far the stimulus reaches, holes included. `ignore`:
// can happen in the design but not with this stimulus, or is no goal;
// `illegal`: must never happen (a hit is reported and fails the plan).
// Every name below is a bin the sampler gives, spelled as the encodings
// spell it (MsgType, Status, mm_originator's and mm_partner's state_e).
import type { CoverGroupSpec, CoveragePlan, CrossExclusion } from '../coverage/functional.js';

/** The ten synchronization messages (MsgType 1-10); `None` (type 0) is no message. */
export const SYNC_MESSAGES = ['SpaceReq', 'AllocMem', 'ReleaseMem', 'LockReq', 'ReadHeader', 'WritePage', 'SenseReq', 'AllocRead', 'AllocWrite', 'ReleasePtr'] as const;
/** The answers (MsgType 11-15). */
export const ANSWER_MESSAGES = ['Complete', 'SpaceStatus', 'LockStatus', 'Header', 'SenseInfo'] as const;
/** Status names, in the encoding's order (`other`: a value the encoding does not define). */
export const STATUSES = ['Ok', 'Null', 'Denied', 'Granted', 'UnknownGuid', 'BadPage', 'NotOwner', 'NoSlot', 'Duplicate', 'PartnerTimeout', 'PartnerDown', 'NotLocal', 'BadRequest', 'NoFrame', 'other'] as const;
/** mm_originator's states, in the order of its state_e (the value of `state_q`). */
export const ORIGINATOR_STEPS = [
  'Idle', 'Check', 'SpaceSend', 'SpaceWait', 'SpaceWaitComplete', 'AllocSend', 'AllocWait',
  'LockSend', 'LockWait', 'GrantSend', 'GrantWait', 'PageInSend', 'PageInStart', 'PageInWait',
  'EvictSend', 'EvictVictim', 'EvictWait', 'ReplicateStart', 'ReplicateWait', 'ReleaseSend', 'ReleaseWait',
  'DismantleWait', 'Dismantle', 'MemReleaseWait', 'Respond', 'Requeue',
] as const;
/** mm_partner's states, in the order of its state_e. */
export const PARTNER_STEPS = [
  'Idle', 'Decode', 'FreePages', 'PageIn', 'PageInWait', 'Receive', 'ReceiveWait', 'DrainPayload',
  'Answer', 'AnswerWait', 'SecondAnswer', 'SecondAnswerWait',
] as const;
/** The originator's flow a failure interrupted: the process operation in `req_q`, a trim (an eviction nobody asked for), or none. */
export const FLOWS = ['allocate', 'getRead', 'getWrite', 'releasePointer', 'releaseMemory', 'trim', 'idle', 'unknown'] as const;
export const PROCESS_OPS = ['allocate', 'getRead', 'getWrite', 'releasePointer', 'releaseMemory', 'none'] as const;
export const EPISODES = ['takeoverAfterFailure', 'takeoverAfterFence', 'fence', 'resyncAfterFailure', 'resyncAfterFence', 'resyncCut', 'trim'] as const;
export const FAULT_KINDS = ['drop', 'corrupt', 'delay', 'duplicate', 'cut', 'fail'] as const;

type Step = (typeof ORIGINATOR_STEPS)[number];
type PartnerStep = (typeof PARTNER_STEPS)[number];
type Message = (typeof SYNC_MESSAGES)[number];

const complete = (...statuses: Array<(typeof STATUSES)[number]>) => statuses.map((status) => `Complete.${status}`);
const except = <T extends string>(all: readonly T[], ...kept: readonly T[]): T[] => all.filter((item) => !kept.includes(item));
const INJECTED_ONLY = 'only the host sends it, through a node\'s injection port, and the answer goes back there, never over the link (partner-messages and failover-sweep suites)';

/**
 * The points the fault point sweep fails a node at (test/mirror/failover-sweep.test.ts):
 * each originator flow at each step it passes on A, failing A and separately B.
 */
export const SWEPT_ORIGINATOR_STEPS: Readonly<Partial<Record<(typeof FLOWS)[number], readonly Step[]>>> = {
  allocate: ['Check', 'SpaceSend', 'SpaceWait', 'SpaceWaitComplete', 'AllocSend', 'AllocWait', 'Respond'],
  getRead: ['Check', 'LockSend', 'LockWait', 'GrantSend', 'GrantWait', 'Respond'],
  getWrite: ['Check', 'SpaceSend', 'SpaceWait', 'SpaceWaitComplete', 'PageInSend', 'PageInStart', 'PageInWait', 'Respond'],
  releasePointer: ['Check', 'ReplicateStart', 'ReplicateWait', 'ReleaseSend', 'ReleaseWait', 'Respond'],
  releaseMemory: ['Check', 'DismantleWait', 'MemReleaseWait', 'Dismantle', 'Respond'],
};

/** Every step mm_originator passes in each flow (its case statement): a read or write pointer takes the lock path or the page-in path, and may evict first. */
const FLOW_STEPS: Readonly<Record<(typeof FLOWS)[number], readonly Step[]>> = {
  allocate: ['Check', 'SpaceSend', 'SpaceWait', 'SpaceWaitComplete', 'AllocSend', 'AllocWait', 'Requeue', 'Respond'],
  getRead: ['Check', 'LockSend', 'LockWait', 'GrantSend', 'GrantWait', 'SpaceSend', 'SpaceWait', 'SpaceWaitComplete', 'PageInSend', 'PageInStart', 'PageInWait', 'EvictSend', 'EvictVictim', 'EvictWait', 'Requeue', 'Respond'],
  getWrite: ['Check', 'LockSend', 'LockWait', 'GrantSend', 'GrantWait', 'SpaceSend', 'SpaceWait', 'SpaceWaitComplete', 'PageInSend', 'PageInStart', 'PageInWait', 'EvictSend', 'EvictVictim', 'EvictWait', 'Requeue', 'Respond'],
  releasePointer: ['Check', 'ReplicateStart', 'ReplicateWait', 'ReleaseSend', 'ReleaseWait', 'Respond'],
  releaseMemory: ['Check', 'DismantleWait', 'MemReleaseWait', 'Dismantle', 'Respond'],
  trim: ['EvictVictim', 'EvictWait', 'Respond'],
  idle: ['Idle'],
  unknown: [],
};

/** The partner-side steps the sweep fails a node at, per message (B handles it, from A or injected). */
export const SWEPT_PARTNER_STEPS: Readonly<Record<Message, readonly PartnerStep[]>> = {
  SpaceReq: ['Decode', 'Answer', 'AnswerWait', 'SecondAnswer', 'SecondAnswerWait'],
  AllocMem: ['Decode', 'Answer', 'AnswerWait'],
  LockReq: ['Decode', 'Answer', 'AnswerWait'],
  AllocRead: ['Decode', 'Answer', 'AnswerWait'],
  AllocWrite: ['Decode', 'PageIn', 'PageInWait', 'Answer', 'AnswerWait'],
  WritePage: ['Decode', 'Receive', 'ReceiveWait', 'Answer', 'AnswerWait'],
  ReleasePtr: ['Decode', 'Answer', 'AnswerWait'],
  ReleaseMem: ['Decode', 'FreePages', 'Answer', 'AnswerWait'],
  ReadHeader: ['Decode', 'Answer', 'AnswerWait'],
  SenseReq: ['Decode', 'Answer', 'AnswerWait'],
};

const notSwept = (flows: Readonly<Partial<Record<string, readonly string[]>>>, point: string, all: readonly string[], reason: (flow: string) => string): CrossExclusion[] =>
  Object.entries(flows).map(([flow, steps]) => ({ where: { [point]: flow, step: all.filter((step) => !steps!.includes(step)) }, reason: reason(flow) }));

const FRAME_RACE =
  'the partner short of frames just after this node found one: both nodes hold the same resident pages and each node\'s own pages at most half the frames, so their free frames differ only by page-ins under way; only a race of two page-ins for the last frame gives it (none in two seeds of every scenario, thousands of page-ins)';
/** On the link only a few times a run (fault_in_flight_rare), and never (only the host sends them). */
const RARE_ON_LINK = ['ReleaseMem', 'SenseReq'] as const;
const NEVER_ON_LINK = ['ReadHeader', 'Header', 'SenseInfo'] as const;

/** A fault kind × the message types in flight; `ignore`: the types left to the other fault group. */
function faultGroup(name: string, required: boolean, description: string, ignore: Record<string, string>): CoverGroupSpec {
  return {
    name,
    description,
    required,
    goal: 100,
    coverpoints: [
      { name: 'kind', bins: [...FAULT_KINDS] },
      {
        name: 'inFlight',
        bins: ['nothing', ...SYNC_MESSAGES, ...ANSWER_MESSAGES, 'None'],
        ignore: {
          ReadHeader: `never on the link: ${INJECTED_ONLY}`,
          Header: 'never on the link: the answer to read header',
          SenseInfo: 'never on the link: the answer to the sense queries 0-3',
          ...ignore,
        },
        illegal: { None: 'type 0 is no message' },
      },
    ],
    crosses: [
      {
        coverpoints: ['kind', 'inFlight'],
        ignore: [
          { where: { kind: 'fail', inFlight: 'SenseReq' }, reason: 'the only sense request on the link is a resync\'s handback, and a node never fails while a resync is under way (failures come one at a time: docs/verification.md, known limits)' },
        ],
      },
    ],
  };
}

const MIRRORED = 'both nodes hold the same copy of an allocation (tables, locks, residency: invariants 1-2), and only its own originator changes it, one request at a time';

export const TESTPLAN: CoveragePlan = {
  name: 'mirrorsim-sync',
  groups: [
    {
      name: 'message_answer',
      description:
        'Each synchronization message on the link and the answer the partner gave it (the link monitor: the requests a node took from the link, paired by tag with the answers it put back). Fig. 10 per message; the answers an originator cannot provoke are out.',
      required: true,
      goal: 100,
      coverpoints: [
        {
          name: 'message',
          bins: [...SYNC_MESSAGES, 'None'],
          ignore: { ReadHeader: `no originator flow sends read header: ${INJECTED_ONLY}` },
          illegal: { None: 'type 0 is no message' },
        },
        {
          name: 'answer',
          description: 'complete with its status; space status: room, short of frames (a pointer) or of a table slot (an allocation); lock status: the page as the partner holds it',
          bins: [...complete(...STATUSES), 'SpaceStatus.room', 'SpaceStatus.noFrame', 'SpaceStatus.noSlot', 'LockStatus.free', 'LockStatus.readers', 'LockStatus.writer', 'LockStatus.notResident', 'Header', 'SenseInfo'],
          ignore: {
            'Complete.BadRequest': 'a malformed message: only the host sends one (partner-messages suite); originators send well-formed messages, and the link discards corrupted frames',
            'Complete.NotLocal':
              'a message about the receiver\'s own allocation: an originator names the allocations it serves, a resync flags its messages, and the host sends one in the partner-messages suite; but after a handback a node also evicts a page of its partner\'s allocation that its replacement queue kept from serving alone, and the partner refuses it so (a release pointer with the evict flag; nothing changes)',
            'SpaceStatus.noFrame': FRAME_RACE,
            'Complete.NoFrame': `an allocate read/write whose page-in found no frame: ${FRAME_RACE}`,
            'Complete.NoSlot': 'no table slot on the partner: the traffic keeps at most three allocations per node, six of eight slots (directed.test.ts fills them, without a link monitor)',
            'SpaceStatus.noSlot': 'no table slot on the partner: as Complete.NoSlot',
            'LockStatus.writer': 'the originator asks only when its own copy has no lock against the request: the one write lock it lets through is the requester\'s own, and a traffic process asks only while it holds no pointer',
            Header: `the answer to read header: ${INJECTED_ONLY}`,
            SenseInfo: `the answer to the sense queries 0-3: ${INJECTED_ONLY}; on the link a sense request is the resync's handback, answered complete`,
          },
          illegal: {
            'Complete.Denied': 'an originator\'s answer to its processes: the partner side never gives it',
            'Complete.Granted': 'an originator\'s answer to its processes: the partner side never gives it',
            'Complete.PartnerTimeout': 'an originator\'s answer to its processes: the partner side never gives it',
            'Complete.PartnerDown': 'an originator\'s answer to its processes: the partner side never gives it',
            'Complete.other': 'a status the encoding does not define',
            'Complete.UnknownGuid': `an originator names only allocations it holds, and ${MIRRORED}`,
            'Complete.Duplicate': 'an originator never reuses a GUID, and a resync that starts over follows a returning node that dropped what it had received',
            'Complete.BadPage': `an originator checks the page count before it allocates and a page (its range, its residency in its own copy) before it sends a message about it, and ${MIRRORED}`,
            'Complete.NotOwner': `an originator releases only a lock its own copy holds, and ${MIRRORED}`,
            'Complete.Null': `an originator takes a lock only after its lock request found the partner's copy free for it, or on a page both nodes have just paged in, and ${MIRRORED}`,
            'LockStatus.notResident': `an originator asks only about a page resident in its own copy, and ${MIRRORED}`,
          },
        },
      ],
      crosses: [
        {
          coverpoints: ['message', 'answer'],
          illegal: [
            { where: { message: except(SYNC_MESSAGES, 'SpaceReq'), answer: ['SpaceStatus.room', 'SpaceStatus.noFrame', 'SpaceStatus.noSlot'] }, reason: 'only a space request is answered by space status (Fig. 10 1015)' },
            { where: { message: except(SYNC_MESSAGES, 'LockReq'), answer: ['LockStatus.free', 'LockStatus.readers', 'LockStatus.writer', 'LockStatus.notResident'] }, reason: 'only a lock request is answered by lock status (Fig. 10 1040)' },
            { where: { message: 'LockReq', answer: 'Complete.Ok' }, reason: 'a lock request is answered by lock status; complete only with an error' },
          ],
        },
      ],
    },
    {
      name: 'lock_request',
      description:
        'A read or write pointer request and the page\'s locks as the reference model holds them when the request is issued: held by nobody, by the requester, by other owners, by both; free, read-locked by one owner or shared, write-locked.',
      required: true,
      goal: 100,
      coverpoints: [
        { name: 'request', bins: ['getRead', 'getWrite'] },
        {
          name: 'holder',
          bins: ['none', 'self', 'other', 'selfAndOther'],
          ignore: {
            self: 'a traffic process holds one pointer at a time and asks for the next only after releasing it; the tests that lock a page twice for one owner do so as the host, with no process request',
            selfAndOther: 'as self',
          },
        },
        { name: 'lock', bins: ['free', 'readOne', 'readShared', 'writeLocked'] },
      ],
      crosses: [
        {
          coverpoints: ['request', 'holder', 'lock'],
          illegal: [
            { where: { holder: 'none', lock: ['readOne', 'readShared', 'writeLocked'] }, reason: 'a page nobody holds is free' },
            { where: { holder: ['self', 'other', 'selfAndOther'], lock: 'free' }, reason: 'a page somebody holds is locked' },
            { where: { holder: 'selfAndOther', lock: ['readOne', 'writeLocked'] }, reason: 'one reader, or a writer, is one owner (a writer is exclusive: invariant 3)' },
          ],
        },
      ],
    },
    {
      name: 'page_in_space',
      description:
        'The first decision on a read or write pointer request (Figs. 6/7): resident (lock path), or not resident with a frame here (free, or made by evicting a page just before), or none; and then the partner\'s space status. From the messages the node sent for the request between the request and its first answer (lock request, space request, the eviction before it) and the partner\'s answer; a null with no message is a lock conflict (the model) or no frame here. Requests answered with an error, and those served while a node is down, are not sampled.',
      required: true,
      goal: 100,
      coverpoints: [
        { name: 'request', bins: ['getRead', 'getWrite'] },
        { name: 'residency', bins: ['resident', 'notResident'] },
        { name: 'local', bins: ['notNeeded', 'frame', 'evicted', 'none'] },
        { name: 'partner', bins: ['notNeeded', 'room', 'full', 'notAsked'], ignore: { full: FRAME_RACE } },
      ],
      crosses: [
        {
          coverpoints: ['request', 'residency', 'local', 'partner'],
          illegal: [
            { where: { residency: 'resident', local: ['frame', 'evicted', 'none'] }, reason: 'a resident page needs no frame: the lock path (Figs. 6/7 615)' },
            { where: { residency: 'resident', partner: ['room', 'full', 'notAsked'] }, reason: 'a resident page needs no frame: the lock path (Figs. 6/7 615)' },
            { where: { residency: 'notResident', local: 'notNeeded' }, reason: 'a page not resident needs a frame on both nodes (Figs. 6/7 620-630)' },
            { where: { residency: 'notResident', partner: 'notNeeded' }, reason: 'a page not resident needs a frame on both nodes (Figs. 6/7 620-630)' },
            { where: { local: ['frame', 'evicted'], partner: 'notAsked' }, reason: 'with a frame here the originator asks the partner next (Figs. 6/7 625)' },
            { where: { local: 'none', partner: ['room', 'full'] }, reason: 'without a frame here the originator answers null at once, asking the partner nothing (Figs. 6/7 620)' },
          ],
        },
      ],
    },
    faultGroup(
      'fault_in_flight',
      true,
      'Each fault and the message types on the wire when it struck (the link monitor\'s record: sent, and not delivered before it began). A drop, corruption or delay burst: messages in its direction at any time during the burst. A cut (with both nodes alive, or part-way through a resync) or a node failure: messages in either direction at the moment it began. `nothing`: the wire was empty.',
      Object.fromEntries(RARE_ON_LINK.map((type) => [type, 'a handful per run on the link: a given fault meets it by chance only (fault_in_flight_rare)'])),
    ),
    faultGroup(
      'fault_in_flight_rare',
      false,
      'As fault_in_flight, for the messages a run puts on the link a handful of times only: release memory (the traffic releases few allocations) and the handback (a sense request, one per failback). Whether a fault met them is chance.',
      Object.fromEntries(except(['nothing', ...SYNC_MESSAGES, ...ANSWER_MESSAGES], ...RARE_ON_LINK, ...NEVER_ON_LINK).map((type) => [type, 'counted in fault_in_flight'])),
    ),
    {
      name: 'failure_step',
      description:
        'The fault point sweep: the originator flow a node failure interrupted and the step it was at (mm_originator\'s state, read once at the failure), with whether the failed node ran that flow (originator) or was its partner. Goal: exactly the points test/mirror/failover-sweep.test.ts fails a node at; random failures land elsewhere as well (failure_step_any).',
      required: true,
      goal: 100,
      coverpoints: [
        { name: 'role', bins: ['originator', 'partner'] },
        {
          name: 'flow',
          bins: [...FLOWS],
          ignore: { trim: 'not swept (a trim follows a failback only)', idle: 'no flow under way', unknown: 'a request op the encoding does not define (illegal in failure_step_any)' },
        },
        {
          name: 'step',
          bins: [...ORIGINATOR_STEPS],
          ignore: Object.fromEntries(
            ORIGINATOR_STEPS.filter((step) => !Object.values(SWEPT_ORIGINATOR_STEPS).some((steps) => steps!.includes(step))).map((step) => [step, 'no swept flow fails there (evictions and requeues: failure_step_any)']),
          ),
        },
      ],
      crosses: [
        {
          coverpoints: ['role', 'flow', 'step'],
          ignore: notSwept(SWEPT_ORIGINATOR_STEPS, 'flow', ORIGINATOR_STEPS, (flow) => `the sweep's ${flow} flow is not failed at this step (its path does not pass it, or it is another path of the flow)`),
        },
      ],
    },
    {
      name: 'failure_step_any',
      description:
        'Every step of every originator flow a node failure can interrupt, swept or random: how far the random failures of the regression reach beyond the sweep (one-cycle steps are rarely hit by chance).',
      required: false,
      goal: 100,
      coverpoints: [
        { name: 'role', bins: ['originator', 'partner'] },
        { name: 'flow', bins: [...FLOWS], illegal: { unknown: 'a request op the encoding does not define' } },
        { name: 'step', bins: [...ORIGINATOR_STEPS] },
      ],
      crosses: [
        {
          coverpoints: ['role', 'flow', 'step'],
          illegal: Object.entries(FLOW_STEPS)
            .filter(([flow]) => flow !== 'unknown')
            .map(([flow, steps]) => ({ where: { flow, step: except(ORIGINATOR_STEPS, ...steps) }, reason: `mm_originator's ${flow} flow never passes this step` })),
        },
      ],
    },
    {
      name: 'failure_partner_step',
      description:
        'The fault point sweep on the partner side: the message a node\'s partner side was handling when a node failed and the step it was at (mm_partner\'s state and header, read once at the failure), with whether the failed node was that partner or the originator. Goal: the points test/mirror/failover-sweep.test.ts fails a node at.',
      required: true,
      goal: 100,
      coverpoints: [
        { name: 'role', bins: ['originator', 'partner'] },
        {
          name: 'message',
          bins: [...SYNC_MESSAGES, ...ANSWER_MESSAGES, 'None'],
          illegal: Object.fromEntries([...ANSWER_MESSAGES, 'None'].map((type) => [type, 'the partner side handles requests only (mm_msg_rx hands answers to the originator)'])),
        },
        { name: 'step', bins: [...PARTNER_STEPS], ignore: { Idle: 'no message under way' } },
      ],
      crosses: [
        {
          coverpoints: ['role', 'message', 'step'],
          ignore: notSwept(SWEPT_PARTNER_STEPS, 'message', PARTNER_STEPS, (message) => `the sweep fails ${message} only at the steps its flow passes`),
        },
      ],
    },
    {
      name: 'episodes',
      description:
        'Failover episodes, per node they concern: a takeover after a failure or after the loser of a split brain fenced itself, the fence, the resync and handback after each, a cut part-way through a resync (the resync starts over), a trim (an eviction back under the frame quota after a handback: the originator\'s trim counter, read at the end of a run).',
      required: true,
      goal: 100,
      coverpoints: [
        { name: 'episode', bins: [...EPISODES] },
        { name: 'node', bins: ['a', 'b'] },
      ],
      crosses: [{ coverpoints: ['episode', 'node'] }],
    },
    {
      name: 'denied_paths',
      description:
        'The answers that refuse to wait (the process agents): denied, for an allocation with no table slot here or on the partner (immediate, or with the paging queue full: Fig. 5 510/520/550), and for a read or write pointer that would have to wait with the paging queue full (one path in mm_originator for both). Sampled in every environment, so the directed suites count (directed.test.ts, queue-full.test.ts).',
      required: true,
      goal: 100,
      coverpoints: [
        {
          name: 'path',
          bins: ['allocationNoSlot', 'pagingQueueFull'],
        },
      ],
    },
    {
      name: 'process_answers',
      description:
        'Each process operation and the answer its node gave (the process agents): every answer mm_originator can give, error answers included. Sampled in every environment, with or without a scoreboard, so the directed suites count. Not required: the traffic asks only for what it may have, and the directed suites ask for each error answer with one operation, not with each; the holes say which (operation, answer) no test asks for.',
      required: false,
      goal: 100,
      coverpoints: [
        { name: 'op', bins: [...PROCESS_OPS], ignore: { none: 'the agents send only the five operations' } },
        {
          name: 'status',
          bins: [...STATUSES],
          ignore: { BadRequest: 'a malformed request or partner message: the agents send neither' },
          illegal: { other: 'a status the encoding does not define' },
        },
      ],
      crosses: [
        {
          coverpoints: ['op', 'status'],
          illegal: [
            { where: { op: 'allocate', status: ['Null', 'Granted', 'UnknownGuid', 'NotOwner', 'NoFrame'] }, reason: 'mm_originator never answers an allocation so: one that must wait just waits, and answers ok' },
            { where: { op: ['getRead', 'getWrite'], status: ['NotOwner', 'NoSlot', 'Duplicate'] }, reason: 'mm_originator never answers a pointer request so' },
            { where: { op: 'releasePointer', status: ['Null', 'Granted', 'Denied', 'NoSlot', 'Duplicate', 'NoFrame'] }, reason: 'mm_originator never answers a release pointer so' },
            { where: { op: 'releaseMemory', status: ['Null', 'Granted', 'Denied', 'BadPage', 'NotOwner', 'NoSlot', 'Duplicate', 'NoFrame'] }, reason: 'mm_originator never answers a release memory so' },
          ],
          ignore: [
            { where: { op: 'allocate', status: ['NoSlot', 'Duplicate'] }, reason: `the partner's refusal of an allocate memory: ${MIRRORED}, so a slot free here is free there and a GUID is new on both` },
            { where: { op: ['getRead', 'getWrite'], status: 'NoFrame' }, reason: 'a page-in whose frame went to the partner side meanwhile, or whose DMA failed: neither is provoked by the traffic' },
            { where: { op: 'releasePointer', status: ['UnknownGuid', 'BadPage'] }, reason: 'the traffic releases only pages of live allocations it holds a pointer to' },
            { where: { op: 'releaseMemory', status: 'NotLocal' }, reason: 'the traffic releases an allocation only where it is served' },
            {
              where: { status: 'PartnerTimeout' },
              reason:
                'a partner that is alive and silent (or, for a release pointer, a destage queue stuck full): a failed or cut-off partner takes the link down within its heartbeat timeout, long before a request times out (ReqTimeout, 4096 cycles), and is answered partner down',
            },
          ],
        },
      ],
    },
  ],
};
