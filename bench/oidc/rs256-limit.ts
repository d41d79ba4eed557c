// The machine's own limit for what a token costs: RSA-2048 PKCS#1 v1.5 SHA-256 signatures per
// second on one core (node:crypto, synchronous), times the cores.
import { generateKeyPairSync, sign } from "node:crypto";
import os from "node:os";

export function measureRs256(ms = 1500): { perSecondPerCore: number; perSecond: number; cores: number } {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const data = Buffer.from("header.payload-of-a-typical-id-token-".repeat(12));
  for (let i = 0; i < 50; i++) sign("sha256", data, privateKey); // warm-up
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < ms) {
    sign("sha256", data, privateKey);
    n++;
  }
  const perSecondPerCore = n / ((performance.now() - start) / 1000);
  const cores = os.availableParallelism();
  return { perSecondPerCore: Math.round(perSecondPerCore), perSecond: Math.round(perSecondPerCore * cores), cores };
}
