import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createNodeHealthHandler, type HealthSource } from '@connectors/observability';
import type { WebhookInbox } from '@connectors/webhooks';
import type { Dashboard } from '@connectors/observability/dashboard';
import type { Registry } from 'prom-client';

export interface ServerParts {
  /** Mounted at /webhooks/<source> when present. */
  inbox: WebhookInbox | undefined;
  health: HealthSource;
  registry: Registry;
  /** Mounted at /dashboard when present. */
  dashboard?: Dashboard;
}

/**
 * The app's HTTP surface: `/webhooks/github` and `/webhooks/stripe` (the durable inbox: it reads the
 * raw body itself, so no body parser runs before it), `/health` and `/metrics`.
 */
export function createAppServer(parts: ServerParts): Server {
  const webhooks = parts.inbox?.nodeHandler();
  const health = createNodeHealthHandler(parts.health);
  const dashboard = parts.dashboard?.nodeHandler();
  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (path.startsWith('/webhooks/') && webhooks) return webhooks(req, res);
    if (path === '/health') return void health(req, res);
    if (dashboard && (path === '/dashboard' || path.startsWith('/dashboard/'))) return dashboard(req, res);
    if (path === '/metrics') {
      parts.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': parts.registry.contentType }).end(text),
        () => res.writeHead(500).end(),
      );
      return;
    }
    req.resume();
    res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'not-found', routes: ['/webhooks/github', '/webhooks/stripe', '/health', '/metrics', ...(dashboard ? ['/dashboard'] : [])] }));
  });
}

/** Listens on 127.0.0.1 (port 0: any free port) and resolves with the base URL. */
export function listen(server: Server, port: number, host = '127.0.0.1'): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(`http://${host}:${(server.address() as AddressInfo).port}`);
    });
  });
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}
