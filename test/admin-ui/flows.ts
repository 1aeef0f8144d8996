// The flow texts the dashboard scenarios edit: the shipped-like flow, the same with an unknown step kind on line 4,
// and the fixed text that publishes.
export const FLOW = `flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - say: "Hi {{contact.name | there}}!"
  - assign: { team: Support }
    queued: "You are number {{queue.position}} in line."
`;

export const BROKEN = FLOW.replace('  - say: "Hi', '  - sya: "Hi');

export const FIXED = FLOW.replace('Hi {{contact.name | there}}!', 'Hello from the dashboard, {{contact.name | there}}!');

export const TEAM = `teams:
  - name: Billing
    strategy: least_open
  - name: Support
    strategy: round_robin
agents:
  - name: Omar
    webchat: agent-omar
    webchat_token: test-token-0123456789abcdef
    teams: [Billing, Support]
    max_open: 3
`;
