// RoleSessionName and SourceIdentity from the username: both 2–64 of [\w+=,.@-] (STS
// roleSessionNameType / sourceIdentityType), and a SourceIdentity must not start with "aws:".
// The name shows up in CloudTrail and in assumed-role ARNs, so keep it recognisable when possible.

const INVALID = /[^\w+=,.@-]/gu;
const MAX = 64;

export function roleSessionNameFor(username: string, userId: string): string {
  // "José" → "Jose": fold accents before replacing what is left outside the charset
  const folded = username.normalize("NFKD").replace(/\p{M}/gu, "");
  const name = folded.replace(INVALID, "_").slice(0, MAX);
  if (!/[A-Za-z0-9]/.test(name)) return fromId(userId); // nothing recognisable left ("日本" → "__")
  if (name.length < 2) return `${name}_${fromId(userId)}`.slice(0, MAX); // pad "a" → "a_<id>"
  return name;
}

export function sourceIdentityFor(username: string, userId: string): string {
  const name = roleSessionNameFor(username, userId);
  // ":" is outside the charset, so this cannot happen today; the rule is kept where it is enforced.
  return /^aws:/i.test(name) ? `u_${name}`.slice(0, MAX) : name;
}

function fromId(userId: string): string {
  const id = userId.replace(INVALID, "_").slice(0, MAX);
  return id.length >= 2 ? id : `u_${id}`.slice(0, MAX);
}
