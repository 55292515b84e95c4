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

/**
 * The services a Microsoft 365 tenant reports in `healthOverviews`, in the order Graph lists them, as seen in captured
 * Graph responses and the retired Service Communications API: id | display name | issue id prefix | feature groups.
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
export const SERVICE_CATALOGUE: readonly CatalogueService[] = Object.freeze(
  TABLE.trim()
    .split('\n')
    .map((line) => {
      const [id, name, issuePrefix, groups] = line.split(' | ');
      return Object.freeze({ id, name, issuePrefix, featureGroups: Object.freeze(groups.split('; ')) });
    }),
);

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
