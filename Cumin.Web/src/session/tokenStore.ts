// The session's tokens. The access token lives in memory only; the refresh token and the signed-in user are kept in
// localStorage, so every tab and a reload share one session (the strict CSP is what keeps scripts from reading it).

export interface SessionUser {
  id: string;
  name: string;
  email: string;
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  user: SessionUser;
}

/** An access token handed from the tab that refreshed to the others (BroadcastChannel), never stored. */
export interface SharedAccess {
  accessToken: string;
  issuedAt: number;
  expiresAt: number;
  user: SessionUser;
}

export type KeyValueStorage = Pick<Storage, "getItem" | "setItem" | "removeItem">;

export const REFRESH_KEY = "cumin.refreshToken";
export const USER_KEY = "cumin.user";

/** How long before its expiry an access token is renewed: a quarter of its lifetime, at most a minute, at least a second. */
export function renewalMargin(lifetimeMs: number): number {
  return Math.max(1000, Math.min(60_000, lifetimeMs / 4));
}

export class TokenStore {
  private access: SharedAccess | null = null;

  constructor(
    private readonly storage: KeyValueStorage,
    private readonly now: () => number = Date.now,
  ) {}

  get refreshToken(): string | null {
    return this.storage.getItem(REFRESH_KEY);
  }

  get user(): SessionUser | null {
    if (this.access) return this.access.user;
    const stored = this.storage.getItem(USER_KEY);
    if (!stored) return null;
    try {
      return JSON.parse(stored) as SessionUser;
    } catch {
      return null;
    }
  }

  /** Takes a pair from /auth/login or /auth/refresh; returns what to share with the other tabs. */
  adopt(pair: TokenPair): SharedAccess {
    const issuedAt = this.now();
    this.access = { accessToken: pair.accessToken, issuedAt, expiresAt: issuedAt + pair.expiresIn * 1000, user: pair.user };
    this.storage.setItem(REFRESH_KEY, pair.refreshToken);
    this.storage.setItem(USER_KEY, JSON.stringify(pair.user));
    return this.access;
  }

  /** An access token another tab obtained; kept only when it outlives the one held. */
  adoptShared(shared: SharedAccess): boolean {
    if (this.access && this.access.expiresAt >= shared.expiresAt) return false;
    this.access = shared;
    return true;
  }

  /** The access token when it is not within its renewal margin, else null (time to refresh). */
  freshAccessToken(): string | null {
    if (!this.access) return null;
    const lifetime = this.access.expiresAt - this.access.issuedAt;
    return this.access.expiresAt - this.now() > renewalMargin(lifetime) ? this.access.accessToken : null;
  }

  /** Milliseconds until the access token should be renewed (0 when it should be now), or null without one. */
  renewIn(): number | null {
    if (!this.access) return null;
    const lifetime = this.access.expiresAt - this.access.issuedAt;
    return Math.max(0, this.access.expiresAt - renewalMargin(lifetime) - this.now());
  }

  /** Forgets the access token but keeps the refresh token (an access token the API refused). */
  dropAccess(): void {
    this.access = null;
  }

  clear(): void {
    this.access = null;
    this.storage.removeItem(REFRESH_KEY);
    this.storage.removeItem(USER_KEY);
  }
}

/** Calls of fn while one is in flight share its promise: one refresh at a time within a tab. */
export function singleFlight<T>(fn: () => Promise<T>): () => Promise<T> {
  let inFlight: Promise<T> | null = null;
  return () => {
    inFlight ??= fn().finally(() => {
      inFlight = null;
    });
    return inFlight;
  };
}
