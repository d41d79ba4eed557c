// awsQuery flattens structures and lists into dotted names (aws-query-protocol.rst
// "Collections"/"Structures", sts.md §1.1): `Tags.member.1.Key=a` is the path
// Tags → member → 1 → Key. This turns the decoded pairs into that tree.
// - Names are case-sensitive; unknown names are kept and simply never read (real STS ignores
//   unknown parameters).
// - A name given twice keeps its FIRST value: real STS answers `RoleArn=bad&RoleArn=good`
//   with the error for "bad" (observed with a real-STS probe). The SigV4 check hashes the raw
//   body, so the verifier and this parser always see the same bytes.

export interface QueryNode {
  /** the value sent for exactly this name, if any (`Tags=` sends "") */
  value?: string;
  children?: Map<string, QueryNode>;
}

export function buildQueryTree(pairs: Iterable<readonly [string, string]>): QueryNode {
  const root: QueryNode = {};
  for (const [name, value] of pairs) {
    let node = root;
    for (const segment of name.split(".")) {
      node.children ??= new Map();
      let next = node.children.get(segment);
      if (!next) {
        next = {};
        node.children.set(segment, next);
      }
      node = next;
    }
    if (node.value === undefined) node.value = value;
  }
  return root;
}

/** True when nothing at all was sent under this name. */
export function isAbsent(node: QueryNode | undefined): node is undefined {
  return node === undefined || (node.value === undefined && (node.children === undefined || node.children.size === 0));
}
