// `idp users create | disable | enable | set-password`: audited directory writes as actor "cli".
// Disabling a user or setting a password also ends their web sessions and app grants everywhere,
// as the admin pages do (admin/user-standing.ts).
import { resetPassword, setDisabled } from "../admin/index.ts";
import type { EndedEverywhere } from "../auth/index.ts";
import type { Services } from "../services.ts";
import { expectPositionals, type Parsed, UsageError } from "./args.ts";
import { CLI_ACTOR, CliError, stdio, withServices, type Io } from "./context.ts";
import { readPassword } from "./read-password.ts";

export const USERS_OPTIONS = ["email", "name"] as const;

export async function usersCommand(args: Parsed, io: Io = stdio): Promise<number> {
  const [sub, ...rest] = args.positionals;
  const tail = { ...args, positionals: rest };
  if (sub !== "create" && Object.keys(args.options).length) throw new UsageError(`users ${sub ?? ""} takes no options`.replace(/ +/g, " "));
  switch (sub) {
    case "create": {
      const [username] = expectPositionals(tail, ["username"]);
      return withServices(async ({ directory }) => {
        const user = await directory.createUser({ username: username!, email: args.options.email, displayName: args.options.name }, CLI_ACTOR);
        io.out(`created user ${user.username} (${user.id}); set a password with \`idp users set-password ${user.username}\``);
        return 0;
      }, io);
    }
    case "disable":
    case "enable": {
      const [username] = expectPositionals(tail, ["username"]);
      return withServices(async (s) => {
        const user = await findUser(s, username!);
        const { ended } = await setDisabled(s, user.id, user.version, sub === "disable", CLI_ACTOR);
        io.out(sub === "disable" ? `disabled user ${user.username}; ${endedLine(ended)}` : `enabled user ${user.username}`);
        return 0;
      }, io);
    }
    case "set-password": {
      const [username] = expectPositionals(tail, ["username"]);
      // Read before connecting: a prompt should not wait behind the database.
      const password = await readPassword(`New password for ${username}: `);
      return withServices(async (s) => {
        const user = await findUser(s, username!);
        const ended = await resetPassword(s, user.id, password, CLI_ACTOR);
        io.out(`password set for ${user.username}; ${endedLine(ended)}`);
        return 0;
      }, io);
    }
    default:
      throw new UsageError(sub ? `unknown users command ${JSON.stringify(sub)}` : "missing users command (create, disable, enable, set-password)");
  }
}

const endedLine = (e: EndedEverywhere) => `${e.sessions} session(s) ended, ${e.grants} app grant(s) revoked`;

async function findUser(s: Services, username: string) {
  const user = await s.directory.findUserByUsername(username);
  if (!user) throw new CliError(`no such user: ${username}`);
  return user;
}
