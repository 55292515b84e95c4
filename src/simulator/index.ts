/**
 * The built-in simulator of Microsoft tenants: Entra-shaped login endpoints (OIDC discovery, client-credentials
 * token endpoint) and Microsoft Graph's service communications API on one HTTP origin, driven by a scenario.
 */
export { startSimulator, type Simulator, type SimulatorOptions } from './simulator.ts';
export { runSimulatorFromFile, formatSimulatorBanner } from './cli.ts';
export { parseScenario, loadScenario, loadDefaultScenario, DEFAULT_SCENARIO_URL } from './scenario-loader.ts';
export { SERVICE_CATALOGUE, DEFAULT_SERVICE_IDS } from './catalogue.ts';
export type { Fault } from './faults.ts';
export type { Scenario, ScenarioTenant } from './scenario-schema.ts';
export { ScenarioPlay } from './timeline.ts';
