import type { SandboxPagination, SandboxRequest, SandboxResponse } from './sandbox-provider.ts';

/** Answers one page of `items` in the provider's style. */
export function paginate(items: readonly unknown[], request: SandboxRequest, style: SandboxPagination = { style: 'link' }): SandboxResponse {
  return style.style === 'cursor' ? cursorPage(items, request, style) : linkPage(items, request, style);
}

function pageSize(request: SandboxRequest, param: string, fallback: number, max: number): number {
  const raw = request.query.get(param);
  const n = raw === null ? fallback : Number(raw);
  if (!Number.isInteger(n) || n < 1) return fallback;
  return Math.min(n, max);
}

function linkPage(items: readonly unknown[], request: SandboxRequest, style: Extract<SandboxPagination, { style: 'link' }>): SandboxResponse {
  const pageParam = style.pageParam ?? 'page';
  const sizeParam = style.sizeParam ?? 'per_page';
  const size = pageSize(request, sizeParam, style.defaultSize ?? 30, style.maxSize ?? 100);
  const requested = Number(request.query.get(pageParam) ?? '1');
  const page = Number.isInteger(requested) && requested >= 1 ? requested : 1;
  const last = Math.max(1, Math.ceil(items.length / size));
  const link = (n: number, rel: string) => {
    const url = new URL(request.url);
    url.searchParams.set(pageParam, String(n));
    url.searchParams.set(sizeParam, String(size));
    return `<${url.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
  if (page > 1) links.push(link(1, 'first'), link(page - 1, 'prev'));
  return {
    status: 200,
    headers: links.length ? { link: links.join(', ') } : {},
    body: items.slice((page - 1) * size, page * size),
  };
}

function cursorPage(items: readonly unknown[], request: SandboxRequest, style: Extract<SandboxPagination, { style: 'cursor' }>): SandboxResponse {
  const cursorParam = style.cursorParam ?? 'starting_after';
  const idField = style.idField ?? 'id';
  const size = pageSize(request, style.sizeParam ?? 'limit', style.defaultSize ?? 10, style.maxSize ?? 100);
  const cursor = request.query.get(cursorParam);
  let start = 0;
  if (cursor !== null) {
    const at = items.findIndex((item) => String((item as Record<string, unknown>)?.[idField]) === cursor);
    if (at < 0) return { status: 400, body: { error: { type: 'invalid_request_error', message: `No such object: '${cursor}' (${cursorParam})`, param: cursorParam } } };
    start = at + 1;
  }
  const page = items.slice(start, start + size);
  const hasMore = start + size < items.length;
  const url = request.url.pathname;
  const body = style.envelope ? style.envelope({ items: page, hasMore, url }) : { object: 'list', data: page, has_more: hasMore, url };
  return { status: 200, body };
}
