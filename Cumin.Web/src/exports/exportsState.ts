// The caller's exports: loaded when asked for, reloaded on every export notification, and polled every 3 seconds
// while one is pending or running, in case a notification is missed (the hub may be reconnecting).
import { signal } from "@preact/signals";
import { api, ok, type Export } from "../api/client";

export const exportsList = signal<Export[] | null>(null);
export const exportsError = signal<string | null>(null);
let poll: ReturnType<typeof setTimeout> | undefined;

export async function loadExports(): Promise<void> {
  clearTimeout(poll);
  try {
    const list = ok(await api.GET("/api/exports")).items as Export[];
    exportsList.value = list;
    exportsError.value = null;
    if (list.some((e) => e.status === "pending" || e.status === "running")) poll = setTimeout(() => void loadExports(), 3000);
  } catch (error) {
    exportsError.value = (error as Error).message;
    poll = setTimeout(() => void loadExports(), 10_000);
  }
}

export function addExport(started: Export): void {
  exportsList.value = [started, ...(exportsList.value ?? []).filter((e) => e.id !== started.id)];
  clearTimeout(poll);
  poll = setTimeout(() => void loadExports(), 3000);
}

export function resetExports(): void {
  clearTimeout(poll);
  exportsList.value = null;
}

/** A link is offered only until it expires. */
export const downloadable = (e: Export, now = Date.now()) => e.status === "done" && !!e.url && (!e.urlExpiresAt || Date.parse(e.urlExpiresAt) > now);

export const exportsPanelOpen = signal(false);
