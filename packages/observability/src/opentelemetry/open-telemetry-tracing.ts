import type { AttemptContext, AttemptMiddleware } from '@connectors/core';
import { type Attributes, context, propagation, SpanKind, SpanStatusCode, type TextMapSetter, type Tracer, type TracerProvider, trace } from '@opentelemetry/api';
import { RouteCache } from '../internal/route-cache.ts';
import { safeOperation, safeRoute } from '../internal/safe-route.ts';
import type { Instrumentation } from '../observe/instrumentation.ts';
import { errorTypeOf, redactedFullUrl, semanticMethod, serverPort } from './http-semantics.ts';

/** The instrumentation scope name of spans and metrics from this package. */
export const INSTRUMENTATION_SCOPE = '@connectors/observability';

/** A span's name and the attributes known before it starts. */
interface SpanTemplate {
  name: string;
  attributes: Attributes;
}

const headerSetter: TextMapSetter<Headers> = { set: (headers, key, value) => headers.set(key, value) };

export interface OpenTelemetryTracingOptions {
  /** Default: a tracer from `tracerProvider`, or from the global provider your SDK registered. */
  tracer?: Tracer;
  tracerProvider?: TracerProvider;
  /**
   * Also set `url.full`, with user info removed and every query value replaced by `[REDACTED]`.
   * Off by default: the filled URL holds IDs, and `url.template` already says which endpoint it was.
   */
  fullUrl?: boolean;
}

/**
 * One OpenTelemetry CLIENT span per attempt, following the HTTP client semantic conventions: name
 * `{method} {url.template}`; `http.request.method`, `server.address`, `server.port`, `url.template`,
 * `http.response.status_code`, `error.type`, `http.request.resend_count` (from the second attempt),
 * plus `connector.name` and `connector.operation`.
 *
 * Spans are made by attempt middleware (`client.use`), not from events, so that the span is the
 * active context while the request is sent (an instrumented `fetch`, or logs, nest under it), it
 * times exactly the attempt (after any pacing wait, auth included), and the URL's host and port are
 * at hand. It ends when the response headers arrive. Only `@opentelemetry/api` is used: register
 * whatever SDK you like, or none (spans are then no-ops).
 */
export function openTelemetryTracing(options: OpenTelemetryTracingOptions = {}): Instrumentation {
  const tracer = options.tracer ?? (options.tracerProvider ?? trace).getTracer(INSTRUMENTATION_SCOPE);
  const fullUrl = options.fullUrl ?? false;
  return {
    instrument(client) {
      if (typeof client.use !== 'function') {
        throw new TypeError(`openTelemetryTracing: the ${client.connector} client has no use(middleware); pass the HttpClient from @connectors/core`);
      }
      let active = true;
      // Name and attributes per route, built once: one client always talks to one origin, so host
      // and port are the same for all of them. The SDK copies the attributes into each span.
      const routes = new RouteCache<SpanTemplate>();
      const templateFor = (attempt: AttemptContext): SpanTemplate => {
        const method = semanticMethod(attempt.method);
        const route = safeRoute(attempt.route);
        const attributes: Attributes = {
          'http.request.method': method,
          'server.address': attempt.url.hostname,
          'server.port': serverPort(attempt.url),
          'url.template': route,
          'connector.name': attempt.connector,
          'connector.operation': safeOperation(attempt.operation),
        };
        if (method === '_OTHER') attributes['http.request.method_original'] = attempt.method;
        return { name: method === '_OTHER' ? `HTTP ${route}` : `${method} ${route}`, attributes };
      };
      const middleware: AttemptMiddleware = (attempt, next) => {
        if (!active) return next();
        const { connector, operation, method, route } = attempt;
        const template = routes.get(connector, operation, method, route) ?? routes.add(connector, operation, method, route, templateFor(attempt));
        let attributes = template.attributes;
        if (attempt.attempt > 1 || fullUrl) {
          attributes = { ...attributes };
          if (attempt.attempt > 1) attributes['http.request.resend_count'] = attempt.attempt - 1;
          if (fullUrl) attributes['url.full'] = redactedFullUrl(attempt.url);
        }
        const span = tracer.startSpan(template.name, { kind: SpanKind.CLIENT, attributes });
        const spanContext = trace.setSpan(context.active(), span);
        // The provider (or a proxy in between) can join its trace to ours: `traceparent` and whatever
        // else the app's registered propagator writes. Without one registered this is a no-op.
        propagation.inject(spanContext, attempt.headers, headerSetter);
        return context.with(spanContext, next).then(
          (response) => {
            span.setAttribute('http.response.status_code', response.status);
            if (response.status >= 400) {
              span.setAttribute('error.type', String(response.status));
              span.setStatus({ code: SpanStatusCode.ERROR });
            }
            span.end();
            return response;
          },
          (error: unknown) => {
            const type = errorTypeOf(error, attempt.signal);
            span.setAttribute('error.type', type);
            span.setStatus({ code: SpanStatusCode.ERROR, message: type });
            span.end();
            throw error;
          },
        );
      };
      client.use(middleware);
      // Core has no way to remove middleware; a detached one passes straight through.
      return () => {
        active = false;
      };
    },
  };
}
