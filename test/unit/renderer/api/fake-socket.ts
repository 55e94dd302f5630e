// The WebSocket stand-in of the bridge tests: the test opens it, delivers frames and drops it by hand.
import type { SocketLike } from '../../../../renderer/api/bridge.ts';

/** A WebSocket stand-in the test drives by hand: open, deliver frames, drop. */
export class FakeSocket implements SocketLike {
  static instances: FakeSocket[] = [];
  static get last(): FakeSocket | undefined {
    return FakeSocket.instances.at(-1);
  }
  readyState = 0;
  sent: string[] = [];
  onopen: ((event: unknown) => void) | null = null;
  onclose: ((event: { code?: number; reason?: string }) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  readonly url: string;

  constructor(url = '') {
    this.url = url;
    FakeSocket.instances.push(this);
  }
  send(data: string): void {
    if (this.readyState !== 1) throw new Error('not open');
    this.sent.push(data);
  }
  close(): void {
    this.readyState = 3;
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }
  receive(frame: unknown): void {
    this.onmessage?.({ data: typeof frame === 'string' ? frame : JSON.stringify(frame) });
  }
  drop(): void {
    this.readyState = 3;
    this.onclose?.({ code: 1006, reason: '' });
  }
  frames(): Array<{ id: number; command: string; args: unknown }> {
    return this.sent.map((text) => JSON.parse(text) as { id: number; command: string; args: unknown });
  }
}
