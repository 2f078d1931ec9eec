import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The Prometheus metrics one process exposes at GET /metrics. */
export interface Metrics {
  registry: Registry;
  sqlStatements: Counter<'subgraph'>;
  httpRequests: Histogram<'route' | 'status'>;
  rejectedRequests: Counter<'reason'>;
}

/** A fresh registry per service, so several services can share one test process. */
export function createMetrics(service: string): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    sqlStatements: new Counter({
      name: 'commons_sql_statements_total',
      help: 'SQL statements sent to the database, by subgraph.',
      labelNames: ['subgraph'],
      registers: [registry],
    }),
    httpRequests: new Histogram({
      name: 'commons_http_request_duration_seconds',
      help: 'HTTP requests served, by route and status.',
      labelNames: ['route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    rejectedRequests: new Counter({
      name: 'commons_rejected_requests_total',
      help: 'Requests refused before or during validation, by reason (rate_limit, depth, cost, body_too_large, ...).',
      labelNames: ['reason'],
      registers: [registry],
    }),
  };
}
