import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';

/** How long a refused sender may go on sending after its answer is out (Go's net/http waits 500 ms too). */
export const LINGER_MS = 500;

/** Sockets whose connection is being closed: the bytes still read from them are discarded. */
const refusedSockets = new WeakSet<Socket>();

/**
 * Arranges for the connection under `req` to close gracefully once its (final) response is flushed.
 *
 * Why by hand: Node closes a `connection: close` socket as soon as the response is written
 * (`socket.destroySoon()`). When the client is still sending an oversized body, closing a socket with
 * unread bytes, or receiving more bytes on a closed one, makes the kernel answer with RST, and an RST makes
 * the client's kernel drop the 413 it has not read yet: the sender sees "connection reset" instead of the
 * answer. Like Go's net/http (`closeWriteAndWait`) and nginx (`lingering_close`): half-close after the
 * response, discard what still arrives (nothing is kept), and close when the client closes or after
 * {@link LINGER_MS}, whichever comes first, so a hostile sender cannot hold the socket open.
 */
export function lingerThenClose(req: IncomingMessage, lingerMs = LINGER_MS): void {
  const socket = req.socket;
  refusedSockets.add(socket);
  // Node's server calls `socket.destroySoon()` after the last response; this socket's one does the above.
  let started = false;
  socket.destroySoon = function lingeringClose(): void {
    if (started || socket.destroyed) return;
    started = true;
    socket.end();
    req.resume();
    socket.resume();
    const timer = setTimeout(() => socket.destroy(), lingerMs);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
    socket.once('end', () => socket.destroy());
  };
}

/**
 * Whether `req` came on a connection already refused and being closed: a sender may pipeline another
 * request behind a refused body, and Node parses it during the linger. Its answer could only go into a
 * closed connection, so it is not handled (not stored, not answered); the sender sends it again.
 */
export function arrivedWhileClosing(req: IncomingMessage): boolean {
  return refusedSockets.has(req.socket);
}
