import { describe } from 'node:test';
import { accountRules } from '../support/account-rules.ts';
import { memoryPorts } from '../support/memory-ports.ts';

describe('account rules on in-memory ports', () => {
  accountRules(memoryPorts);
});
