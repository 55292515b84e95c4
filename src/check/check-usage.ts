/** Help of `m365-health check` and `m365-health list-services`. */
export const CHECK_USAGE = `m365-health check: one Nagios/Centreon check of a Microsoft 365 tenant's service health
(a drop-in for cloud::microsoft::office365::management::plugin --mode=service-status and --mode=app-credentials)

Usage:
  m365-health check --tenant=ID --client-id=ID (--client-secret=SECRET | --certificate=FILE | --federated-token-file=FILE) [options]
  m365-health list-services --tenant=ID --client-id=ID --client-secret=SECRET [--filter-name=REGEX] [--json]
  m365-health check --mode=app-credentials --tenant=ID --client-id=ID --client-secret=SECRET [options]

Options are read as the plugin reads them: --name=value or --name value (an empty --name= also takes the next
argument unless it starts with --), flags may be given a value (0 leaves them off), and the last of a repeated option
wins. Exit status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.

Connection:
  --tenant=ID                  tenant GUID or domain; any other name is passed on, with a warning on stderr
  --client-id=ID               application (client) id
  --client-secret=SECRET       the client secret's value (not its id)
  --certificate=FILE           instead of a secret: PEM (certificate and private key) or PKCS#12 (.pfx)
  --certificate-password=PW    password of the PEM key or of the .pfx
  --federated-token-file=FILE  instead of a secret: a token from a federated identity provider (workload identity)
  --cloud=CLOUD                global (default, also GCC), usgov (GCC High), usgovdod (DoD) or china
  --login-endpoint=URL         default: the cloud's (https://login.microsoftonline.com)
  --graph-endpoint=URL         default: the cloud's (https://graph.microsoft.com)
  --proxyurl=URL               HTTP proxy, e.g. http://user:password@proxy:3128 (default: HTTPS_PROXY, HTTP_PROXY,
                               except NO_PROXY); TLS is always verified, NODE_EXTRA_CA_CERTS adds CAs
  Left out, --tenant, --client-id and the credential come from AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET,
  AZURE_CLIENT_CERTIFICATE_PATH (+ AZURE_CLIENT_CERTIFICATE_PASSWORD) or AZURE_FEDERATED_TOKEN_FILE, and the login
  endpoint from AZURE_AUTHORITY_HOST.
  --timeout=SECONDS            bound on the whole run, throttling retries included (default 10, at most 3600)
  --statefile-dir=DIR          token cache directory, created if missing (default /var/lib/centreon/centplugins
                               when writable, else $XDG_CACHE_HOME/m365-health or ~/.cache/m365-health)

Selection:
  --include-service-name=REGEX (alias --filter-service-name) services to check, by name
  --exclude-service-name=REGEX services to leave out
  --include-classification=REGEX, --exclude-classification=REGEX
                               issues to consider (advisory, incident); a service whose open issues are
                               all left out is not reported
  --exclude-resolved=0|1       leave resolved issues out (default 1)
  --filter-feature-name=REGEX  features to show (--custommode=managementapi)

Thresholds (first match wins: critical, then warning, then unknown):
  --critical-status=EXPR       default '%{status} !~ /serviceOperational|serviceRestored/i'
                               ('%{status} !~ /Normal|Service Restored/i' with --custommode=managementapi)
  --warning-status=EXPR        default '' (never)
  --unknown-status=EXPR        default '' (never)
  Variables: %{status} %{service_name} %{service_id} %{classification} %{issue_title}
  %{issue_startDateTime} %{issue_id} %{issue_status} %{issue_resolved} %{feature_name} %{feature_group}
  Operators: =~ !~ eq ne == != < > <= >= && || and or not !, parentheses, /regex/i, 'strings', numbers.

App credentials (--mode=app-credentials: when the secrets and certificates of the tenant's app registrations end;
the app needs Application.Read.All):
  --filter-app-name=REGEX      applications to check, by display name
  --unit=s|m|h|d|w             unit of the expiry thresholds and perfdata (default s; anything else is s)
  --warning-password-expires=RANGE, --critical-password-expires=RANGE, --unknown-password-expires=RANGE
  --warning-key-expires=RANGE, --critical-key-expires=RANGE, --unknown-key-expires=RANGE
                               Nagios ranges on the time left in --unit, e.g. @0:30 with --unit=d; also under the
                               plugin's names: --warning-subinstance-application-password-expires,
                               --critical-subinstance-application-password-expires,
                               --unknown-subinstance-application-password-expires,
                               --warning-subinstance-application-key-expires,
                               --critical-subinstance-application-key-expires,
                               --unknown-subinstance-application-key-expires
  --critical-password-status=EXPR, --critical-key-status=EXPR
                               default '%{status} =~ /expired/i'
  --warning-password-status=EXPR, --warning-key-status=EXPR, --unknown-password-status=EXPR,
  --unknown-key-status=EXPR    default '' (never)
  Variables: %{status} (expired, valid) %{id} (key id) %{app_name}

Output:
  --verbose                    one more line per entry
  --perfdata                   append counts of entries per state after ' | '
  --debug                      print each HTTP exchange on stderr, credentials redacted
  --json                       list-services as JSON
  -h, --help                   this help

Centreon compatibility:
  --plugin=cloud::microsoft::office365::management::plugin --mode=service-status|list-services|app-credentials
  --custommode=graphapi        Graph statuses (serviceOperational, ...), one entry per open issue (default)
  --custommode=managementapi   the retired Management API's language: display statuses (Normal service, ...),
                               a service and its features
  --http-backend=..., --use-new-perfdata
                               accepted and ignored
  Tokens come from {login-endpoint}/{tenant}/oauth2/v2.0/token, as the plugin asks them: a login endpoint serving
  only that path is enough, and its JSON is read whatever its content type says.
  Refused where the plugin goes on, to protect the credential or the result:
  --insecure, --ssl-opt, --curl-opt
                               TLS is always verified (add a CA with NODE_EXTRA_CA_CERTS)
  a --tenant with /, ?, #, spaces or a . or .. segment, an endpoint with ? or #
                               the credential would be sent to another URL than the token endpoint
  arguments after --           the plugin ignores them; here they are an error rather than lost
  other options of the plugin's framework (--opt-exit, --change-exit, --filter-perfdata, ...)
                               not implemented, so refused as unknown rather than ignored: they change the
                               output or the status
`;
