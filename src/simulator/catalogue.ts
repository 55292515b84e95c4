/**
 * The services a Microsoft 365 tenant reports in `healthOverviews`, in the order Graph lists them, as seen in captured
 * Graph responses and the retired Service Communications API: Graph's service id (odd casing kept) | display name |
 * the letters that start its issue ids | its feature groups, as Graph's `featureGroup` spells them.
 */
const TABLE = `
Exchange | Exchange Online | EX | Sign-in; E-Mail and calendar access; E-Mail timely delivery; Management and Provisioning; Voice mail
OrgLiveID | Microsoft Entra | AD | Sign-In; Administration; Other
OSDPPlatform | Microsoft 365 suite | MO | Portal; Administration; Other
SharePoint | SharePoint Online | SP | Provisioning; SharePoint Features; Tenant Admin; Search and Delve; Custom Solutions and Workflows; Project Online; Office Web Apps; SP Designer; Access Services; InfoPath Online
OneDriveForBusiness | OneDrive for Business | OD | OneDrive for Business; Other
microsoftteams | Microsoft Teams | TM | Teams Components; Audio and Video; Instant Messaging; Online Meetings; Presence; Management and Provisioning
Intune | Microsoft Intune | IT | Device Management; Administration; Other
MobileDeviceManagement | Mobile Device Management for Office 365 | MD | Device Management
DynamicsCRM | Dynamics 365 Apps | CR | Service; Other
PowerBIcom | Power BI | PB | Power BI; Other
Planner | Planner | PL | Planner
Forms | Microsoft Forms | FM | Service; Form functionality; Integration
Bookings | Microsoft Bookings | BK | Microsoft Bookings
O365Client | Microsoft 365 Apps | OP | Office client applications; Other
officeonline | Office for the web | OF | Word; Excel; PowerPoint; OneNote; Other
PowerApps | Power Apps | PA | Power Apps; Other
MicrosoftFlow | Microsoft Power Automate | MF | Power Automate; Other
Microsoft365Defender | Microsoft Defender XDR | DZ | Portal; Other
cloudappsecurity | Microsoft Defender for Cloud Apps | CS | Cloud App Security; Other
Stream | Microsoft Stream | ST | Playback; Live Events; Stream website
Viva | Microsoft Viva | VV | Viva Connections; Viva Engage; Other
yammer | Yammer Enterprise | YA | Yammer Components; Other
Lync | Skype for Business | LY | Audio and Video; Federation; Management and Provisioning; Sign-In; All Features; Dial-In Conferencing; Online Meetings; Instant Messaging; Presence; Mobility
RMS | Azure Information Protection | IP | Other
SwayEnterprise | Sway | SW | Sway
PAM | Privileged Access | PM | Other
Copilot | Microsoft Copilot (Microsoft 365) | CP | Microsoft 365 Copilot Chat; Other`;

/** Every service the simulator knows, in the order Graph lists them. */
export const SERVICE_CATALOGUE = Object.freeze(
  TABLE.trim()
    .split('\n')
    .map((line) => {
      const [id, name, issuePrefix, groups] = line.split(' | ');
      return Object.freeze({ id, name, issuePrefix, featureGroups: Object.freeze(groups.split('; ')) });
    }),
);
type CatalogueService = (typeof SERVICE_CATALOGUE)[number];

const BY_ID = new Map(SERVICE_CATALOGUE.map((s) => [s.id, s]));
const BY_LOWER = new Map(SERVICE_CATALOGUE.map((s) => [s.id.toLowerCase(), s]));

export function findCatalogueService(id: string): CatalogueService | undefined {
  return BY_ID.get(id);
}

/** The catalogue entry whose id matches ignoring case: used to suggest the right spelling. */
export function suggestCatalogueService(id: string): CatalogueService | undefined {
  return BY_LOWER.get(id.toLowerCase());
}

/** Ids of the whole catalogue, in order: what `services: default` means. */
export const DEFAULT_SERVICE_IDS: readonly string[] = Object.freeze(SERVICE_CATALOGUE.map((s) => s.id));

/**
 * Graph's `serviceHealthStatus` values a scenario may use, in Graph's order: the weight of an open issue's status on
 * its service (the heaviest open issue gives the service its status; statuses meaning "works" weigh nothing), and
 * whether the status closes an issue (an initial issue in one is resolved unless told otherwise).
 */
const STATUS_TABLE = `
serviceOperational           0
investigating               50
restoringService            80
verifyingService            60
serviceRestored              0  closes
postIncidentReviewPublished  0  closes
serviceDegradation          90
serviceInterruption        100
extendedRecovery            70
falsePositive                0  closes
investigationSuspended      30
resolved                     0  closes
mitigatedExternal           20
mitigated                   20
resolvedExternal             0  closes
confirmed                   45
reported                    40`;

const ROWS = STATUS_TABLE.trim()
  .split('\n')
  .map((line) => line.split(/\s+/));
const SEVERITY = new Map(ROWS.map(([status, weight]) => [status, Number(weight)]));

export const ISSUE_STATUSES: readonly string[] = Object.freeze(ROWS.map(([status]) => status));
export const CLOSING_STATUSES: ReadonlySet<string> = new Set(ROWS.filter((row) => row[2]).map(([status]) => status));
export const CLASSIFICATIONS: readonly string[] = Object.freeze(['advisory', 'incident']);
export const ORIGINS: readonly string[] = Object.freeze(['microsoft', 'thirdParty', 'customer']);

/** Severity of a status for the service roll-up. */
export function statusSeverity(status: string): number {
  return SEVERITY.get(status) ?? 0;
}
