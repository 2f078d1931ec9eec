import { pino, type Logger } from 'pino';

export type { Logger };

/** One structured JSON logger per process, named after the service it runs. */
export function createLogger(service: string, level: string = 'info'): Logger {
  return pino({ name: service, level, base: { service } });
}
