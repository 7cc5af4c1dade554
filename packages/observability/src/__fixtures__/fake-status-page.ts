import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakeStatusMode = 'operational' | 'degraded' | 'down';

/**
 * A local Atlassian Statuspage: `/api/v2/summary.json` in Statuspage's documented shape, with ETag
 * and If-None-Match (304), switchable between operational, degraded (an incident, a component in
 * partial outage) and down (answers 503).
 */
export async function startFakeStatusPage(name = 'GitHub'): Promise<{
  url: string;
  set(mode: FakeStatusMode): void;
  requests: { status: number; ifNoneMatch: string | undefined }[];
  close(): Promise<void>;
}> {
  let mode: FakeStatusMode = 'operational';
  const requests: { status: number; ifNoneMatch: string | undefined }[] = [];
  const summary = () => ({
    page: { id: 'kctbh9vrtdwd', name, url: 'https://www.githubstatus.com', time_zone: 'Etc/UTC', updated_at: '2026-03-02T09:00:00.000Z' },
    components: [
      { id: 'brv1bkgrwx7q', name: 'API Requests', status: mode === 'degraded' ? 'partial_outage' : 'operational', group: false },
      { id: '8l4ygp009s5s', name: 'Webhooks', status: 'operational', group: false },
    ],
    incidents:
      mode === 'degraded'
        ? [{ id: 'x1', name: 'Incident with API Requests', status: 'investigating', impact: 'minor', shortlink: 'https://stspg.io/x1', created_at: '2026-03-02T08:55:00.000Z', incident_updates: [] }]
        : [],
    scheduled_maintenances: [],
    status: mode === 'degraded' ? { indicator: 'minor', description: 'Partially Degraded Service' } : { indicator: 'none', description: 'All Systems Operational' },
  });
  const server: Server = createServer((req, res) => {
    const ifNoneMatch = req.headers['if-none-match'];
    if (req.url !== '/api/v2/summary.json') {
      requests.push({ status: 404, ifNoneMatch });
      res.writeHead(404).end();
      return;
    }
    if (mode === 'down') {
      requests.push({ status: 503, ifNoneMatch });
      res.writeHead(503, { 'content-type': 'text/html' }).end('<h1>Service Unavailable</h1>');
      return;
    }
    const body = JSON.stringify(summary());
    const etag = `W/"${createHash('sha1').update(body).digest('hex').slice(0, 16)}"`;
    if (ifNoneMatch === etag) {
      requests.push({ status: 304, ifNoneMatch });
      res.writeHead(304, { etag }).end();
      return;
    }
    requests.push({ status: 200, ifNoneMatch });
    res.writeHead(200, { 'content-type': 'application/json', etag, 'cache-control': 'max-age=0' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    set: (next) => {
      mode = next;
    },
    requests,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
