import { pino, type DestinationStream, type Logger, type LogFn } from 'pino';
import { PinoPretty } from 'pino-pretty';

export type { Logger };

/** How a process writes its log. */
export interface LoggerOptions {
  /**
   * A terminal in development: readable lines, and routine requests at debug. Otherwise one
   * JSON object a line, every request at info (with its id, for log collectors).
   */
  development?: boolean;
  /** Where lines go; standard output by default. */
  destination?: DestinationStream;
}

/** A request that took longer than this stays at info in development even when it succeeded. */
export const SLOW_REQUEST_MS = 1000;

/**
 * A `request` line (one per HTTP request, written by lib/http.ts) that went well and fast is
 * routine: in development it goes to debug, so the terminal keeps what needs a look (4xx/5xx,
 * slow requests, warnings).
 */
function isRoutineRequest(args: unknown[]): boolean {
  const [fields, message] = args as [{ status?: number; ms?: number } | undefined, unknown];
  if (message !== 'request' || typeof fields !== 'object' || fields === null) return false;
  return (fields.status ?? 500) < 400 && (fields.ms ?? Infinity) < SLOW_REQUEST_MS;
}

/** Apollo's start-up notes, the same in every process at every start: nothing to act on. */
const APOLLO_CHATTER = [/^Enabling inline tracing/, /^Gateway successfully loaded schema/];

const isApolloChatter = (args: unknown[]): boolean =>
  typeof args[0] === 'string' && APOLLO_CHATTER.some((pattern) => pattern.test(args[0] as string));

/** Sends routine request lines and Apollo's start-up notes logged at info to debug instead. */
function routineAtDebug(this: Logger, args: Parameters<LogFn>, method: LogFn, level: number): void {
  if (level === pino.levels.values.info && (isRoutineRequest(args) || isApolloChatter(args)))
    return this.debug(...args);
  return method.apply(this, args);
}

/** One logger per process, named after the service it runs. */
export function createLogger(service: string, level: string = 'info', options: LoggerOptions = {}): Logger {
  const destination = options.destination ?? pino.destination({ sync: true });
  const settings = { name: service, level, base: { service } };
  if (!options.development) return pino(settings, destination);
  // In-process and synchronous (no worker thread per process): a terminal's pace is enough.
  const pretty = PinoPretty({
    sync: true,
    translateTime: 'SYS:HH:MM:ss',
    ignore: 'pid,hostname,service',
    singleLine: true,
    destination,
  });
  return pino({ ...settings, hooks: { logMethod: routineAtDebug } }, pretty);
}
