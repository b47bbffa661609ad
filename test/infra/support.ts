import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Code } from 'aws-cdk-lib/aws-lambda';
import type { SesameIdentityProviderProps } from '../../infra/construct/props.ts';
import { createSesameApp } from '../../infra/sesame-app.ts';

/** Stand-in Lambda code so that most tests don't run esbuild (one test bundles for real). */
export function stubCode(): { idp: Code; keygen: Code; rotation: Code } {
  const dir = mkdtempSync(join(tmpdir(), 'sesame-stub-'));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'index.mjs'), 'export const handler = async () => ({ statusCode: 200 });\n');
  return { idp: Code.fromAsset(dir), keygen: Code.fromAsset(dir), rotation: Code.fromAsset(dir) };
}

export interface Synthesized {
  app: App;
  stack(name: 'Sesame' | 'SesameLocal'): Stack;
  template(name: 'Sesame' | 'SesameLocal'): Template;
}

/**
 * Synthesizes the project's app (cdk-nag included) with context and prop overrides; SesameLocal too,
 * unless the context says `'sesame:local': ''`.
 */
export function synthApp(
  options: { context?: Record<string, string>; overrides?: Partial<SesameIdentityProviderProps> } = {},
): Synthesized {
  const outdir = mkdtempSync(join(tmpdir(), 'sesame-cdk-'));
  const context = { 'sesame:local': 'true', ...options.context };
  const app = createSesameApp(new App({ outdir, context }), () => ({
    code: stubCode(),
    ...options.overrides,
  }));
  app.synth();
  const stack = (name: string) => app.node.findChild(name) as Stack;
  return { app, stack, template: (name) => Template.fromStack(stack(name)) };
}
