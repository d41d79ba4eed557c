// `idp upstream …` end to end: real processes on the embedded database and (with TEST_DATABASE_URL)
// on a PostgreSQL server. The client secret comes from stdin or a file, is stored sealed, and every
// change is an audit event with actor "cli".
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { loadConfig } from "../../../src/config.ts";
import { openDatabase, type DatabaseTarget } from "../../../src/db/index.ts";
import { createLogger } from "../../../src/http/index.ts";
import { createServices } from "../../../src/services.ts";
import { testBackends } from "../../helpers/db.ts";
import { testKey } from "../../helpers/saml.ts";
import { cliDatabase, type CliDatabase } from "./cli-database.ts";
import { lines, runIdp } from "./run-idp.ts";

const SECRET = "s3cret-from-the-upstream-console";

for (const backend of testBackends()) {
  describe(`idp upstream (${backend})`, () => {
    let env: Record<string, string>;
    let target: DatabaseTarget;
    let db0: CliDatabase;

    before(async () => {
      db0 = await cliDatabase(backend, { NODE_ENV: "test", IDP_BASE_URL: "https://idp.example.com" }, "idp-upstream-cli-", { migrated: true });
      ({ env, target } = db0);
    });
    after(() => db0.drop());

    it("add (secret on stdin, or from a file), list, disable, remove; audited; the secret stored sealed", async () => {
      const add = await runIdp(["upstream", "add", "--slug", "corp", "--name", "Corp SSO", "--issuer", "https://login.corp.example", "--client-id", "gw", "--client-secret-stdin"], env, { stdin: `${SECRET}\n` });
      assert.equal(add.code, 0, add.stderr);
      assert.match(add.stdout, /register this redirect URI at https:\/\/login\.corp\.example: https:\/\/idp\.example\.com\/login\/upstream\/corp\/callback/);
      const file = path.join(db0.dataDir, "secret.txt");
      await writeFile(file, "other-secret\n");
      const add2 = await runIdp(["upstream", "add", "--slug", "partner", "--name", "Partner", "--issuer", "https://partner.example/oidc", "--client-id", "p", "--client-secret-file", file, "--scopes", "openid email", "--username-claim", "email", "--disabled"], env);
      assert.equal(add2.code, 0, add2.stderr);

      const list = await runIdp(["upstream", "list"], env);
      assert.equal(list.code, 0, list.stderr);
      const rows = lines(list.stdout);
      assert.equal(rows.length, 3);
      assert.match(rows[1]!, /^corp +Corp SSO +oidc +https:\/\/login\.corp\.example +gw +openid profile email +preferred_username +yes +0$/);
      assert.match(rows[2]!, /^partner +Partner +oidc +https:\/\/partner\.example\/oidc +p +openid email +email +no +0$/);
      assert.doesNotMatch(list.stdout, /s3cret|other-secret/);

      assert.equal((await runIdp(["upstream", "disable", "corp"], env)).code, 0);
      const removed = await runIdp(["upstream", "remove", "partner"], env);
      assert.equal(removed.code, 0, removed.stderr);

      const config = loadConfig({ ...env });
      const db = await openDatabase(target);
      const services = await createServices(config, db, createLogger("silent"), { defaultMetrics: false });
      try {
        const row = await db.prisma.upstreamIdp.findUniqueOrThrow({ where: { slug: "corp" } });
        assert.equal(row.enabled, false);
        assert.ok(row.clientSecretEnc && !row.clientSecretEnc.includes(SECRET), "stored sealed");
        assert.equal(await db.prisma.upstreamIdp.count({ where: { slug: "partner" } }), 0);
        await services.upstream.idps.setEnabled("corp", true, "test");
        const corp = await services.upstream.idps.enabled("corp");
        assert.equal(corp?.protocol === "oidc" && corp.clientSecret, SECRET);
        const events = await db.prisma.auditEvent.findMany({ where: { action: { startsWith: "upstream." } }, orderBy: { id: "asc" } });
        assert.deepEqual(events.map((e) => [e.actor, e.action, e.target]), [
          ["cli", "upstream.add", "upstream:corp"],
          ["cli", "upstream.add", "upstream:partner"],
          ["cli", "upstream.disable", "upstream:corp"],
          ["cli", "upstream.remove", "upstream:partner"],
          ["test", "upstream.enable", "upstream:corp"],
        ]);
        assert.doesNotMatch(JSON.stringify(events.map((e) => e.details)), /s3cret|other-secret/);
      } finally {
        await services.close();
        await db.close();
      }
    });

    it("refuses bad input with a one-line message and writes nothing", async () => {
      const base = ["upstream", "add", "--slug", "x", "--name", "X", "--issuer", "https://x.example", "--client-id", "c"];
      const none = await runIdp(base, env);
      assert.equal(none.code, 64, "no secret source");
      const both = await runIdp([...base, "--client-secret-stdin", "--client-secret-file", "/nonexistent"], env, { stdin: "s\n" });
      assert.equal(both.code, 64, "two secret sources");
      assert.equal((await runIdp(["upstream", "add", "--slug", "x", "--client-secret", "s"], env)).code, 64, "a secret on argv is refused");
      const http = await runIdp(["upstream", "add", "--slug", "x", "--name", "X", "--issuer", "http://x.example", "--client-id", "c", "--client-secret-stdin"], env, { stdin: "s\n" });
      assert.equal(http.code, 1);
      assert.match(http.stderr, /issuer: The issuer must be https/);
      const dup = await runIdp(["upstream", "add", "--slug", "corp", "--name", "X", "--issuer", "https://x.example", "--client-id", "c", "--client-secret-stdin"], env, { stdin: "s\n" });
      assert.equal(dup.code, 1);
      assert.match(dup.stderr, /already exists/);
      assert.equal((await runIdp(["upstream", "remove", "nope"], env)).code, 1);
      const list = await runIdp(["upstream", "list"], env);
      assert.equal(lines(list.stdout).length, 2, "still only corp");
    });

    // after the OIDC cases, which count the rows of the list
    it("add --protocol saml from IdP metadata or from entity ID, SSO URL and a PEM file; list shows the protocol; neither given is a usage error", async () => {
      const key = await testKey("idp.partner.example");
      const body = key.certificatePem.replace(/-----[^-]+-----|\s+/g, "");
      const metadata = path.join(db0.dataDir, "idp-metadata.xml");
      await writeFile(
        metadata,
        `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="https://idp.partner.example/saml"><md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">` +
          `<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${body}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>` +
          `<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.partner.example/sso"/></md:IDPSSODescriptor></md:EntityDescriptor>`,
      );
      const add = await runIdp(["upstream", "add", "--protocol", "saml", "--slug", "partner-saml", "--name", "Partner SAML", "--metadata", metadata], env);
      assert.equal(add.code, 0, add.stderr);
      assert.match(add.stdout, /entity ID and metadata https:\/\/idp\.example\.com\/login\/upstream\/partner-saml\/metadata, ACS \(HTTP-POST\) https:\/\/idp\.example\.com\/login\/upstream\/partner-saml\/acs/);
      const pem = path.join(db0.dataDir, "idp.pem");
      await writeFile(pem, key.certificatePem);
      const explicit = ["upstream", "add", "--protocol", "saml", "--slug", "other-saml", "--name", "Other", "--entity-id", "urn:other:idp", "--sso-url", "https://other.example/sso", "--cert", pem, "--username-attribute", "uid"];
      const none = await runIdp(["upstream", "add", "--protocol", "saml", "--slug", "x", "--name", "X"], env);
      assert.equal(none.code, 64, "neither metadata nor entity ID, SSO URL and certificate");
      assert.match(none.stderr, /--metadata <file>, or --entity-id, --sso-url and --cert/);
      const ok = await runIdp(explicit, env);
      assert.equal(ok.code, 0, ok.stderr);

      const list = await runIdp(["upstream", "list"], env);
      assert.match(list.stdout, /^other-saml +Other +saml +urn:other:idp +- +- +uid +yes +0$/m);
      assert.match(list.stdout, /^partner-saml +Partner SAML +saml +https:\/\/idp\.partner\.example\/saml +- +- +NameID +yes +0$/m);
    });

    it("update rotates the client secret (from a file) in place, audited without it; a bad value changes nothing", async () => {
      const file = path.join(db0.dataDir, "rotated.txt");
      await writeFile(file, "rotated-secret-7e\n");
      const ok = await runIdp(["upstream", "update", "corp", "--client-secret-file", file, "--scopes", "openid email"], env);
      assert.equal(ok.code, 0, ok.stderr);
      assert.match(ok.stdout, /upstream IdP corp \(Corp SSO\) updated; its 0 links kept/);
      const bad = await runIdp(["upstream", "update", "corp", "--issuer", "http://x.example", "--name", "Never"], env);
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /issuer: The issuer must be https/);
      const db = await openDatabase(target);
      const services = await createServices(loadConfig({ ...env }), db, createLogger("silent"), { defaultMetrics: false });
      try {
        const corp = await services.upstream.idps.enabled("corp");
        assert.equal(corp?.protocol === "oidc" && corp.clientSecret, "rotated-secret-7e");
        assert.deepEqual([corp?.displayName, corp?.scopes], ["Corp SSO", ["openid", "email"]]);
        const [ev] = await db.prisma.auditEvent.findMany({ where: { action: "upstream.update" } });
        assert.deepEqual([ev?.actor, ev?.target, ev?.details], ["cli", "upstream:corp", { changed: ["clientSecret", "scopes"], scopes: ["openid", "email"] }]);
      } finally {
        await services.close();
        await db.close();
      }
    });
  });
}
