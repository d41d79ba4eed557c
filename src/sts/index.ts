// The AWS-compatible STS: wire protocol, actions, IAM policy engine, credentials, providers, backends.
export { StsService, type StsServiceOptions } from "./service.ts";
export type { FederationExchange, AssumedRole, TemporaryCredentials, AssumeRoleWithSamlInput, AssumeRoleWithWebIdentityInput } from "./exchange.ts";
export { StsExchangeError } from "./exchange.ts";
export { nameQualifier } from "./actions/index.ts";
