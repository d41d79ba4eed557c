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
  idp sts user create <name> [--account <12 digits>]   an IAM user of the local STS (default: demo account)
  idp sts access-key create <name>    a long-term AKIA… key; the secret is printed once
  idp sts access-key deactivate <access-key-id>
  idp sts mfa create <name> <device>  a virtual TOTP device (SerialNumber arn:aws:iam::<acct>:mfa/<device>)
  idp sts revoke older-sessions <role-arn>   AWS "revoke active sessions" for a role
  idp sts revoke session <access-key-id>     end one temporary session now
  idp help

Configuration comes from the environment, as for the server: DATABASE_URL (PostgreSQL) or
IDP_DATA_DIR (embedded database, default ./data), IDP_MASTER_KEY, NODE_ENV, ...
Changes are audited with actor "cli". Exit codes: 0 ok, 1 failed, 64 usage, 69 database
unreachable, 78 configuration error.`;
