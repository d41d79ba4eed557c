// IpAddress / NotIpAddress: "the specified IP address or range in IPv4 or IPv6 CIDR format"
// (IAM User Guide, condition operators "IP address condition operators"). A bare address is a
// single host (/32, /128). An invalid range or request value never matches.
import { BlockList, isIP } from "node:net";
import { never, type Compiler } from "./compiler.ts";

export function parseCidr(text: string): { address: string; prefix: number; family: "ipv4" | "ipv6" } | undefined {
  const [address = "", prefixText, extra] = text.trim().split("/");
  const version = isIP(address);
  if (!version || extra !== undefined) return undefined;
  const max = version === 4 ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (prefix > max) return undefined;
  return { address, prefix, family: version === 4 ? "ipv4" : "ipv6" };
}

export const ipAddress: Compiler = (policyValue) => {
  const range = parseCidr(policyValue);
  if (!range) return never;
  const list = new BlockList();
  list.addSubnet(range.address, range.prefix, range.family);
  return (v) => {
    if (typeof v !== "string") return false;
    const version = isIP(v.trim());
    return version !== 0 && list.check(v.trim(), version === 4 ? "ipv4" : "ipv6");
  };
};
