const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The page shell; the script fills it from `api/state` and keeps it fresh. */
export function dashboardPage(options: { title: string; basePath: string; refreshMs: number }): string {
  const base = escapeHtml(options.basePath);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(options.title)} dashboard</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${base}/assets/uplot.css">
<link rel="stylesheet" href="${base}/assets/dashboard.css">
</head>
<body data-base="${base}" data-refresh-ms="${options.refreshMs}">
<header>
  <h1>${escapeHtml(options.title)}</h1>
  <span id="status" class="pill" data-field="app-status">…</span>
  <span id="updated" class="muted"></span>
  <form id="token-form" autocomplete="off">
    <label for="token" class="muted" id="token-label">Operator token</label>
    <input id="token" type="password" placeholder="to inspect, replay, discard" autocomplete="off">
    <button type="submit">Use</button>
  </form>
</header>
<main>
  <section id="reasons-section"><ul id="reasons"></ul></section>
  <section><h2>Connectors</h2><div id="connectors"></div></section>
  <section><h2>Alerts</h2><div id="alerts"></div></section>
  <section><h2>Credentials</h2><div id="credentials"></div></section>
  <section><h2>Dead letters</h2><div id="dead-letters"></div><div id="inspect"></div></section>
  <p id="message" role="status"></p>
</main>
<script src="${base}/assets/uplot.js"></script>
<script src="${base}/assets/dashboard.js"></script>
</body>
</html>
`;
}

export const DASHBOARD_STYLE = `
:root { color-scheme: light; --ok: #1a7f37; --degraded: #9a6700; --down: #cf222e; --muted: #57606a; --line: #d0d7de; font-family: system-ui, -apple-system, "Segoe UI", sans-serif; font-size: 14px; }
body { margin: 0; background: #f6f8fa; color: #1f2328; }
header { display: flex; align-items: center; gap: 12px; padding: 10px 20px; background: #fff; border-bottom: 1px solid var(--line); position: sticky; top: 0; z-index: 2; }
header h1 { font-size: 18px; margin: 0; }
header form { margin-left: auto; display: flex; gap: 6px; align-items: center; }
main { padding: 8px 20px 40px; max-width: 1400px; }
h2 { font-size: 15px; margin: 18px 0 8px; }
h3 { font-size: 14px; margin: 0; }
.muted { color: var(--muted); }
.pill { display: inline-block; padding: 1px 8px; border-radius: 10px; font-weight: 600; font-size: 12px; color: #fff; background: var(--muted); }
.pill.ok { background: var(--ok); } .pill.degraded { background: var(--degraded); } .pill.down { background: var(--down); }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(620px, 1fr)); gap: 12px; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 12px; }
.card-head { display: flex; gap: 8px; align-items: center; margin-bottom: 8px; }
.tiles { display: grid; grid-template-columns: repeat(8, 1fr); gap: 6px; margin-bottom: 8px; }
.tile { border: 1px solid var(--line); border-radius: 4px; padding: 4px 6px; }
.tile .v { white-space: nowrap; font-size: 15px; font-weight: 600; font-variant-numeric: tabular-nums; }
.tile .k { font-size: 11px; color: var(--muted); }
.charts { display: grid; grid-template-columns: 1fr 1fr; gap: 8px; }
.chart-title { font-size: 12px; color: var(--muted); }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); font-size: 13px; vertical-align: top; }
th { font-weight: 600; color: var(--muted); font-size: 12px; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.facts { display: grid; grid-template-columns: repeat(3, 1fr); gap: 8px; margin-top: 8px; font-size: 13px; }
.facts div { border-top: 1px solid var(--line); padding-top: 4px; }
ul { margin: 4px 0; padding-left: 18px; }
#reasons li.down { color: var(--down); } #reasons li.degraded { color: var(--degraded); }
button { font: inherit; font-size: 12px; padding: 2px 8px; border: 1px solid var(--line); border-radius: 4px; background: #f6f8fa; cursor: pointer; }
button:disabled { cursor: not-allowed; opacity: .5; }
input { font: inherit; padding: 2px 6px; border: 1px solid var(--line); border-radius: 4px; }
pre { background: #f6f8fa; border: 1px solid var(--line); padding: 8px; max-height: 320px; overflow: auto; font-size: 12px; }
#inspect:not(:empty) { margin-top: 10px; background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 10px; }
#message { min-height: 1em; }
#message.error { color: var(--down); }
`;
