/**
 * The services a Microsoft 365 tenant reports in `healthOverviews`, with their feature groups and the prefix
 * of their issue ids, as seen in captured Graph responses and the retired Service Communications API.
 */

/** One service of the catalogue. */
export interface CatalogueService {
  /** Graph's service id, odd casing kept (`Exchange`, `microsoftteams`). */
  readonly id: string;
  /** Display name (`Exchange Online`). */
  readonly name: string;
  /** Letters that start this service's issue ids (`EX`). */
  readonly issuePrefix: string;
  /** Feature groups, as Graph's `featureGroup` spells them. */
  readonly featureGroups: readonly string[];
}

function service(id: string, name: string, issuePrefix: string, featureGroups: string[]): CatalogueService {
  return Object.freeze({ id, name, issuePrefix, featureGroups: Object.freeze(featureGroups) });
}

/** Every service the simulator knows, in the order Graph lists them. */
export const SERVICE_CATALOGUE: readonly CatalogueService[] = Object.freeze([
  service('Exchange', 'Exchange Online', 'EX', [
    'Sign-in',
    'E-Mail and calendar access',
    'E-Mail timely delivery',
    'Management and Provisioning',
    'Voice mail',
  ]),
  service('OrgLiveID', 'Microsoft Entra', 'AD', ['Sign-In', 'Administration', 'Other']),
  service('OSDPPlatform', 'Microsoft 365 suite', 'MO', ['Portal', 'Administration', 'Other']),
  service('SharePoint', 'SharePoint Online', 'SP', [
    'Provisioning',
    'SharePoint Features',
    'Tenant Admin',
    'Search and Delve',
    'Custom Solutions and Workflows',
    'Project Online',
    'Office Web Apps',
    'SP Designer',
    'Access Services',
    'InfoPath Online',
  ]),
  service('OneDriveForBusiness', 'OneDrive for Business', 'OD', ['OneDrive for Business', 'Other']),
  service('microsoftteams', 'Microsoft Teams', 'TM', [
    'Teams Components',
    'Audio and Video',
    'Instant Messaging',
    'Online Meetings',
    'Presence',
    'Management and Provisioning',
  ]),
  service('Intune', 'Microsoft Intune', 'IT', ['Device Management', 'Administration', 'Other']),
  service('MobileDeviceManagement', 'Mobile Device Management for Office 365', 'MD', ['Device Management']),
  service('DynamicsCRM', 'Dynamics 365 Apps', 'CR', ['Service', 'Other']),
  service('PowerBIcom', 'Power BI', 'PB', ['Power BI', 'Other']),
  service('Planner', 'Planner', 'PL', ['Planner']),
  service('Forms', 'Microsoft Forms', 'FM', ['Service', 'Form functionality', 'Integration']),
  service('Bookings', 'Microsoft Bookings', 'BK', ['Microsoft Bookings']),
  service('O365Client', 'Microsoft 365 Apps', 'OP', ['Office client applications', 'Other']),
  service('officeonline', 'Office for the web', 'OF', ['Word', 'Excel', 'PowerPoint', 'OneNote', 'Other']),
  service('PowerApps', 'Power Apps', 'PA', ['Power Apps', 'Other']),
  service('MicrosoftFlow', 'Microsoft Power Automate', 'MF', ['Power Automate', 'Other']),
  service('Microsoft365Defender', 'Microsoft Defender XDR', 'DZ', ['Portal', 'Other']),
  service('cloudappsecurity', 'Microsoft Defender for Cloud Apps', 'CS', ['Cloud App Security', 'Other']),
  service('Stream', 'Microsoft Stream', 'ST', ['Playback', 'Live Events', 'Stream website']),
  service('Viva', 'Microsoft Viva', 'VV', ['Viva Connections', 'Viva Engage', 'Other']),
  service('yammer', 'Yammer Enterprise', 'YA', ['Yammer Components', 'Other']),
  service('Lync', 'Skype for Business', 'LY', [
    'Audio and Video',
    'Federation',
    'Management and Provisioning',
    'Sign-In',
    'All Features',
    'Dial-In Conferencing',
    'Online Meetings',
    'Instant Messaging',
    'Presence',
    'Mobility',
  ]),
  service('RMS', 'Azure Information Protection', 'IP', ['Other']),
  service('SwayEnterprise', 'Sway', 'SW', ['Sway']),
  service('PAM', 'Privileged Access', 'PM', ['Other']),
  service('Copilot', 'Microsoft Copilot (Microsoft 365)', 'CP', ['Microsoft 365 Copilot Chat', 'Other']),
]);

const BY_ID = new Map(SERVICE_CATALOGUE.map((s) => [s.id, s]));
const BY_LOWER = new Map(SERVICE_CATALOGUE.map((s) => [s.id.toLowerCase(), s]));

/** The catalogue entry with exactly this id, or undefined. */
export function findCatalogueService(id: string): CatalogueService | undefined {
  return BY_ID.get(id);
}

/** The catalogue entry whose id matches ignoring case: used to suggest the right spelling. */
export function suggestCatalogueService(id: string): CatalogueService | undefined {
  return BY_LOWER.get(id.toLowerCase());
}

/** Ids of the whole catalogue, in order: what `services: default` means. */
export const DEFAULT_SERVICE_IDS: readonly string[] = Object.freeze(SERVICE_CATALOGUE.map((s) => s.id));
