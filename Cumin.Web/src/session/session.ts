// The session: the tokens (TokenStore), the single-flight refresh shared by every tab, sign-in and sign-out, and the
// SignalR hub connection that uses a fresh access token on every (re)connect.
// About 320 lines on purpose: STYLE.md's one session module, since the hub's life follows the session's (a sign-out
// stops it, every reconnect takes a token from the refresh); the pure token rules are in tokenStore.ts.
import { signal } from "@preact/signals";
import { HubConnectionBuilder, HubConnectionState, LogLevel, type HubConnection } from "@microsoft/signalr";
import { api, problemOf, useAuth, type Problem, type TokenResponse, type UserNotification } from "../api/client";
import { TokenStore, singleFlight, type SessionUser, type SharedAccess } from "./tokenStore";

export type { SessionUser };

const store = new TokenStore(localStorage);
/** Undefined while the stored session is being restored at start. */
export const currentUser = signal<SessionUser | null | undefined>(store.refreshToken ? undefined : null);

type Message = { type: "access"; access: SharedAccess } | { type: "signed-out" };
const channel = typeof BroadcastChannel === "function" ? new BroadcastChannel("cumin-session") : null;
let renewTimer: ReturnType<typeof setTimeout> | undefined;

channel?.addEventListener("message", (event: MessageEvent<Message>) => {
  if (event.data.type === "access") {
    if (store.adoptShared(event.data.access)) {
      currentUser.value = event.data.access.user;
      scheduleRenewal();
    }
  } else {
    endLocally();
  }
});

// Another tab signed out (or in as someone else): follow it.
addEventListener("storage", (event) => {
  if (event.key === null || event.key === "cumin.refreshToken") {
    if (!store.refreshToken && currentUser.value) endLocally();
  }
});

function scheduleRenewal(): void {
  clearTimeout(renewTimer);
  const wait = store.renewIn();
  if (wait === null) return;
  renewTimer = setTimeout(() => void renew().catch(() => scheduleRetry()), wait);
}

function scheduleRetry(): void {
  clearTimeout(renewTimer);
  renewTimer = setTimeout(() => void renew().catch(() => scheduleRetry()), 5000);
}

const REFRESH_LOCK = "cumin-session-refresh";

/**
 * Outcome of one refresh: true renewed (or another tab did), false the session is over; throws when unreachable.
 * `waited` says another tab held the lock first, `seen` is the refresh token this tab knew before asking for it.
 */
async function refreshUnderLock(waited: boolean, seen: string | null): Promise<boolean> {
  // Waiting for the lock, another tab may have refreshed and shared its token: then there is nothing to do.
  if (store.freshAccessToken()) return true;
  if (waited) {
    // Its token (by message) and the rotated refresh token (by storage) reach this tab in no order guaranteed with the
    // lock's release, and presenting the spent one would revoke the session: give them a moment to arrive.
    await until(() => store.freshAccessToken() !== null || store.refreshToken !== seen, 3000);
    if (store.freshAccessToken()) return true;
  }
  const refreshToken = store.refreshToken;
  if (!refreshToken) return false;
  const response = await fetch("/auth/refresh", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ refreshToken }),
  });
  if (response.ok) {
    const access = store.adopt((await response.json()) as TokenResponse);
    channel?.postMessage({ type: "access", access } satisfies Message);
    return true;
  }
  if (response.status === 400 || response.status === 401) return false;
  throw new Error(`refresh answered ${response.status}`);
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !condition() && Date.now() < deadline; ) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Runs the refresh under the cross-tab Web Lock, telling it whether another tab held the lock first. */
async function refreshAcrossTabs(): Promise<boolean> {
  const seen = store.refreshToken;
  if (!navigator.locks) return refreshUnderLock(false, seen);
  const first = await navigator.locks.request(REFRESH_LOCK, { ifAvailable: true }, async (lock) =>
    lock ? { renewed: await refreshUnderLock(false, seen) } : null,
  );
  return first ? first.renewed : navigator.locks.request(REFRESH_LOCK, () => refreshUnderLock(true, seen));
}

