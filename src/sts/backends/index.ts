export { LocalFederationExchange } from "./local.ts";
export { AwsFederationExchange } from "./aws.ts";
