// Placeholder FederationExchange until the STS backend is wired in (services.federation): every
// exchange is refused the way AWS refuses when the service is down, so pages show a clear error.
import { StsExchangeError, type AssumedRole, type FederationExchange } from "./exchange.ts";

export class UnavailableExchange implements FederationExchange {
  async assumeRoleWithSAML(): Promise<AssumedRole> {
    throw new StsExchangeError("ServiceUnavailable", "the STS backend is not configured", 503);
  }

  async assumeRoleWithWebIdentity(): Promise<AssumedRole> {
    throw new StsExchangeError("ServiceUnavailable", "the STS backend is not configured", 503);
  }
}
