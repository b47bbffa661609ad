import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

/**
 * A CPU profile of one window of a bench server's life (the same .cpuprofile that `--cpu-prof`
 * writes, but without the start-up and TypeScript compilation around it): 'profile-start' and
 * 'profile-stop:<file>' arrive over IPC.
 */
let session: Session | undefined;

export async function onProfileMessage(msg: string): Promise<boolean> {
  if (msg === 'profile-start') {
    session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 200 });
    await session.post('Profiler.start');
    return true;
  }
  if (msg.startsWith('profile-stop:') && session) {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(msg.slice('profile-stop:'.length), JSON.stringify(profile));
    session.disconnect();
    session = undefined;
    return true;
  }
  return false;
}
