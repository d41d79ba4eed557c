// Which attribute encoder an SP gets: its `profile` column picks it.
import type { FederatedIdentity } from "../claims/index.ts";
import type { SpProfile } from "../directory/index.ts";
import { encodeAwsAttributes, type SamlAttribute } from "./aws-profile.ts";
import { encodeGenericAttributes } from "./generic-profile.ts";

export function encodeAttributes(profile: SpProfile, identity: FederatedIdentity): SamlAttribute[] {
  return profile === "aws" ? encodeAwsAttributes(identity) : encodeGenericAttributes(identity);
}
