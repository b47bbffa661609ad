import { describe } from 'node:test';
import { memoryPorts } from '../support/memory-ports.ts';
import { accountRules } from './account-rules.ts';

describe('account rules on in-memory ports', () => {
  accountRules(memoryPorts);
});
