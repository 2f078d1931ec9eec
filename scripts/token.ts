/**
 * `npm run token -- --role <role> --scope <id> [--subject <who>] [--ttl 1h]`: issues a signed
 * bearer token for local use, with the secret the running stack uses.
 */
import { parseArgs } from 'node:util';
import { ROLES, ROLE_SCOPE, issueToken, type Role } from '../lib/auth.js';
import { loadConfig } from '../lib/config.js';
import { resolveSecrets } from '../lib/secrets.js';

function usage(problem: string): never {
  console.error(`${problem}

usage: npm run token -- --role <role> --scope <id> [--subject <who>] [--ttl 1h]
roles and what their scope names:
${ROLES.map((role) => `  ${role.padEnd(22)} ${ROLE_SCOPE[role]}`).join('\n')}`);
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    role: { type: 'string' },
    scope: { type: 'string' },
    subject: { type: 'string' },
    ttl: { type: 'string', default: '1h' },
  },
});
if (!values.role || !ROLES.includes(values.role as Role)) usage(`--role must be one of: ${ROLES.join(', ')}`);
if (!values.scope) usage('--scope is required');

const role = values.role as Role;
const token = await issueToken(resolveSecrets(loadConfig()).authSecret, {
  role,
  scope: values.scope,
  subject: values.subject ?? `local:${role}:${values.scope}`,
  expiresIn: values.ttl,
});
console.log(token);
