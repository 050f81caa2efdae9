import { describe, expect, it } from "vitest";
import { REFRESH_KEY, TokenStore, renewalMargin, singleFlight, type KeyValueStorage } from "./tokenStore";

function memoryStorage(): KeyValueStorage & { items: Map<string, string> } {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (k) => items.get(k) ?? null,
    setItem: (k, v) => void items.set(k, v),
    removeItem: (k) => void items.delete(k),
  };
}

const user = { id: "u1", name: "Ada", email: "ada@example.com" };
const pair = (accessToken: string, refreshToken: string, expiresIn = 900) => ({ accessToken, refreshToken, expiresIn, user });

describe("TokenStore", () => {
  it("keeps the access token in memory and only the refresh token and user in storage", () => {
    const storage = memoryStorage();
    const store = new TokenStore(storage, () => 0);
    store.adopt(pair("access-1", "refresh-1"));
    expect(store.freshAccessToken()).toBe("access-1");
    expect(storage.items.get(REFRESH_KEY)).toBe("refresh-1");
    expect([...storage.items.values()].join()).not.toContain("access-1");
    expect(new TokenStore(storage).user).toEqual(user);
    expect(new TokenStore(storage).freshAccessToken()).toBeNull();
  });

  it("asks for renewal a minute before a 15-minute token expires, and a quarter of a short one's lifetime", () => {
    let now = 1_000;
    const store = new TokenStore(memoryStorage(), () => now);
    store.adopt(pair("a", "r", 900));
    expect(store.renewIn()).toBe(840_000);
    now += 839_999;
    expect(store.freshAccessToken()).toBe("a");
    now += 1;
    expect(store.freshAccessToken()).toBeNull();
    expect(store.renewIn()).toBe(0);

    store.adopt(pair("b", "r2", 20));
    expect(store.renewIn()).toBe(15_000);
    expect(renewalMargin(2_000)).toBe(1_000);
  });

  it("adopts another tab's access token only when it outlives its own", () => {
    let now = 0;
    const store = new TokenStore(memoryStorage(), () => now);
    store.adopt(pair("mine", "r", 900));
    expect(store.adoptShared({ accessToken: "older", issuedAt: -10, expiresAt: 899_000, user })).toBe(false);
    expect(store.freshAccessToken()).toBe("mine");
    now = 850_000;
    expect(store.adoptShared({ accessToken: "newer", issuedAt: now, expiresAt: now + 900_000, user })).toBe(true);
    expect(store.freshAccessToken()).toBe("newer");
  });

  it("clear forgets everything, dropAccess keeps the refresh token", () => {
    const storage = memoryStorage();
    const store = new TokenStore(storage, () => 0);
    store.adopt(pair("a", "r"));
    store.dropAccess();
    expect(store.freshAccessToken()).toBeNull();
    expect(store.refreshToken).toBe("r");
    store.clear();
    expect(store.refreshToken).toBeNull();
    expect(store.user).toBeNull();
  });
});

describe("singleFlight", () => {
  it("shares one call among concurrent callers and starts a new one afterwards", async () => {
    let calls = 0;
    let release!: () => void;
    const refresh = singleFlight(() => {
      calls++;
      return new Promise<number>((resolve) => (release = () => resolve(calls)));
    });
    const first = refresh();
    const second = refresh();
    release();
    expect(await first).toBe(1);
    expect(await second).toBe(1);
    const third = refresh();
    release();
    expect(await third).toBe(2);
    expect(calls).toBe(2);
  });

  it("lets the next call try again after a failure", async () => {
    let calls = 0;
    const refresh = singleFlight(async () => {
      calls++;
      if (calls === 1) throw new Error("down");
      return calls;
    });
    await expect(refresh()).rejects.toThrow("down");
    expect(await refresh()).toBe(2);
  });
});
