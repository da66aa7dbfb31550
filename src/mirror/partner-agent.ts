// The host as the originating partner: sends raw synchronization messages
// into a node's injection port and reads back the node's answers, whole.
import type { Simulator } from '../sim/simulator.js';
import type { StreamDriver, StreamMonitor } from '../sim/streams.js';
import { decodeMessage, encodeMessage, type Message, type MsgType } from './encoding.js';
import type { NodeName } from './state.js';

export class PartnerAgent {
  private constructor(
    readonly node: NodeName,
    private readonly driver: StreamDriver,
    private readonly monitor: StreamMonitor,
  ) {}

  static async create(sim: Simulator, node: NodeName): Promise<PartnerAgent> {
    const dut = sim.dut;
    const p = (name: string) => dut[`${node}_${name}`];
    const driver = await sim.streamDriver({ name: `${node}_inj`, clock: dut.clk_i, valid: p('inj_valid_i'), ready: p('inj_ready_o'), data: [p('inj_data_i'), p('inj_last_i')] });
    const monitor = await sim.streamMonitor(
      { name: `${node}_injans`, clock: dut.clk_i, valid: p('injans_valid_o'), ready: p('injans_ready_i'), data: [p('injans_data_o'), p('injans_last_o')] },
      { driveReady: 1 },
    );
    return new PartnerAgent(node, driver, monitor);
  }

  /** Sends raw words (the last one flagged): for malformed messages. */
  sendWords(words: readonly number[]): void {
    this.driver.send(...words.map((word, index) => [word >>> 0, index === words.length - 1 ? 1 : 0]));
  }

  send(message: Partial<Message> & { type: MsgType }): void {
    this.sendWords(encodeMessage(message));
  }

  /** The next whole answer. */
  async answer(): Promise<Message> {
    const words: number[] = [];
    for (;;) {
      const item = await this.monitor.next();
      words.push(Number(item.data[0]));
      if (item.data[1] === 1n) return decodeMessage(words);
    }
  }

  /** Sends a message and returns its `count` answers. */
  async exchange(message: Partial<Message> & { type: MsgType }, count = 1): Promise<Message[]> {
    this.send(message);
    const answers: Message[] = [];
    for (let i = 0; i < count; i++) answers.push(await this.answer());
    return answers;
  }
}