/**
 * One refresh at a time in this tab (singleFlight) and across tabs (the Web Lock): presenting a refresh token twice
 * revokes its whole family, so two tabs racing would sign the user out everywhere.
 */
const renew = singleFlight(async (): Promise<boolean> => {
  const renewed = await refreshAcrossTabs();
  if (renewed) {
    currentUser.value = store.user;
    scheduleRenewal();
  } else {
    endLocally();
  }
  return renewed;
});

useAuth({
  async accessToken() {
    const fresh = store.freshAccessToken();
    if (fresh || !store.refreshToken) return fresh;
    try {
      return (await renew()) ? store.freshAccessToken() : null;
    } catch {
      return null;
    }
  },
  async renew() {
    store.dropAccess();
    try {
      return await renew();
    } catch {
      return false;
    }
  },
});

/** At start: a stored refresh token becomes a session (or is found spent and forgotten). */
export async function restoreSession(): Promise<void> {
  if (!store.refreshToken) {
    currentUser.value = null;
    return;
  }
  try {
    await renew();
  } catch {
    // Unreachable: keep the stored session and show who it is; calls retry the refresh.
    currentUser.value = store.user;
    scheduleRetry();
  }
}

function begin(tokens: TokenResponse): void {
  const access = store.adopt(tokens);
  channel?.postMessage({ type: "access", access } satisfies Message);
  currentUser.value = tokens.user;
  scheduleRenewal();
}

export async function signIn(email: string, password: string): Promise<Problem | null> {
  const { data, error, response } = await api.POST("/auth/login", { body: { email, password } });
  if (!data) return problemOf(response, error);
  begin(data);
  return null;
}

export async function register(name: string, email: string, password: string): Promise<Problem | null> {
  const { error, response } = await api.POST("/auth/register", { body: { name, email, password } });
  if (!response.ok) return problemOf(response, error);
  return signIn(email, password);
}

/** Signs out this device, or with everywhere every device of the user (API.md: logout `everywhere`). */
export async function signOut(everywhere = false): Promise<void> {
  const refreshToken = store.refreshToken;
  if (refreshToken) {
    // `everywhere` is in API.md; sent only when asked for, since an API without it refuses unknown members.
    const body = (everywhere ? { refreshToken, everywhere } : { refreshToken }) as { refreshToken: string };
    await api.POST("/auth/logout", { body }).catch(() => undefined);
  }
  channel?.postMessage({ type: "signed-out" } satisfies Message);
  endLocally();
}

function endLocally(): void {
  clearTimeout(renewTimer);
  store.clear();
  currentUser.value = null;
  void stopHub();
}

// --- The hub ---------------------------------------------------------------------------------------------------

type NotificationListener = (notification: UserNotification) => void;
const notificationListeners = new Set<NotificationListener>();
const reconnectListeners = new Set<() => void>();
let hub: HubConnection | null = null;
let restartTimer: ReturnType<typeof setTimeout> | undefined;

export const hubState = signal<"disconnected" | "connecting" | "connected">("disconnected");

export function onNotification(listener: NotificationListener): () => void {
  notificationListeners.add(listener);
  return () => notificationListeners.delete(listener);
}

/** Called after every (re)connection: what was missed meanwhile is in GET /api/notifications. */
export function onHubConnected(listener: () => void): () => void {
  reconnectListeners.add(listener);
  return () => reconnectListeners.delete(listener);
}

/** API.md's `projectEvent`: what happened in a watched project, in the order the project applied it. */
export interface ProjectEvent {
  id: string;
  projectId: string;
  type: string;
  at: string;
  actorId: string | null;
  data: unknown;
}

