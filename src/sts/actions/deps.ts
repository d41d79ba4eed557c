// What the action files share: the directory (roles), trusted providers, the credential store,
// IAM users (MFA devices) and the STS settings. Built once by StsService.
import type { DirectoryService } from "../../directory/index.ts";
import type { CredentialStore } from "../credentials/index.ts";
import type { IamUsers } from "../iam-users.ts";
import type { AcceptedEndpoints, ProviderRegistry } from "../providers/index.ts";

export interface StsDeps {
  directory: DirectoryService;
  providers: ProviderRegistry;
  store: CredentialStore;
  iamUsers: IamUsers;
  saml: AcceptedEndpoints & { replayProtection: boolean };
  now: () => Date;
  disabledRegions: ReadonlySet<string>;
}
