// Functional coverage of the synchronization protocol (the groups of
// testplan.ts), sampled from what the environment sees anyway: the process
// agents' requests and answers, the reference model's locks, the link
// monitor's record (coverage-link.ts), the faults as they are injected, the
// failover episodes. The one read it makes is at a node failure: the
// originator and partner state machines of both nodes, to say which step
// the failure interrupted (a few reads, at a failure, not per cycle).
//
// MirrorEnv owns one; it registers itself so a test fixture can write what it
// sampled (src/coverage/functional-registry.ts).
import { FunctionalCoverage, type FunctionalCoverageData } from '../coverage/functional.js';
import { registerFunctionalCoverage, type FunctionalCoverageSource } from '../coverage/functional-registry.js';
import type { Simulator } from '../sim/simulator.js';
import { MsgType, ProcOp, procRequestOp, Status, type ProcRequest, type ProcResponse } from './encoding.js';
import { LinkCoverage } from './coverage-link.js';
import type { FaultKind } from './faults.js';
import type { LinkMonitor } from './link-monitor.js';
import { holdsLock, lockConflict, type ReferenceModel } from './model.js';
import type { ProcessObserver } from './process-agent.js';
import type { NodeName } from './state.js';
import { ORIGINATOR_STEPS, PARTNER_STEPS, TESTPLAN, type EPISODES } from './testplan.js';

export type Episode = (typeof EPISODES)[number];

const OP_NAMES: Partial<Record<ProcOp, 'allocate' | 'getRead' | 'getWrite' | 'releasePointer' | 'releaseMemory'>> = {
  [ProcOp.Allocate]: 'allocate',
  [ProcOp.GetRead]: 'getRead',
  [ProcOp.GetWrite]: 'getWrite',
  [ProcOp.ReleasePtr]: 'releasePointer',
  [ProcOp.ReleaseMem]: 'releaseMemory',
};

/** The steps a trim passes (mm_originator: an eviction in Idle with nobody to answer). */
const TRIM_STEPS = new Set(['EvictVictim', 'EvictWait', 'Respond']);

export class CoverageSampler implements ProcessObserver, FunctionalCoverageSource {
  readonly functional = new FunctionalCoverage(TESTPLAN);
  private readonly link: LinkCoverage;
  private model: ReferenceModel | undefined;

  constructor(private readonly sim: Simulator) {
    this.link = new LinkCoverage(this.functional, () => sim.time('ns'));
    registerFunctionalCoverage(this);
  }

  data(): FunctionalCoverageData {
    return this.functional.data();
  }

  /** A scoreboard is attached: its model's locks and its link monitor's record are sampled from now on. */
  watch(scoreboard: { model: ReferenceModel; link: LinkMonitor }): void {
    this.model = scoreboard.model;
    scoreboard.link.observer = this.link;
  }

  // -- the process agents (before the scoreboard sees the same request or answer) --
  request(node: NodeName, request: ProcRequest): void {
    const op = OP_NAMES[request.op];
    const model = this.model;
    if ((op !== 'getRead' && op !== 'getWrite') || !model) return;
    const owner = model.ownerFor(node, request.guid!, request.pid);
    const page = model.allocs.get(request.guid!)?.page[request.page!];
    if (page) {
      // Any other holder is what a write would conflict with.
      const self = holdsLock(page, owner);
      const other = lockConflict(page, owner, false);
      const holder = self ? (other ? 'selfAndOther' : 'self') : other ? 'other' : 'none';
      const lock = page.writer !== undefined ? 'writeLocked' : page.readers.size > 1 ? 'readShared' : page.readers.size === 1 ? 'readOne' : 'free';
      this.functional.sample('lock_request', { request: op, holder, lock });
    }
    this.link.pointerRequested(`${node}/${request.tag}`, { node, op, guid: request.guid!, page: request.page!, owner });
  }

