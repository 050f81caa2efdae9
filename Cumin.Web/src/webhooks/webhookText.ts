// How a webhook's events and deliveries read in the project's settings.
import { formatRelative } from "../app/format";

/** API.md's projectEvent types, in its order, grouped as a person picks them. */
export const EVENT_GROUPS: { name: string; types: string[] }[] = [
  { name: "Tasks", types: ["task.created", "task.updated", "task.moved", "task.deleted"] },
  { name: "Comments", types: ["comment.created", "comment.updated", "comment.deleted"] },
  { name: "Labels", types: ["label.created", "label.updated", "label.deleted"] },
  { name: "Members", types: ["member.added", "member.removed"] },
  { name: "Project", types: ["project.updated", "project.deleted", "counts.updated"] },
];

export const ALL_EVENTS = "*";

/** "All events", or the types listed ("task.created, task.moved"). */
export function eventsSummary(events: readonly string[]): string {
  if (events.includes(ALL_EVENTS)) return "All events";
  return events.length === 0 ? "No events" : events.join(", ");
}

export interface DeliveryOutcome {
  at: string;
  status?: number | null;
  ok: boolean;
}

/** "200, 2 minutes ago", "failed: 500, just now", "failed: no answer, …"; "Never" before the first. */
export function deliverySummary(last: DeliveryOutcome | null | undefined, now = new Date()): string {
  if (!last) return "Never";
  const when = formatRelative(last.at, now);
  const status = last.status ? String(last.status) : "no answer";
  return last.ok ? `Delivered (${status}), ${when}` : `Failed (${status}), ${when}`;
}
