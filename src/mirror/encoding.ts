// The bit layouts of rtl/mirrorsim_pkg.sv, packed and unpacked on the host:
// synchronization messages, process requests and responses, data port words.

export enum MsgType {
  None = 0,
  SpaceReq = 1,
  AllocMem = 2,
  ReleaseMem = 3,
  LockReq = 4,
  ReadHeader = 5,
  WritePage = 6,
  SenseReq = 7,
  AllocRead = 8,
  AllocWrite = 9,
  ReleasePtr = 10,
  Complete = 11,
  SpaceStatus = 12,
  LockStatus = 13,
  Header = 14,
  SenseInfo = 15,
}

export enum Status {
  Ok = 0,
  Null = 1,
  Denied = 2,
  Granted = 3,
  UnknownGuid = 4,
  BadPage = 5,
  NotOwner = 6,
  NoSlot = 7,
  Duplicate = 8,
  PartnerTimeout = 9,
  PartnerDown = 10,
  NotLocal = 11,
  BadRequest = 12,
  NoFrame = 13,
}

export enum ProcOp {
  None = 0,
  Allocate = 1,
  GetRead = 2,
  GetWrite = 3,
  ReleasePtr = 4,
  ReleaseMem = 5,
}

export enum SenseWhat {
  FreeFrames = 0,
  Allocs = 1,
  Queues = 2,
  Node = 3,
}

/** A synchronization message: four header words and an optional payload. */
export interface Message {
  type: MsgType;
  tag: number;
  srcNode: number;
  guid: number;
  page: number;
  owner: number;
  arg0: number;
  arg1: number;
  payload: number[];
}

function field(value: bigint, low: number, width: number): number {
  return Number((value >> BigInt(low)) & ((1n << BigInt(width)) - 1n));
}

function checked(name: string, value: number, width: number): bigint {
  if (!Number.isInteger(value) || value < 0 || value >= 2 ** width) {
    throw new RangeError(`${name}=${value} does not fit ${width} bits`);
  }
  return BigInt(value);
}

/** The words of a message, as they travel on the link or the injection port. */
export function encodeMessage(message: Partial<Message> & { type: MsgType }): number[] {
  const payload = message.payload ?? [];
  const w0 =
    (checked('type', message.type, 4) << 28n) |
    (checked('tag', message.tag ?? 0, 8) << 20n) |
    (checked('srcNode', message.srcNode ?? 0, 1) << 19n) |
    ((payload.length > 0 ? 1n : 0n) << 18n) |
    checked('guid', message.guid ?? 0, 16);
  const w1 = (checked('page', message.page ?? 0, 16) << 16n) | checked('owner', message.owner ?? 0, 4);
  return [Number(w0), Number(w1), Number(checked('arg0', message.arg0 ?? 0, 32)), Number(checked('arg1', message.arg1 ?? 0, 32)), ...payload];
}

export function decodeMessage(words: readonly number[]): Message {
  if (words.length < 4) throw new RangeError(`a message has at least 4 words, not ${words.length}`);
  const w0 = BigInt(words[0]!);
  const w1 = BigInt(words[1]!);
  return {
    type: field(w0, 28, 4) as MsgType,
    tag: field(w0, 20, 8),
    srcNode: field(w0, 19, 1),
    guid: field(w0, 0, 16),
    page: field(w1, 16, 16),
    owner: field(w1, 0, 4),
    arg0: words[2]! >>> 0,
    arg1: words[3]! >>> 0,
    payload: words.slice(4).map((word) => word >>> 0),
  };
}

export interface LockState {
  resident: boolean;
  modified: boolean;
  writeLocked: boolean;
  writeOwner: number;
  readCount: number;
}

export function decodeLockState(arg0: number): LockState {
  return {
    resident: ((arg0 >>> 15) & 1) === 1,
    modified: ((arg0 >>> 14) & 1) === 1,
    writeLocked: ((arg0 >>> 13) & 1) === 1,
    writeOwner: (arg0 >>> 8) & 0xf,
    readCount: arg0 & 0xff,
  };
}

export interface ProcRequest {
  tag: number;
  op: ProcOp;
  pid: number;
  immediate?: boolean;
  /** Allocate: the node of the asking process (defaults to the node it is sent to; the other one after a takeover). */
  home?: number;
  guid?: number;
  page?: number;
  pages?: number;
  policy?: number;
}

export function encodeProcRequest(request: ProcRequest): bigint {
  return (
    (checked('tag', request.tag, 8) << 56n) |
    (checked('op', request.op, 3) << 53n) |
    (checked('pid', request.pid, 3) << 50n) |
    ((request.immediate ? 1n : 0n) << 49n) |
    (checked('home', request.home ?? 0, 1) << 48n) |
    (checked('guid', request.guid ?? 0, 16) << 32n) |
    (checked('page', request.page ?? 0, 8) << 24n) |
    (checked('pages', request.pages ?? 0, 8) << 16n) |
    (checked('policy', request.policy ?? 0, 4) << 12n)
  );
}

/** The operation field of an encoded process request (as encodeProcRequest lays it out). */
export function procRequestOp(value: bigint): ProcOp {
  return field(value, 53, 3) as ProcOp;
}

export interface ProcResponse {
  tag: number;
  op: ProcOp;
  pid: number;
  guid: number;
  status: Status;
  page: number;
  pointer: number;
}

export function decodeProcResponse(value: bigint): ProcResponse {
  return {
    tag: field(value, 56, 8),
    op: field(value, 53, 3) as ProcOp,
    pid: field(value, 50, 3),
    guid: field(value, 32, 16),
    status: field(value, 24, 8) as Status,
    page: field(value, 16, 8),
    pointer: field(value, 0, 16),
  };
}

export interface DataRequest {
  write: boolean;
  pid: number;
  guid: number;
  page: number;
  offset: number;
  wdata?: number;
}

export function encodeDataRequest(request: DataRequest): bigint {
  return (
    ((request.write ? 1n : 0n) << 71n) |
    (checked('pid', request.pid, 3) << 68n) |
    (checked('page', request.page, 8) << 60n) |
    (checked('offset', request.offset, 12) << 48n) |
    (checked('guid', request.guid, 16) << 32n) |
    checked('wdata', request.wdata ?? 0, 32)
  );
}

export function decodeDataResponse(value: bigint): { status: Status; rdata: number } {
  return { status: field(value, 32, 8) as Status, rdata: field(value, 0, 32) };
}

/** GUIDs carry their originating node in the top bit. */
export function guidNode(guid: number): number {
  return (guid >> 15) & 1;
}

export function ownerOf(node: number, pid: number): number {
  return (node << 3) | pid;
}
