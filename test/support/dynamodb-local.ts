import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { EmbeddedStore } from '../../functions/adapters/embedded/embedded-store.ts';
import { freePort } from './ports.ts';

const require = createRequire(import.meta.url);

/**
 * AWS's DynamoDB Local (the engine LocalStack runs), shipped as a jar inside the npm package
 * `amplify-dynamodb-simulator`, run in memory with the machine's Java on a free 127.0.0.1 port.
 * It proves the code does not depend on dynalite's quirks. The package's own wrapper is not
 * used: it pulls in the Amplify CLI core and picks ports itself.
 */
export async function startDynamoDbLocal(): Promise<EmbeddedStore> {
  const emulator = join(dirname(require.resolve('amplify-dynamodb-simulator')), 'emulator');
  const port = await freePort();
  const child = spawn(
    'java',
    [
      `-Djava.library.path=${join(emulator, 'DynamoDBLocal_lib')}`,
      '-jar',
      join(emulator, 'DynamoDBLocal.jar'),
      '-inMemory',
      '-port',
      String(port),
    ],
    { cwd: emulator, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntilAnswering(endpoint, child, () => stderr);
  } catch (err) {
    await stop(child);
    throw err;
  }
  return { endpoint, stop: () => stop(child) };
}

/** Asks the OS for a free port, then releases it for Java (a small race, acceptable in tests). */
/** Any HTTP answer (DynamoDB Local replies 400 to a bare POST) means the JVM is serving. */
async function waitUntilAnswering(
  endpoint: string,
  child: ChildProcess,
  stderr: () => string,
): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`DynamoDB Local exited with ${child.exitCode}: ${stderr()}`);
    }
    try {
      await fetch(endpoint, { method: 'POST', signal: AbortSignal.timeout(1000) });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`DynamoDB Local did not answer on ${endpoint} within 30 s: ${stderr()}`);
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
