import { readFileSync } from 'node:fs';
import type { ParseArgsConfig } from 'node:util';
import type { Config } from '../config/config.ts';
import { appLogo, LOGO_MAX_BYTES } from '../domain/branding.ts';
import type { DynamoParts } from '../idp/parts.ts';

/** What every CLI command is made of, and the option readers they share. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export type Options = NonNullable<ParseArgsConfig['options']>;
export type Values = Record<string, unknown>;

export interface Command {
  noun: string;
  verb: string;
  summary: string;
  options: Options;
  run(parts: DynamoParts, config: Config, values: Values): Promise<unknown>;
}

export function str(values: Values, name: string): string {
  const v = values[name];
  if (typeof v !== 'string' || v === '') throw new UsageError(`--${name} is required`);
  return v;
}

/** `true` / `false` for options that switch a setting (parseArgs strings). */
export function flag(values: Values, name: string): boolean {
  const v = values[name];
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new UsageError(`--${name} must be true or false`);
}

export function list(values: Values, name: string): string[] {
  const v = values[name];
  return Array.isArray(v) ? v.map(String) : [];
}

/** A comma-separated option (`--roles a,b`), given once or, where the option allows, repeated. */
export function csv(values: Values, name: string): string[] {
  const v = values[name];
  const given = Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : [];
  return given
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter(Boolean);
}

/** An image file as the data: URL the domain checks (its type is read from its bytes, not its name). */
export function logoFile(path: string): string {
  let image: Buffer;
  try {
    image = readFileSync(path);
  } catch {
    throw new UsageError(`cannot read the logo file ${path}`);
  }
  if (image.length > LOGO_MAX_BYTES) throw new UsageError(`the logo is over ${LOGO_MAX_BYTES / 1024} KiB`);
  return appLogo(image);
}
