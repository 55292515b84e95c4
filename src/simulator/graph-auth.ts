import type { IncomingMessage } from 'node:http';
import type { SimContext } from './context.ts';
import * as failures from './graph-errors.ts';
import type { GraphFailure } from './graph-errors.ts';
import type { ScenarioClient } from './scenario-types.ts';
import type { TokenGrant } from './tokens.ts';

/** Who a valid bearer token speaks for. */
export interface GraphCaller {
  readonly tenant: string;
  readonly client: ScenarioClient;
}

/** The grant behind the request's bearer token, valid or not; undefined without a known token. */
export function findBearerGrant(ctx: SimContext, req: IncomingMessage): TokenGrant | undefined {
  const token = bearerToken(req);
  return token === undefined ? undefined : ctx.tokens.find(token);
}

/** Checks the bearer token and the app's permission the way Graph does: 401 for the token, 403 for the role. */
export function authenticateGraph(ctx: SimContext, req: IncomingMessage): GraphCaller | GraphFailure {
  const token = bearerToken(req);
  if (token === undefined) return failures.emptyToken;
  const grant = ctx.tokens.find(token);
  if (!grant) return failures.malformedToken;
  if (grant.expiresAt <= ctx.clock()) return failures.expiredToken;
  const tenant = ctx.index.tenantNamed(grant.tenant);
  const client = tenant?.clients.find((c) => c.clientId === grant.clientId);
  if (!tenant || !client) return failures.malformedToken;
  if (!client.permission) return failures.missingPermission;
  return { tenant: tenant.name, client };
}

function bearerToken(req: IncomingMessage): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return match?.[1];
}
