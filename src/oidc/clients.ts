// Clients come from the directory (admin-managed OidcClient rows), never from the adapter table.
// The directory snapshot is already in memory; the decrypted metadata is cached per client
// version, so a token request costs no query and no AES for the client lookup.
import type { DirectoryService, OidcClientRecord } from "../directory/index.ts";
import type { CryptoBox } from "../keys/index.ts";
import { openClientSecret } from "./client-secrets.ts";

export type ClientMetadata = Record<string, unknown> & { client_id: string };

export class ClientSource {
  readonly #cache = new Map<string, { record: OidcClientRecord; metadata: ClientMetadata | undefined }>();

  constructor(private readonly directory: DirectoryService, private readonly box: CryptoBox) {}

  /** The directory record (first-party flag, access groups), or undefined. */
  async record(clientId: string): Promise<OidcClientRecord | undefined> {
    return (await this.directory.snapshot()).clientByClientId.get(clientId);
  }

  /** oidc-provider client metadata, or undefined for an unknown client or an unreadable secret. */
  async metadata(clientId: string): Promise<ClientMetadata | undefined> {
    const record = await this.record(clientId);
    if (!record) return undefined;
    const hit = this.#cache.get(clientId);
    // records are frozen and replaced on every change: identity means "same version"
    if (hit?.record === record) return hit.metadata;
    const metadata = this.#build(record);
    this.#cache.set(clientId, { record, metadata });
    return metadata;
  }

  #build(record: OidcClientRecord): ClientMetadata | undefined {
    // the admin-given name is what consent, device and logout pages show
    const metadata: ClientMetadata = { client_name: record.name, ...structuredClone(record.metadata as Record<string, unknown>), client_id: record.clientId };
    if (record.secretEnc) {
      try {
        metadata.client_secret = openClientSecret(this.box, record.clientId, record.secretEnc);
      } catch {
        return undefined; // a secret sealed under another master key: the client cannot authenticate
      }
    }
    return metadata;
  }
}
