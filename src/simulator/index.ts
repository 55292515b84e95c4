/**
 * The built-in simulator of Microsoft tenants: Entra-shaped login endpoints (OIDC discovery, client-credentials
 * token endpoint) and Microsoft Graph's service communications API on one HTTP origin, driven by a scenario.
 */
export { startSimulator, type Simulator, type SimulatorOptions } from './simulator.ts';
export { runSimulatorFromFile, formatSimulatorBanner, type RunOptions } from './cli.ts';
export { parseScenario, loadScenario, loadDefaultScenario, DEFAULT_SCENARIO_URL } from './scenario-loader.ts';
export { deriveTenantState, deriveServiceStatus } from './derive-state.ts';
export { ScenarioIndex } from './scenario-index.ts';
export { SERVICE_CATALOGUE, DEFAULT_SERVICE_IDS, type CatalogueService } from './catalogue.ts';
export type {
  BodyFault,
  ExpireTokensFault,
  Fault,
  FaultHandle,
  FaultMatch,
  HangFault,
  ResetFault,
  StatusFault,
} from './faults.ts';
export type { OpenIssueInput } from './manual-api.ts';
export type { RecordedRequest } from './request-handler.ts';
export type { AcceptedAssertion } from './client-assertion.ts';
export type {
  IssueFields,
  IssuePatch,
  Scenario,
  ScenarioClient,
  FederatedRegistration,
  ScenarioIssue,
  ScenarioTenant,
  TimelineEntry,
} from './scenario-types.ts';
export type { TenantState, DerivedService, DerivedIssue } from './state-types.ts';
