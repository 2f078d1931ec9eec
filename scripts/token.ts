/**
 * `npm run token -- --role <role> --scope <id> [--subject <who>] [--ttl 1h]`: issues a signed
 * bearer token for local use, with the secret the running stack uses (resolved as `npm start`
 * resolves it: AUTH_SECRET, else DATA_DIR/secrets.json, which this never creates). Exit code 2
 * for a usage error, 1 when there is no secret to sign with.
 */
import { parseArgs } from 'node:util';
import { ROLES, ROLE_SCOPE, issueToken, type Role } from '../lib/auth.js';
import { loadConfig } from '../lib/config.js';
import { MissingSecretsError, resolveSecrets } from '../lib/secrets.js';

function usage(problem: string): never {
  console.error(`${problem}

usage: npm run token -- --role <role> --scope <id> [--subject <who>] [--ttl 1h]
roles and what their scope names:
${ROLES.map((role) => `  ${role.padEnd(22)} ${ROLE_SCOPE[role]}`).join('\n')}`);
  process.exit(2);
}

/** The command line; an option parseArgs cannot read (`--ttl -1h`, an unknown one) is a usage error. */
function readArgs() {
  try {
    return parseArgs({
      options: {
        role: { type: 'string' },
        scope: { type: 'string' },
        subject: { type: 'string' },
        ttl: { type: 'string', default: '1h' },
      },
    }).values;
  } catch (error) {
    usage((error as Error).message);
  }
}
const values = readArgs();
if (!values.role || !ROLES.includes(values.role as Role)) usage(`--role must be one of: ${ROLES.join(', ')}`);
if (!values.scope) usage('--scope is required');

/** A lifetime jose reads (`30m`, `1h`, `2 days`) that is positive; anything else is a usage error. */
const TTL = /^\d+(\.\d+)? ?(s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?|w|weeks?|y|yrs?|years?)$/i;
if (!TTL.test(values.ttl) || Number.parseFloat(values.ttl) <= 0)
  usage(`--ttl must be a positive duration such as 30m, 1h, 12 hours or 7d, got "${values.ttl}"`);

const role = values.role as Role;
let secret: string;
try {
  // The same resolution as npm start, but never a new secret: no server would accept its tokens.
  secret = resolveSecrets(loadConfig(), { create: false }).authSecret;
} catch (error) {
  if (!(error instanceof MissingSecretsError)) throw error;
  console.error(error.message);
  process.exit(1);
}
const token = await issueToken(secret, {
  role,
  scope: values.scope,
  subject: values.subject ?? `local:${role}:${values.scope}`,
  expiresIn: values.ttl,
});
console.log(token);
