// KeyService against each database backend: first boot, restart, encryption at rest, signing and
// publication, rotation with overlap, retirement TTL and pruning, and (on PostgreSQL) instances
// racing at first boot and learning about each other's rotations through NOTIFY.
import { after, before, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createPublicKey, randomBytes, sign, verify, X509Certificate } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { AuditLog } from "../../../src/audit/index.ts";
import type { Database } from "../../../src/db/index.ts";
import { Unavailable } from "../../../src/errors.ts";
import { CryptoBox, KeyDecryptError, KeyService, type KeyServiceOptions, type PublicJwk } from "../../../src/keys/index.ts";
import { createTestDatabase, testBackends, type TestDatabase } from "../../helpers/db.ts";

const TTL = 3600;

function keyService(db: Database, box: CryptoBox, extra: Partial<KeyServiceOptions> = {}): KeyService {
  return new KeyService({ prisma: db.prisma, box, audit: new AuditLog(db.prisma), baseUrl: "https://idp.example.test", retiredTtlSeconds: TTL, listen: db.listen, ...extra });
}


function signJwt(svc: KeyService, claims: Record<string, unknown>): string {
  const key = svc.activeKey();
  const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
  const input = `${enc({ alg: "RS256", typ: "JWT", kid: key.kid })}.${enc(claims)}`;
  return `${input}.${sign("sha256", Buffer.from(input), key.privateKey).toString("base64url")}`;
}

/** Verify the way a relying party does: pick the JWK by kid from the JWKS document it fetched. */
function verifyJwt(jwt: string, jwksJson: string): boolean {
  const [h, p, s] = jwt.split(".") as [string, string, string];
  const header = JSON.parse(Buffer.from(h, "base64url").toString()) as { alg: string; kid: string };
  const jwk = (JSON.parse(jwksJson) as { keys: PublicJwk[] }).keys.find((k) => k.kid === header.kid);
  if (!jwk || header.alg !== "RS256" || jwk.alg !== "RS256") return false;
  const publicKey = createPublicKey({ key: { kty: jwk.kty, n: jwk.n, e: jwk.e }, format: "jwk" });
  return verify("sha256", Buffer.from(`${h}.${p}`), publicKey, Buffer.from(s, "base64url"));
}

