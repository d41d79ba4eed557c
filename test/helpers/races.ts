// Holding a sign-in at its critical point, deterministically: the session store's next create()
// first runs `between` (an action that ends the user's access, say) and only then inserts. A sign-in
// that read the user's epoch before `between` committed must then be refused.
import type { SessionStore } from "../../src/auth/session/session-store.ts";

export function holdNextSessionCreate(store: SessionStore, between: () => Promise<unknown>): void {
  const create = store.create;
  store.create = async function (this: SessionStore, ...args: Parameters<SessionStore["create"]>) {
    store.create = create;
    await between();
    return create.apply(this, args);
  };
}
