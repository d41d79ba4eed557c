// A short, human summary of a User-Agent header for the sessions pages ("Firefox 128 on Linux").
// Only a handful of well-known names are recognised; anything else shows as its first word, cut
// short: the header is chosen by the client, so it must never fill a page (templates escape it).

const MAX = 40;

/** most specific first: Edge and Opera also say "Chrome", Chrome also says "Safari" */
const BROWSERS: readonly [string, RegExp][] = [
  ["Edge", /\bEdg(?:e|A|iOS)?\/(\d+)/],
  ["Opera", /\bOPR\/(\d+)/],
  ["Firefox", /\b(?:Firefox|FxiOS)\/(\d+)/],
  ["Chrome", /\b(?:Chrome|CriOS)\/(\d+)/],
  ["Safari", /\bVersion\/(\d+)[^ ]* (?:Mobile\/\S+ )?Safari\//],
  ["curl", /^curl\/(\d+)/],
];

const SYSTEMS: readonly [string, RegExp][] = [
  ["Android", /\bAndroid\b/],
  ["iOS", /\b(?:iPhone|iPad|iPod)\b/],
  ["ChromeOS", /\bCrOS\b/],
  ["Windows", /\bWindows\b/],
  ["macOS", /\bMac OS X\b/],
  ["Linux", /\bLinux\b/],
];

export function describeUserAgent(ua: string | null | undefined): string {
  const header = (ua ?? "").trim();
  if (!header) return "Unknown browser";
  const browser = BROWSERS.map(([name, re]) => [name, re.exec(header)?.[1]] as const).find(([, v]) => v !== undefined);
  const system = SYSTEMS.find(([, re]) => re.test(header))?.[0];
  const name = browser ? `${browser[0]} ${browser[1]}` : (header.split(/[\s/;(]/)[0] || "Unknown browser");
  const text = system ? `${name} on ${system}` : name;
  return text.length > MAX ? `${text.slice(0, MAX - 1)}…` : text;
}