  response(node: NodeName, response: ProcResponse): void {
    const status = Status[response.status] ?? 'other';
    const op = OP_NAMES[response.op] ?? 'none';
    this.functional.sample('process_answers', { op, status });
    if (response.status === Status.Denied && (op === 'allocate' || op === 'getRead' || op === 'getWrite')) {
      this.functional.sample('denied_paths', { path: op === 'allocate' ? 'allocationNoSlot' : 'pagingQueueFull' });
    }
    const model = this.model;
    if (!model || (response.op !== ProcOp.GetRead && response.op !== ProcOp.GetWrite)) return;
    // The model has not applied this answer yet: it holds the locks the node decided on.
    const page = model.allocs.get(response.guid)?.page[response.page];
    const owner = model.ownerFor(node, response.guid, response.pid);
    const conflict = page !== undefined && lockConflict(page, owner, response.op === ProcOp.GetRead);
    this.link.pointerAnswered(`${node}/${response.tag}`, status, conflict);
  }

  // -- faults --------------------------------------------------------------------
  /** A link fault burst on one direction (or both) begins; call the result when it ends. */
  faultBegins(kind: FaultKind, direction: 'ab' | 'ba' | 'both'): () => void {
    return this.link.faultBegins(kind, direction === 'both' ? ['a', 'b'] : [direction === 'ab' ? 'a' : 'b']);
  }

  /** The link is cut now (both nodes alive, or part-way through a resync). */
  cutBegins(): void {
    this.link.faultNow('cut');
  }

  /**
   * `node` is out: failed now (its step, and the other node's, are read
   * here, in the failure's time step), or fenced after losing a split brain.
   */
  async nodeDown(failed: NodeName, fenced: boolean): Promise<void> {
    this.link.nodeLost();
    if (fenced) return;
    this.link.faultNow('fail', true);
    const paths = (node: NodeName) => {
      const mm = `u_node_${node}.u_mm`;
      return [`${mm}.u_originator.state_q`, `${mm}.u_originator.req_q`, `${mm}.u_originator.trim_q`, `${mm}.u_partner.state_q`, `${mm}.u_partner.hdr_q`];
    };
    const handles = [...paths('a'), ...paths('b')].map((path) => this.sim.signal(path));
    const values = await Promise.all(handles.map((handle) => handle.read()));
    (['a', 'b'] as const).forEach((node, index) => {
      const [state, request, trim, partnerState, header] = values.slice(5 * index, 5 * index + 5) as [bigint, bigint, bigint, bigint, bigint];
      this.sampleFailureStep(node === failed ? 'originator' : 'partner', Number(state), procRequestOp(request), trim === 1n);
      const headerWidth = handles[5 * index + 4]!.width;
      this.samplePartnerStep(node === failed ? 'partner' : 'originator', Number(partnerState), Number(header >> BigInt(headerWidth - 4)));
    });
  }

  private sampleFailureStep(role: string, state: number, op: number, trim: boolean): void {
    const step = ORIGINATOR_STEPS[state] ?? `state${state}`;
    const flow = step === 'Idle' ? 'idle' : trim && TRIM_STEPS.has(step) ? 'trim' : (OP_NAMES[op as ProcOp] ?? 'unknown');
    this.functional.sample('failure_step', { role, flow, step });
    this.functional.sample('failure_step_any', { role, flow, step });
  }

  private samplePartnerStep(role: string, state: number, type: number): void {
    const step = PARTNER_STEPS[state] ?? `state${state}`;
    // Idle, its header is the last message's (or none): nothing under way.
    if (step === 'Idle') return;
    this.functional.sample('failure_partner_step', { role, message: MsgType[type] ?? 'None', step });
  }

  // -- episodes ----------------------------------------------------------------------
  episode(episode: Episode, node: NodeName): void {
    this.functional.sample('episodes', { episode, node });
  }

  /** `node` serves its own allocations again, resynchronized: both nodes mirror. */
  handback(node: NodeName, fenced: boolean): void {
    this.episode(fenced ? 'resyncAfterFence' : 'resyncAfterFailure', node);
    this.link.nodesBack();
  }

  /** The trims `node`'s originator counted (its `stat_trims_q`, read at the end of a run). */
  trims(node: NodeName, count: number): void {
    for (let i = 0; i < count; i++) this.episode('trim', node);
  }
}
