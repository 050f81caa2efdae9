// Short messages about what just happened (a stale edit, an export that is ready), read out by screen readers.
import { signal } from "@preact/signals";
import type { ComponentChildren } from "preact";

export interface Toast {
  id: number;
  tone: "info" | "error";
  content: ComponentChildren;
}

export const toasts = signal<Toast[]>([]);
let next = 1;

export function toast(content: ComponentChildren, tone: Toast["tone"] = "info", ms = 8000): void {
  const id = next++;
  toasts.value = [...toasts.value, { id, tone, content }].slice(-4);
  setTimeout(() => dismiss(id), ms);
}

export function dismiss(id: number): void {
  toasts.value = toasts.value.filter((t) => t.id !== id);
}
