// `idp help`: the command reference (also printed for usage errors' hint).
export const HELP = `idp — idp-gateway administration (same environment and database as the server)

Usage:
  idp migrate                         apply pending database migrations; prints what was applied
  idp migrate status                  list migrations as applied/pending (exit 1 if any is pending)
  idp seed                            seed the demo directory into an empty database (not in production)
  idp keys list                       signing keys with their state (next, active, retired)
  idp keys rotate                     next → active → retired, and generate a new next key
  idp keys export [dir]               write the published public certificates to dir (default ./certs)
  idp users create <username> [--email <email>] [--name <display name>]
  idp users disable <username>        disable the account and end its sessions
  idp users enable <username>
  idp users set-password <username>   read the password from standard input (prompted without echo
                                      on a terminal; otherwise the first line of the pipe)
  idp aws login [--role-arn <arn>] [--format env|ini|json] [--profile <name>]
                                      sign in on a browser with the device code shown, then print
                                      temporary AWS credentials (AssumeRoleWithWebIdentity)
  idp aws credential-process --role-arn <arn>
                                      the same as JSON for ~/.aws/config's credential_process,
                                      cached until 5 minutes before expiry (refresh token reused)
        aws options: --issuer <url> (default $IDP_ISSUER, $IDP_BASE_URL or http://localhost:4000)
                     --client-id <id> (default idp-cli)  --duration <seconds>  --session-name <name>
                     --sts-endpoint <url> (default <issuer>/sts)  --region <r>  --no-cache
  idp saml import-sp <metadata.xml|-> [--name <name>] [--profile aws|generic] [--sign assertion|response|both]
                      [--encrypt true|false] [--groups g1,g2]
                                      register (or update) a SAML SP from its metadata
  idp sts user create <name> [--account <12 digits>]   an IAM user of the local STS (default: demo account)
  idp sts access-key create <name>    a long-term AKIA… key; the secret is printed once
  idp sts access-key deactivate <access-key-id>
  idp sts mfa create <name> <device>  a virtual TOTP device (SerialNumber arn:aws:iam::<acct>:mfa/<device>)
  idp sts revoke older-sessions <role-arn>   AWS "revoke active sessions" for a role
  idp sts revoke session <access-key-id>     end one temporary session now
  idp upstream add --slug <slug> --name <display name> --issuer <url> --client-id <id>
                   (--client-secret-stdin | --client-secret-file <path>) [--scopes "openid profile email"]
                   [--username-claim <claim>] [--disabled]
                                      an upstream OpenID Connect IdP for "Sign in with <name>";
                                      prints the redirect URI to register there
  idp upstream add --protocol saml --slug <slug> --name <display name>
                   (--metadata <idp-metadata.xml> | --entity-id <id> --sso-url <url> --cert <pem file>)
                   [--username-attribute <attribute Name | NameID>] [--disabled]
                                      an upstream SAML 2.0 IdP (Redirect binding out, POST back);
                                      prints the SP entity ID / metadata URL and ACS URL to register there
  idp upstream update <slug> [--name <display name>] [--issuer <url>] [--client-id <id>]
                   [--client-secret-stdin | --client-secret-file <path>] [--scopes "…"] [--username-claim <claim>]
                   [--metadata <idp-metadata.xml>] [--entity-id <id>] [--sso-url <url>] [--cert <pem file>]
                   [--username-attribute <name>] [--force]
                                      change it in place (rotate a secret, roll a certificate); the links stay.
                                      A new issuer / entity ID while users are linked needs --force (same IdP moved)
  idp upstream list                   upstream IdPs (protocol, issuer or entity ID) with their number of linked users
  idp upstream enable|disable <slug>  show or hide it on the login page (disabled: no sign-in through it)
  idp upstream remove <slug>          remove it and its links (the local users stay)
  idp upstream map-group <slug> --claim <claim> --value <value> --group <local group>
                                      group mapper: users whose ID token claim (OIDC) or attribute (SAML)
                                      holds <value> are in <local group>; the upstream then manages that
                                      group's membership of its users at each sign-in
  idp upstream unmap-group <slug> --claim <claim> --value <value> --group <local group>
  idp upstream groups <slug>          the IdP's group mappers
  idp help

The aws commands need no database: they talk to a running gateway over HTTP. Every other
command's configuration comes from the environment, as for the server: DATABASE_URL (PostgreSQL) or
IDP_DATA_DIR (embedded database, default ./data), IDP_MASTER_KEY, NODE_ENV, ...
Changes are audited with actor "cli". Exit codes: 0 ok, 1 failed, 64 usage, 69 database
unreachable, 78 configuration error.`;
