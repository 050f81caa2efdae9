// The bell's inbox: GET /api/notifications at start and after every hub (re)connection, plus each live
// `notification`, de-duplicated by id. "Seen" is remembered per user in this browser.
import { computed, signal } from "@preact/signals";
import { api, type UserNotification } from "../api/client";

export const inbox = signal<ReadonlyMap<string, UserNotification>>(new Map());
const seenAt = signal<string>("");
let seenKey = "";

export const sortedInbox = computed(() => [...inbox.value.values()].sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0)));
export const unread = computed(() => sortedInbox.value.filter((n) => n.createdAt > seenAt.value).length);

/** Adds notifications not held yet; returns those that were new. */
export function merge(items: UserNotification[]): UserNotification[] {
  const fresh = items.filter((n) => !inbox.value.has(n.id));
  if (fresh.length > 0) {
    const next = new Map(inbox.value);
    for (const n of fresh) next.set(n.id, n);
    inbox.value = next;
  }
  return fresh;
}

export async function loadInbox(): Promise<void> {
  const { data } = await api.GET("/api/notifications", { params: { query: { limit: 100 } } });
  if (data) merge(data.items);
}

export function startInbox(userId: string): void {
  seenKey = `cumin.notifications.seen.${userId}`;
  seenAt.value = localStorage.getItem(seenKey) ?? "";
  inbox.value = new Map();
}

export function markAllSeen(): void {
  const newest = sortedInbox.value[0]?.createdAt;
  if (!newest || newest <= seenAt.value) return;
  seenAt.value = newest;
  if (seenKey) localStorage.setItem(seenKey, newest);
}
