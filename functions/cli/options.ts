import type { ParseArgsConfig } from 'node:util';
import type { Config } from '../config/config.ts';
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
