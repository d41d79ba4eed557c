#!/usr/bin/env node
// The `idp` command: registers tsx (TypeScript runs directly, as in `npm start`) and hands over
// to src/cli/index.ts. Same environment, configuration and database as the server.
import { register } from "tsx/esm/api";

register();
const { runCli } = await import("../src/cli/index.ts");
process.exit(await runCli(process.argv.slice(2)));
