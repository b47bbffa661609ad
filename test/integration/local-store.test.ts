import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openLocalStore } from '../../functions/adapters/embedded/local-store.ts';

describe('the local store of npm start and the admin CLI', () => {
  const dirs: string[] = [];
  const stops: Array<() => Promise<void>> = [];
  const dir = () => {
    const d = mkdtempSync(join(tmpdir(), 'sesame-store-'));
    dirs.push(d);
    return d;
  };
  after(async () => {
    for (const stop of stops) await stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('lets two checkouts run side by side, each CLI reaching its own store', async () => {
    const a = dir();
    const b = dir();
    const serverA = await openLocalStore({ dir: a, listen: true });
    stops.push(serverA.stop);
    const serverB = await openLocalStore({ dir: b, listen: true });
    stops.push(serverB.stop);
    assert.notEqual(serverA.endpoint, serverB.endpoint);
    assert.equal((await openLocalStore({ dir: a, listen: false })).endpoint, serverA.endpoint);
    assert.equal((await openLocalStore({ dir: b, listen: false })).endpoint, serverB.endpoint);
    await assert.rejects(openLocalStore({ dir: a, listen: true }), /already using/);
  });

  it('refuses to talk to a store whose data folder is not its own', async () => {
    const a = dir();
    const server = await openLocalStore({ dir: a, listen: true });
    stops.push(server.stop);
    const c = dir();
    const port = Number(new URL(server.endpoint).port);
    writeFileSync(join(c, 'store.json'), JSON.stringify({ port, token: 'not-the-token' }));
    await assert.rejects(openLocalStore({ dir: c, listen: false }), { name: 'ForeignStore' });
  });
});
