// oidc-provider prints "Unsupported runtime" when imported on Node 20 (it is built for 22+, and
// runs fine on 20: STACK.md). That line would break the CLI's one-line errors and clutter every
// log, so exactly that warning is dropped. Imported before anything that imports oidc-provider.
const original = console.warn.bind(console);
console.warn = (...args: unknown[]) => {
  if (typeof args[0] === "string" && args[0].includes("oidc-provider WARNING: Unsupported runtime")) return;
  original(...args);
};
