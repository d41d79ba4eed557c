// User attributes → AWS session tags (PrincipalTag), by the directory's tag rules.
// A value AWS would reject is dropped and reported, never sent: one odd attribute must not break
// every sign-in of that user (STS fails the whole call on a bad tag).
import { compare, MAX_SESSION_TAGS, tagKeyProblem, tagValueProblem, type JsonObject, type TagRuleRecord } from "../directory/index.ts";
import type { DroppedTag } from "./types.ts";

export interface SessionTags {
  principalTags: Record<string, string>;
  transitiveTagKeys: string[];
  dropped: DroppedTag[];
}

export function sessionTagsFor(attributes: Readonly<JsonObject>, rules: readonly TagRuleRecord[]): SessionTags {
  const principalTags: Record<string, string> = {};
  const transitive: string[] = [];
  const dropped: DroppedTag[] = [];
  const keys = new Set<string>(); // lower-cased: tag keys are case-insensitive in AWS
  for (const rule of [...rules].sort((a, b) => compare(a.tagKey, b.tagKey))) {
    const raw = Object.hasOwn(attributes, rule.attribute) ? attributes[rule.attribute] : undefined;
    if (raw === undefined || raw === null) continue; // no value: no tag, nothing wrong
    const drop = (reason: string) => dropped.push({ attribute: rule.attribute, reason });
    const keyProblem = tagKeyProblem(rule.tagKey);
    if (keyProblem) {
      drop(`tag key "${rule.tagKey}": ${keyProblem}`);
      continue;
    }
    if (keys.has(rule.tagKey.toLowerCase())) {
      drop(`tag key "${rule.tagKey}" is already set by another rule`);
      continue;
    }
    const value = tagValue(raw);
    if (value === undefined) {
      drop("the value is a list or an object, not a single text, number or true/false");
      continue;
    }
    const valueProblem = tagValueProblem(value);
    if (valueProblem) {
      drop(valueProblem);
      continue;
    }
    if (keys.size >= MAX_SESSION_TAGS) {
      drop(`a session carries at most ${MAX_SESSION_TAGS} tags`);
      continue;
    }
    keys.add(rule.tagKey.toLowerCase());
    principalTags[rule.tagKey] = value;
    if (rule.transitive) transitive.push(rule.tagKey);
  }
  return { principalTags, transitiveTagKeys: transitive.sort(compare), dropped };
}

function tagValue(raw: unknown): string | undefined {
  if (typeof raw === "string") return raw;
  if (typeof raw === "number" && Number.isFinite(raw)) return String(raw);
  if (typeof raw === "boolean") return String(raw);
  return undefined;
}
