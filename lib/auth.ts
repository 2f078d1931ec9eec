/**
 * Identity: signed bearer tokens (JWT, HS256 via jose) carrying one role and the one object
 * it may write. Verified at the gateway and again in every subgraph, which never trusts a
 * bare identity header.
 */
import { GraphQLError } from 'graphql';
import { SignJWT, errors as joseErrors, jwtVerify } from 'jose';
import { ErrorCode } from './errors.js';

export const ROLES = ['city-admin', 'coop-operator', 'production-operator', 'depository-maintainer'] as const;
export type Role = (typeof ROLES)[number];

/** What each role's scope names: the one object of that kind its holder may write. */
export const ROLE_SCOPE: Record<Role, string> = {
  'city-admin': 'a City id',
  'coop-operator': 'a PlatformCooperative id',
  'production-operator': 'an OpenCooperative id',
  'depository-maintainer': 'a CommonsApplication id',
};

/** The verified caller of a request; null for public (no token). */
export interface Viewer {
  subject: string;
  role: Role;
  scope: string;
}

const ISSUER = 'commons-graph';
const AUDIENCE = 'commons-graph';

const keyOf = (secret: string) => new TextEncoder().encode(secret);

export interface IssueTokenOptions {
  subject: string;
  role: Role;
  scope: string;
  /** Lifetime, e.g. '1h', '30d' (jose's time span syntax). */
  expiresIn?: string;
}

/** Signs a token for one role and scope. */
export function issueToken(secret: string, options: IssueTokenOptions): Promise<string> {
  return new SignJWT({ role: options.role, scope: options.scope })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(options.subject)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '1h')
    .sign(keyOf(secret));
}

function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.UNAUTHENTICATED, http: { status: 401 } } });
}

/** How `verifyAuthorization` words a refusal. */
export interface VerifyOptions {
  /**
   * Say which check a token failed (signature, algorithm, issuer, audience, form). Outside
   * production only: there it saves an hour of guessing (a token signed with another DATA_DIR's
   * secret); in production every invalid token gets the same sentence.
   */
  explain?: boolean;
}

/** Why a token failed verification, as a developer can act on it. */
function explanationOf(error: unknown): string {
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) {
    return "Token is not valid: its signature does not match this server's secret. It was signed with another secret: issue it with the DATA_DIR (or AUTH_SECRET) the server runs with (`npm run token` reads the same ones as `npm start`).";
  }
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'Token is not valid: it must be signed with HS256.';
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    return `Token is not valid: its "${error.claim}" claim failed the check (${error.reason}); tokens of this graph have iss "${ISSUER}" and aud "${AUDIENCE}".`;
  }
  return 'Token is not valid: it is not a well-formed signed JWT (three base64url parts).';
}

/**
 * Reads the `Authorization` header: no header means public; a header that is not a valid,
 * unexpired token of ours is an error, never silently public.
 */
export async function verifyAuthorization(
  secret: string,
  header: string | undefined,
  options: VerifyOptions = {},
): Promise<Viewer | null> {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) throw unauthenticated('Authorization header must be "Bearer <token>".');
  try {
    const { payload } = await jwtVerify(match[1]!, keyOf(secret), {
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ['HS256'],
    });
    const role = payload.role as Role;
    if (!ROLES.includes(role) || typeof payload.scope !== 'string' || !payload.sub) {
      throw unauthenticated('Token lacks a known role, a scope or a subject.');
    }
    return { subject: payload.sub, role, scope: payload.scope };
  } catch (error) {
    if (error instanceof GraphQLError) throw error;
    if (error instanceof joseErrors.JWTExpired) throw unauthenticated('Token has expired.');
    throw unauthenticated(options.explain ? explanationOf(error) : 'Token is not valid.');
  }
}

/**
 * Allows a write only to a caller holding `role` for exactly `scope`; anything else is
 * refused before any data changes.
 */
export function requireScope(viewer: Viewer | null, role: Role, scope: string): Viewer {
  if (!viewer) throw unauthenticated(`This operation needs a ${role} token for ${scope}.`);
  if (viewer.role !== role || viewer.scope !== scope) {
    throw new GraphQLError(
      `A ${viewer.role} token for "${viewer.scope}" may not do this; it needs ${role} of "${scope}".`,
      {
        extensions: { code: ErrorCode.FORBIDDEN, http: { status: 403 } },
      },
    );
  }
  return viewer;
}
