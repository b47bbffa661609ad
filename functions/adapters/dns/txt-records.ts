import { Resolver } from 'node:dns/promises';
import type { TxtRecords } from '../../domain/ports.ts';

/** Answers that mean "no such record", as opposed to a resolver that failed. */
const ABSENT = new Set(['ENODATA', 'ENOTFOUND', 'NXDOMAIN']);

/**
 * TXT records from the DNS, through Node's resolver (c-ares): the system's servers, or `servers`
 * (`host:port`, for tests). Bounded: 3 s per try, 2 tries. No record is an empty list; a failing
 * resolver is an error (the caller says "try again", never "not proved").
 */
export function dnsTxtRecords(servers?: string[]): TxtRecords {
  const resolver = new Resolver({ timeout: 3000, tries: 2 });
  if (servers?.length) resolver.setServers(servers);
  return {
    async txt(name: string): Promise<string[]> {
      try {
        return (await resolver.resolveTxt(name)).map((chunks) => chunks.join(''));
      } catch (err) {
        if (ABSENT.has((err as { code?: string }).code ?? '')) return [];
        throw err;
      }
    },
  };
}
