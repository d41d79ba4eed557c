// The rate-limit key for a client address. IPv4-mapped IPv6 is folded to IPv4, and IPv6 is cut to
// its /64: one subscriber usually holds a whole /64, so per-address limits would be trivial to evade.
import { isIPv4, isIPv6 } from "node:net";

export function ipKey(ip: string | undefined): string {
  if (!ip) return "ip:unknown";
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return `ip:${mapped[1]}`;
  if (isIPv4(ip)) return `ip:${ip}`;
  if (isIPv6(ip)) return `ip:${expandIPv6(ip).slice(0, 4).join(":")}::/64`;
  return `ip:${ip.slice(0, 64)}`;
}

function expandIPv6(ip: string): string[] {
  const [head = "", tail] = ip.split("%")[0]!.split("::") as [string, string | undefined];
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  const fill = tail === undefined ? [] : Array<string>(8 - h.length - t.length).fill("0");
  return [...h, ...fill, ...t].map((g) => g.toLowerCase().replace(/^0+(?=.)/, ""));
}
