// The agent's version for lvs_agent_build_info. A constant, because the agent may import only
// protocol/ and npm packages (not package.json); test/unit/metrics-agent.test.ts fails when it
// differs from package.json's version.
export const AGENT_VERSION = "0.1.0";
