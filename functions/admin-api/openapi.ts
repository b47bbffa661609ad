import * as z from 'zod/mini';
import { ADMIN_SCOPE, adminResource } from '../oidc/admin-resource.ts';
import type { Route } from './routes.ts';

/**
 * The OpenAPI 3.1 document of the admin API, made from the same zod schemas that validate requests
 * (routes.ts), so the two cannot drift apart. JSON Schema 2020-12 is OpenAPI 3.1's own dialect.
 */
export function openApiDocument(issuer: string, routes: Route[]): Record<string, unknown> {
  const schema = (s: z.ZodMiniType, io: 'input' | 'output') => {
    const { $schema: _dialect, ...rest } = z.toJSONSchema(s, { io, unrepresentable: 'any' }) as Record<
      string,
      unknown
    >;
    return rest;
  };
  const problem = {
    description: 'An RFC 9457 problem',
    content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
  };
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    paths[r.path] ??= {};
    (paths[r.path] as Record<string, unknown>)[r.method.toLowerCase()] = operation(r, schema, problem);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Sesame admin API',
      version: '1',
      description:
        'Administration of tenants, users, roles, invitations, apps, connections and the audit log. Every request is authorized by the delegation rule: global admins may do anything, tenant admins manage their own tenant, members may only invite where an app allows it.',
    },
    servers: [{ url: adminResource(issuer) }],
    security: [{ sesame: [ADMIN_SCOPE] }],
    components: {
      securitySchemes: {
        sesame: {
          type: 'oauth2',
          description: `JWT access tokens Sesame issues for resource ${adminResource(issuer)} with scope ${ADMIN_SCOPE}: a user's (signed in with a second factor, through an app with admin API access \`users\`) or an automation app's (client credentials, access \`global\` or \`tenant:<id>\`).`,
          flows: {
            clientCredentials: { tokenUrl: `${issuer}/token`, scopes: { [ADMIN_SCOPE]: 'Administration' } },
            authorizationCode: {
              authorizationUrl: `${issuer}/auth`,
              tokenUrl: `${issuer}/token`,
              scopes: { [ADMIN_SCOPE]: 'Administration' },
            },
          },
        },
      },
      schemas: {
        Problem: {
          type: 'object',
          required: ['type', 'title', 'status'],
          properties: {
            type: { type: 'string', description: 'urn:sesame:problem:<code>' },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            errors: {
              type: 'array',
              items: {
                type: 'object',
                properties: { field: { type: 'string' }, message: { type: 'string' } },
              },
            },
          },
        },
      },
    },
    paths,
  };
}

function operation(
  r: Route,
  schema: (s: z.ZodMiniType, io: 'input' | 'output') => Record<string, unknown>,
  problem: Record<string, unknown>,
): Record<string, unknown> {
  const parameters = [
    ...Object.entries(r.params?.shape ?? {}).map(([name, s]) => ({
      name,
      in: 'path',
      required: true,
      schema: schema(s as z.ZodMiniType, 'input'),
    })),
    ...Object.entries(r.query?.shape ?? {}).map(([name, s]) => ({
      name,
      in: 'query',
      required: !(s as z.ZodMiniType).safeParse(undefined).success,
      schema: schema(s as z.ZodMiniType, 'input'),
    })),
  ];
  return {
    summary: r.summary,
    description: `Who may: ${r.who}.`,
    ...(parameters.length ? { parameters } : {}),
    ...(r.body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: schema(r.body, 'input') } },
          },
        }
      : {}),
    responses: {
      [r.created ? '201' : '200']: {
        description: 'Done',
        content: { 'application/json': { schema: schema(r.response, 'output') } },
      },
      '400': problem,
      '401': problem,
      '403': problem,
      '404': problem,
      '409': problem,
      '429': problem,
    },
  };
}
