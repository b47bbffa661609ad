import { createSocket } from 'node:dgram';
import dnsPacket from 'dns-packet';

export interface DnsServer {
  /** `127.0.0.1:<port>`, for a resolver's servers. */
  address: string;
  /** The TXT records each name answers with (anything else: NXDOMAIN). */
  txt: Map<string, string[]>;
  /** Answer every query with SERVFAIL (a resolver that is down). */
  failing: boolean;
  close(): Promise<void>;
}

/**
 * A real DNS server over UDP on 127.0.0.1 (packets encoded by dns-packet), so Sesame's resolver is
 * exercised end to end: the same node:dns code that asks the system's servers on AWS.
 */
export async function startDnsServer(): Promise<DnsServer> {
  const socket = createSocket('udp4');
  const server: DnsServer = {
    address: '',
    txt: new Map(),
    failing: false,
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
  socket.on('message', (message, remote) => {
    const query = dnsPacket.decode(message);
    const question = query.questions?.[0];
    const records = question?.type === 'TXT' ? server.txt.get(question.name.toLowerCase()) : undefined;
    // The response code lives in the flags' low four bits: NOERROR 0, SERVFAIL 2, NXDOMAIN 3.
    const rcode = server.failing ? 2 : records ? 0 : 3;
    const answer = dnsPacket.encode({
      type: 'response',
      id: query.id,
      flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE | rcode,
      questions: query.questions,
      answers: server.failing
        ? []
        : (records ?? []).map((data) => ({ type: 'TXT', name: question?.name ?? '', ttl: 60, data })),
    } as dnsPacket.Packet);
    socket.send(answer, remote.port, remote.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  server.address = `127.0.0.1:${socket.address().port}`;
  return server;
}
