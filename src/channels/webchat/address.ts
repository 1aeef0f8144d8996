// How team.yaml names an agent in the web chat: the session that is theirs, opened only with their webchat_token.
import type { AddressKey } from '../../handover/team.ts';
import { SESSION_PATTERN } from './session.ts';

/** `webchat: agent-omar` in team.yaml. */
export const webchatAddress: AddressKey = {
  key: 'webchat',
  channels: ['webchat'],
  hint: 'the name of the agent\'s web chat session (1-64 letters, digits, - or _), e.g. webchat: agent-omar; they sign in to it at /agent with their webchat_token',
  example: (agentId) => `webchat: agent-${agentId || 'name'}`,
  normalize: (value) => (SESSION_PATTERN.test(value.trim()) ? value.trim() : undefined),
  secret: {
    channel: 'webchat',
    hint: 'a long random secret the agent signs in with at /agent (e.g. from `openssl rand -hex 24`), or env:NAME to read it from the environment variable NAME',
  },
};
