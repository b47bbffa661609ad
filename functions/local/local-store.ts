import { mkdirSync } from 'node:fs';
import { connect } from 'node:net';
import { resolve } from 'node:path';
import { startEmbeddedStore } from './embedded-store.ts';

/** Where `npm start` keeps its data (git-ignored) and the port its embedded store listens on. */
export const LOCAL_DIR = resolve(process.cwd(), '.sesame');
export const LOCAL_STORE_PORT = 8766;

function listening(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}

/**
 * The embedded store shared by `npm start` and the admin CLI. LevelDB allows one process at a
 * time, so the server owns it and listens on a fixed loopback port; a CLI run while the server is
 * up talks to that port, and one run while it is down opens the data folder itself.
 */
export async function openLocalStore(options: { port?: number; listen: boolean }): Promise<{
  endpoint: string;
  stop(): Promise<void>;
}> {
  const port = options.port ?? LOCAL_STORE_PORT;
  if (await listening(port)) {
    if (options.listen) throw new Error(`port ${port} is busy: is another "npm start" running?`);
    return { endpoint: `http://127.0.0.1:${port}`, stop: async () => undefined };
  }
  mkdirSync(LOCAL_DIR, { recursive: true });
  return startEmbeddedStore({ path: resolve(LOCAL_DIR, 'data'), port: options.listen ? port : 0 });
}