async function eventually(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for: ${what}`);
    await sleep(20);
  }
}

for (const backend of testBackends()) {
  describe(`KeyService (${backend})`, () => {
    // One database per backend (creating one costs seconds); every test starts without keys.
    // Audit events are append-only, so each test reads only the events written after it began.
    let t: TestDatabase;
    let mark = 0n;
    before(async () => (t = await createTestDatabase(backend)));
    after(() => t.drop());
    beforeEach(async () => {
      await t.db.prisma.signingKey.deleteMany();
      mark = (await t.db.prisma.auditEvent.aggregate({ _max: { id: true } }))._max.id ?? 0n;
    });
    const auditEvents = async (action: string) => (await new AuditLog(t.db.prisma).query({ action })).filter((e) => BigInt(e.id) > mark);
    const withDb = async (fn: (db: Database, open: () => Promise<Database>) => Promise<void>) => fn(t.db, () => t.openAnother());

    test("activeKey() before init() is Unavailable, not a crash", () => {
      const svc = new KeyService({ prisma: {} as never, box: new CryptoBox(randomBytes(32)), audit: {} as never, baseUrl: "https://x.test", retiredTtlSeconds: TTL });
      assert.throws(() => svc.activeKey(), Unavailable);
      assert.throws(() => svc.jwks(), Unavailable);
    });

    test("first boot creates one active and one next key, audited once", () =>
      withDb(async (db) => {
        const svc = keyService(db, new CryptoBox(randomBytes(32)));
        await svc.init();
        const rows = await db.prisma.signingKey.findMany();
        assert.deepEqual(rows.map((r) => r.state).sort(), ["active", "next"]);
        assert.equal(svc.activeKey().kid, rows.find((r) => r.state === "active")!.kid);
        assert.equal(svc.activeKey().alg, "RS256");
        assert.deepEqual(svc.publishedKeys().map((k) => k.state), ["active", "next"]);
        const events = await auditEvents("keys.generate");
        assert.equal(events.length, 1);
        assert.equal(events[0]!.target, svc.activeKey().kid);
        await svc.init(); // idempotent: nothing more is created
        assert.equal(await db.prisma.signingKey.count(), 2);
        await svc.close();
      }));

    test("keys survive a restart: a new service decrypts the same active key", () =>
      withDb(async (db) => {
        const box = new CryptoBox(randomBytes(32));
        const first = keyService(db, box);
        await first.init();
        const jwt = signJwt(first, { sub: "alice" });
        await first.close();
        const second = keyService(db, box);
        await second.init();
        assert.equal(second.activeKey().kid, first.activeKey().kid);
        assert.deepEqual(second.activeKey().privateKey.export({ format: "jwk" }), first.activeKey().privateKey.export({ format: "jwk" }));
        assert.ok(verifyJwt(jwt, JSON.stringify(second.jwks())));
        assert.equal(await db.prisma.signingKey.count(), 2);
        await second.close();
      }));

    test("private keys are sealed at rest, bound to their row, and never in the public columns", () =>
      withDb(async (db) => {
        const box = new CryptoBox(randomBytes(32));
        const svc = keyService(db, box);
        await svc.init();
        const der = svc.activeKey().privateKey.export({ format: "der", type: "pkcs8" });
        const rows = await db.prisma.signingKey.findMany();
        const active = rows.find((r) => r.state === "active")!;
        assert.ok(!active.privateKeyEnc.includes("BEGIN"));
        for (const encoding of ["base64", "base64url", "hex"] as const) {
          // any 24-character run of the encoded DER would betray it
          const probe = der.toString(encoding).slice(100, 124);
          for (const column of [active.privateKeyEnc, JSON.stringify(active.publicJwk), active.certificatePem]) assert.ok(!column.includes(probe), encoding);
        }
        assert.match(active.privateKeyEnc, /^v1\./);
        assert.deepEqual(box.open(active.privateKeyEnc, `signing-key:${active.kid}`), der);
        assert.equal((active.publicJwk as Record<string, unknown>).d, undefined);
        for (const k of svc.jwks().keys) for (const p of ["d", "p", "q", "dp", "dq", "qi"]) assert.ok(!(p in k), p);
        await svc.close();
      }));

    test("a wrong master key fails with a clear message naming the key", () =>
      withDb(async (db) => {
        const svc = keyService(db, new CryptoBox(randomBytes(32)));
        await svc.init();
        await svc.close();
        const wrong = keyService(db, new CryptoBox(randomBytes(32)));
        await assert.rejects(wrong.init(), (err: unknown) => {
          assert.ok(err instanceof KeyDecryptError);
          assert.match(err.message, new RegExp(`cannot decrypt signing key ${svc.activeKey().kid}: wrong IDP_MASTER_KEY\\?`));
          assert.ok(!String(err.stack).includes("BEGIN"));
          return true;
        });
        await wrong.close();
      }));

    test("a private key copied from another row does not decrypt (AAD binds it to its kid)", () =>
      withDb(async (db) => {
        const box = new CryptoBox(randomBytes(32));
        const svc = keyService(db, box);
        await svc.init();
        const next = svc.publishedKeys().find((k) => k.state === "next")!;
        const nextRow = await db.prisma.signingKey.findUniqueOrThrow({ where: { kid: next.kid } });
        await db.prisma.signingKey.update({ where: { kid: svc.activeKey().kid }, data: { privateKeyEnc: nextRow.privateKeyEnc } });
        const other = keyService(db, box);
        await assert.rejects(other.init(), KeyDecryptError);
        await other.close();
        await svc.close();
      }));

    test("a JWT signed with activeKey() verifies with the published JWKS; the certificate holds the same key", () =>
      withDb(async (db) => {
        const svc = keyService(db, new CryptoBox(randomBytes(32)));
        await svc.init();
        const jwks = svc.jwks();
        const jwt = signJwt(svc, { sub: "alice", aud: "mobile-app" });
        assert.ok(verifyJwt(jwt, JSON.stringify(jwks)));
        assert.ok(!verifyJwt(`${jwt.slice(0, -4)}AAAA`, JSON.stringify(jwks)), "a forged signature fails");
        for (const jwk of jwks.keys) {
          assert.equal(jwk.use, "sig");
          assert.equal(jwk.alg, "RS256");
          const published = svc.publishedKeys().find((k) => k.kid === jwk.kid)!;
          const cert = new X509Certificate(published.certificatePem);
          assert.equal(cert.subject, "CN=idp.example.test");
          assert.ok(cert.verify(cert.publicKey));
          assert.deepEqual(cert.publicKey.export({ format: "jwk" }), { kty: "RSA", n: jwk.n, e: jwk.e });
          assert.equal(jwk.x5c[0], published.certificateBase64);
        }
        // the same key signs XML-DSig (RSA-SHA256) and the SAML metadata certificate verifies it
        const data = Buffer.from("<ds:SignedInfo/>");
        const active = svc.publishedKeys().find((k) => k.kid === svc.activeKey().kid)!;
        assert.ok(verify("sha256", data, new X509Certificate(active.certificatePem).publicKey, sign("sha256", data, svc.activeKey().privateKey)));
        await svc.close();
      }));

    test("rotate(): next becomes active, the old active stays published as retired, a fresh next appears", () =>
      withDb(async (db) => {
        const svc = keyService(db, new CryptoBox(randomBytes(32)));
        await svc.init();
        const before = svc.activeKey().kid;
        const upcoming = svc.publishedKeys().find((k) => k.state === "next")!.kid;
        const oldJwt = signJwt(svc, { sub: "before-rotation" });

        const result = await svc.rotate("admin");
        assert.deepEqual({ active: result.active, retired: result.retired }, { active: upcoming, retired: [before] });
        assert.equal(svc.activeKey().kid, upcoming);
        assert.deepEqual(svc.publishedKeys().map((k) => [k.kid, k.state]), [[upcoming, "active"], [result.next, "next"], [before, "retired"]]);
        const jwks = JSON.stringify(svc.jwks());
        assert.ok(verifyJwt(oldJwt, jwks), "tokens signed before rotation still verify");
        const newJwt = signJwt(svc, { sub: "after-rotation" });
        assert.ok(newJwt.startsWith(Buffer.from(JSON.stringify({ alg: "RS256", typ: "JWT", kid: upcoming })).toString("base64url")));
        assert.ok(verifyJwt(newJwt, jwks));

        const events = await auditEvents("keys.rotate");
        assert.equal(events.length, 1);
        assert.deepEqual([events[0]!.actor, events[0]!.target, events[0]!.outcome], ["admin", upcoming, "success"]);
        const listed = await svc.list();
        assert.deepEqual(listed.map((k) => [k.kid, k.state, k.published]).sort(), [[before, "retired", true], [upcoming, "active", true], [result.next, "next", true]].sort());
        assert.ok(listed.every((k) => /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/.test(k.fingerprintSha256)));
        assert.ok(listed.every((k) => !("privateKeyEnc" in k)));
        await svc.close();
      }));

    test("a retired key past the TTL is no longer published and can be pruned (audited)", () =>
      withDb(async (db) => {
        let now = Date.now();
        const clock = () => now;
        const box = new CryptoBox(randomBytes(32));
        const svc = keyService(db, box, { clock });
        await svc.init();
        const retired = svc.activeKey().kid;
        await svc.rotate("admin");
        now += (TTL - 1) * 1000;
        assert.ok(svc.publishedKeys().some((k) => k.kid === retired), "still published inside the TTL");
        assert.deepEqual(await svc.prune("admin"), [], "nothing to prune inside the TTL");
        now += 2000;
        assert.ok(!svc.publishedKeys().some((k) => k.kid === retired), "dropped once the TTL has passed");
        assert.ok(!svc.jwks().keys.some((k) => k.kid === retired));
        assert.equal((await svc.list()).find((k) => k.kid === retired)?.published, false);

        const restarted = keyService(db, box, { clock });
        await restarted.init();
        assert.deepEqual(restarted.publishedKeys().map((k) => k.state), ["active", "next"], "a fresh load skips it too");
        await restarted.close();

        assert.deepEqual(await svc.prune("admin"), [retired]);
        assert.equal(await db.prisma.signingKey.count({ where: { kid: retired } }), 0);
        const events = await auditEvents("keys.prune");
        assert.deepEqual(events.map((e) => (e.details as { pruned: string[] }).pruned), [[retired], []]);
        await svc.close();
      }));

    test("exportCertificates() writes one public PEM per published key and nothing private", () =>
      withDb(async (db) => {
        const svc = keyService(db, new CryptoBox(randomBytes(32)));
        await svc.init();
        await svc.rotate("admin");
        const dir = await mkdtemp(path.join(os.tmpdir(), "idp-certs-"));
        try {
          const files = await svc.exportCertificates(path.join(dir, "certs"));
          const published = svc.publishedKeys().map((k) => k.kid);
          assert.deepEqual(files.map((f) => path.basename(f)).sort(), published.map((kid) => `idp-signing-${kid}.pem`).sort());
          assert.deepEqual((await readdir(path.join(dir, "certs"))).length, 3);
          for (const file of files) {
            const pem = await readFile(file, "utf8");
            assert.ok(!pem.includes("PRIVATE"));
            new X509Certificate(pem); // parses
          }
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
        await svc.close();
      }));

    test("another instance on the same database reloads after a rotation (NOTIFY idp_keys)", () =>
      withDb(async (db, open) => {
        const box = new CryptoBox(randomBytes(32));
        const a = keyService(db, box);
        await a.init();
        // PGlite is one in-process database: the second instance shares it. PostgreSQL: its own pool.
        const b = keyService(backend === "postgres" ? await open() : db, box);
        await b.init();
        let changes = 0;
        b.onChange(() => changes++);
        const { active, next } = await a.rotate("admin");
        await eventually("instance b switches to the new active key", () => b.activeKey().kid === active);
        assert.ok(b.publishedKeys().some((k) => k.kid === next && k.state === "next"));
        assert.equal(changes, 1);
        await a.close();
        await b.close();
      }));

    if (backend === "postgres") {
      test("instances booting together on an empty database create exactly one active key", () =>
        withDb(async (db, open) => {
          const box = new CryptoBox(randomBytes(32));
          const dbs = [db, await open(), await open(), await open()];
          const services = dbs.map((d) => keyService(d, box));
          await Promise.all(services.map((s) => s.init()));
          assert.equal(await db.prisma.signingKey.count({ where: { state: "active" } }), 1);
          assert.equal(await db.prisma.signingKey.count({ where: { state: "next" } }), 1);
          assert.equal(new Set(services.map((s) => s.activeKey().kid)).size, 1);
          assert.equal((await auditEvents("keys.generate")).length, 1);
          await Promise.all(services.map((s) => s.close()));
        }));

      test("concurrent rotations take turns: always exactly one active and one next key", () =>
        withDb(async (db, open) => {
          const box = new CryptoBox(randomBytes(32));
          const a = keyService(db, box);
          const b = keyService(await open(), box);
          await a.init();
          await b.init();
          const results = await Promise.all([a.rotate("admin"), b.rotate("admin")]);
          assert.notEqual(results[0].active, results[1].active);
          assert.equal(await db.prisma.signingKey.count({ where: { state: "active" } }), 1);
          assert.equal(await db.prisma.signingKey.count({ where: { state: "next" } }), 1);
          assert.equal(await db.prisma.signingKey.count({ where: { state: "retired" } }), 2);
          await a.close();
          await b.close();
        }));
    }
  });
}