interface Watch {
  onEvent: (event: ProjectEvent) => void;
  /** The watch was (re)established or refused: events from before it were not replayed, so the watcher reads again. */
  onWatched: () => void;
}

const watches = new Map<string, Set<Watch>>();

async function sendWatch(connection: HubConnection, projectId: string): Promise<void> {
  try {
    await connection.invoke("WatchProject", projectId);
  } catch {
    // Refused (not a member, or past the connection's 50): the watcher's own read then tells what it may show.
  }
  watches.get(projectId)?.forEach((w) => w.onWatched());
}

/**
 * Receives projectId's events while the returned function is not called: WatchProject now (when connected) and after
 * every reconnection, UnwatchProject when the last watcher of that project lets go.
 */
export function watchProject(projectId: string, onEvent: Watch["onEvent"], onWatched: Watch["onWatched"] = () => undefined): () => void {
  const watch: Watch = { onEvent, onWatched };
  let set = watches.get(projectId);
  const first = !set;
  if (!set) watches.set(projectId, (set = new Set()));
  set.add(watch);
  if (hub?.state === HubConnectionState.Connected) {
    if (first) void sendWatch(hub, projectId);
    else onWatched();
  }
  return () => {
    const current = watches.get(projectId);
    current?.delete(watch);
    if (current && current.size === 0) {
      watches.delete(projectId);
      if (hub?.state === HubConnectionState.Connected) void hub.invoke("UnwatchProject", projectId).catch(() => undefined);
    }
  };
}

function rewatchAll(connection: HubConnection): void {
  for (const projectId of watches.keys()) void sendWatch(connection, projectId);
}

export function startHub(): void {
  if (hub) return;
  const connection = new HubConnectionBuilder()
    // WebSockets carry the token as ?access_token= (browsers cannot set headers there): the one URL with a token.
    .withUrl("/hubs/notifications", { accessTokenFactory: async () => (await tokenForHub()) ?? "" })
    .withAutomaticReconnect({ nextRetryDelayInMilliseconds: (retry) => Math.min(30_000, 500 * 2 ** retry.previousRetryCount) })
    .configureLogging(LogLevel.None)
    .build();
  hub = connection;
  connection.on("notification", (n: UserNotification) => notificationListeners.forEach((l) => l(n)));
  connection.on("projectEvent", (e: ProjectEvent) => watches.get(e.projectId)?.forEach((w) => w.onEvent(e)));
  connection.onreconnecting(() => (hubState.value = "connecting"));
  connection.onreconnected(() => {
    hubState.value = "connected";
    rewatchAll(connection);
    reconnectListeners.forEach((l) => l());
  });
  // The server closes a connection whose token expired; automatic reconnect does not cover a close it was told of.
  connection.onclose(() => {
    hubState.value = "disconnected";
    if (hub === connection) restartHub(connection, 1000);
  });
  void connectHub(connection);
}

async function tokenForHub(): Promise<string | null> {
  const fresh = store.freshAccessToken();
  if (fresh) return fresh;
  try {
    return (await renew()) ? store.freshAccessToken() : null;
  } catch {
    return null;
  }
}

async function connectHub(connection: HubConnection): Promise<void> {
  hubState.value = "connecting";
  try {
    await connection.start();
    hubState.value = "connected";
    rewatchAll(connection);
    reconnectListeners.forEach((l) => l());
  } catch {
    hubState.value = "disconnected";
    if (hub === connection) restartHub(connection, 5000);
  }
}

function restartHub(connection: HubConnection, delay: number): void {
  clearTimeout(restartTimer);
  restartTimer = setTimeout(() => {
    if (hub === connection && connection.state === HubConnectionState.Disconnected && currentUser.value) void connectHub(connection);
  }, delay);
}

async function stopHub(): Promise<void> {
  clearTimeout(restartTimer);
  const connection = hub;
  hub = null;
  hubState.value = "disconnected";
  await connection?.stop().catch(() => undefined);
}
