import type { Socket } from 'node:net';

/**
 * Closes a connection whose request body is refused before it was read whole (413, 408) the way
 * servers such as nginx do ("lingering close"): the answer is sent and this side half-closes (FIN),
 * but the socket stays open for `lingerMs` before it is destroyed. Destroying it at once, as Node
 * does for `Connection: close`, makes the kernel answer the bytes the client is still sending with
 * a reset, and a reset can discard the answer from the client's receive buffer before it is read:
 * the client would then see a broken connection instead of the 413. Applies to this socket only.
 */
export function lingerOnClose(socket: Socket | null | undefined, lingerMs = 2000): void {
  if (!socket) return;
  socket.destroySoon = function lingeringClose(this: Socket): void {
    if (this.writable) this.end();
    const timer = setTimeout(() => this.destroy(), lingerMs).unref();
    this.once('close', () => clearTimeout(timer));
  };
}
