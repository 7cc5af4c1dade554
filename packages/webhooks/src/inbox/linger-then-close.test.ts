import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lingerThenClose } from './linger-then-close.ts';

const LINGER = 300;
let server: Server;
let port: number;

beforeAll(async () => {
  // Refuses a body past 32 KiB the way the inbox does: it has read part of it, stops reading and answers.
  server = createServer((req, res) => {
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= 32 * 1024) return;
      req.off('data', onData);
      req.pause();
      res.shouldKeepAlive = false;
      lingerThenClose(req, LINGER);
      res.writeHead(413, { 'content-type': 'text/plain', 'content-length': '9', connection: 'close' }).end('too large');
      res.once('finish', () => req.socket.destroySoon());
    };
    req.on('data', onData);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/**
 * Sends a chunked body in 8 KiB pieces from a busy process: the event loop is blocked for a moment after
 * each write (as in a loaded sender), so the next write can come before the answer has been read.
 */
function sendFromBusyClient(): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    let response = '';
    socket.on('data', (chunk) => (response += chunk.toString()));
    socket.on('error', () => {});
    socket.on('close', () => resolve(response));
    const piece = `${(8 * 1024).toString(16)}\r\n${'a'.repeat(8 * 1024)}\r\n`;
    let sent = 0;
    const next = (): void => {
      if (socket.destroyed || !socket.writable || sent++ > 64) return;
      socket.write(piece);
      const until = Date.now() + 15;
      while (Date.now() < until); // busy: no I/O is handled meanwhile
      setImmediate(next);
    };
    socket.once('connect', () => {
      socket.write('POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n');
      next();
    });
  });
}

/** Sends without pause, ignoring the server's FIN as a hostile sender would; resolves with how long after the answer the socket closed. */
function floodIgnoringClose(): Promise<{ response: string; closedAfterMs: number }> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    let response = '';
    let answeredAt = 0;
    socket.on('data', (chunk) => {
      response += chunk.toString();
      answeredAt ||= Date.now();
    });
    socket.on('error', () => {});
    socket.on('close', () => resolve({ response, closedAfterMs: answeredAt ? Date.now() - answeredAt : -1 }));
    socket.write('POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n');
    const chunk = Buffer.from(`${(16 * 1024).toString(16)}\r\n${'a'.repeat(16 * 1024)}\r\n`);
    const pump = (): void => {
      while (!socket.destroyed && socket.writable) {
        if (!socket.write(chunk)) {
          socket.once('drain', pump);
          return;
        }
      }
    };
    socket.once('connect', pump);
  });
}

describe('lingerThenClose', () => {
  // Without the linger this loses the answer only now and then, on a loaded machine (the inbox's chunked-413
  // test failed that way in CI); it stays as the check that lingering never costs the answer.
  it('a client that keeps sending still reads the whole answer instead of a reset', async () => {
    for (let i = 0; i < 5; i++) {
      const response = await sendFromBusyClient();
      expect(response).toMatch(/^HTTP\/1\.1 413/);
      expect(response).toMatch(/too large$/);
    }
  });

  it('a sender that never stops is closed after the linger time, not held open', async () => {
    const { response, closedAfterMs } = await floodIgnoringClose();
    expect(response).toMatch(/^HTTP\/1\.1 413/);
    expect(closedAfterMs).toBeGreaterThanOrEqual(0);
    // Bounded: the linger (300 ms) plus scheduling slack on a loaded machine, never the sender's pace.
    expect(closedAfterMs).toBeLessThan(LINGER + 5_000);
  });
});
