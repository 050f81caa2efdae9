// An activity entry (API.md's Activity: its type and, per stored field, {from, to}) as a sentence a person reads:
// "Ada moved this to Done", "Grace assigned Ada and set the due date to 3 Dec".
import { PRIORITY_NAMES, formatDate } from "../app/format";
import { STATUS_NAMES, type Status } from "../board/boardState";

export interface ActivityEntry {
  id: string;
  taskId?: string | null;
  actorId?: string | null;
  type: string;
  at: string;
  changes: unknown;
}

/** What the sentence needs to know of the project: names of members and labels, by id. */
export interface Names {
  person(id: string): string | undefined;
  label(id: string): string | undefined;
}

type Change = { from?: unknown; to?: unknown };

const FORMER_MEMBER = "a former member";

const quote = (text: string, max = 80) => `“${text.length > max ? `${text.slice(0, max - 1).trimEnd()}…` : text}”`;
const text = (value: unknown) => (typeof value === "string" && value !== "" ? value : null);
const list = (value: unknown) => (Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : []);
const statusName = (value: unknown) => STATUS_NAMES[value as Status] ?? String(value);
const priorityName = (value: unknown) => PRIORITY_NAMES[value as keyof typeof PRIORITY_NAMES] ?? String(value);

/** "a", "a and b", "a, b and c". */
export function joinPhrases(phrases: readonly string[]): string {
  if (phrases.length <= 1) return phrases[0] ?? "";
  return `${phrases.slice(0, -1).join(", ")} and ${phrases[phrases.length - 1]}`;
}

/** Who did it: a member's name, "A former member" for someone no longer in the project, "Someone" when unknown. */
export function actorName(entry: ActivityEntry, names: Names): string {
  if (!entry.actorId) return "Someone";
  return names.person(entry.actorId) ?? "A former member";
}

function changesOf(entry: ActivityEntry): Record<string, Change> {
  const changes = entry.changes;
  if (!changes || typeof changes !== "object" || Array.isArray(changes)) return {};
  return changes as Record<string, Change>;
}

/** What the actor did to a task's fields, in the order a person reads a task (place, then content). */
function taskPhrases(entry: ActivityEntry, names: Names): string[] {
  const changes = changesOf(entry);
  const phrases: string[] = [];
  // "added the label “Urgent”"; a label deleted since is no longer known by name.
  const labelled = (verb: string, ids: string[]) => {
    const known = ids.flatMap((id) => names.label(id) ?? []).map((name) => quote(name, 40));
    const gone = ids.length - known.length;
    if (gone === 0) return `${verb} the label${ids.length > 1 ? "s" : ""} ${joinPhrases(known)}`;
    return `${verb} ${joinPhrases([...known, gone === 1 ? "a deleted label" : `${gone} deleted labels`])}`;
  };
  if (changes.status) phrases.push(`moved this to ${statusName(changes.status.to)}`);
  else if (changes.rank) phrases.push("reordered this within its column");
  if (changes.title) phrases.push(text(changes.title.from) ? `renamed this to ${quote(String(changes.title.to ?? ""))}` : `titled this ${quote(String(changes.title.to ?? ""))}`);
  if (changes.assigneeId) {
    const to = text(changes.assigneeId.to);
    const from = text(changes.assigneeId.from);
    const who = (id: string) => (id === entry.actorId ? "themself" : (names.person(id) ?? FORMER_MEMBER));
    if (to) phrases.push(`assigned ${who(to)}`);
    else if (from) phrases.push(`unassigned ${who(from)}`);
  }
  if (changes.dueDate) {
    const to = text(changes.dueDate.to);
    phrases.push(to ? `set the due date to ${formatDate(to)}` : "removed the due date");
  }
  if (changes.priority) phrases.push(`set the priority to ${priorityName(changes.priority.to)}`);
  if (changes.labelIds) {
    const from = list(changes.labelIds.from);
    const to = list(changes.labelIds.to);
    const added = to.filter((id) => !from.includes(id));
    const removed = from.filter((id) => !to.includes(id));
    if (added.length) phrases.push(labelled("added", added));
    if (removed.length) phrases.push(labelled("removed", removed));
  }
  if (changes.description) {
    const from = text(changes.description.from);
    const to = text(changes.description.to);
    phrases.push(!to ? "removed the description" : from ? "changed the description" : "added a description");
  }
  return phrases;
}

/** The sentence after the actor's name, e.g. "moved this to Done". */
export function activityAction(entry: ActivityEntry, names: Names): string {
  const changes = changesOf(entry);
  switch (entry.type) {
    case "task.created": {
      const status = changes.status?.to;
      return status && status !== "todo" ? `created this task in ${statusName(status)}` : "created this task";
    }
    case "task.updated":
    case "task.moved":
      return joinPhrases(taskPhrases(entry, names)) || "changed this task";
    case "task.deleted":
      return "deleted this task";
    case "comment.created":
      // Not quoted: the comment itself is just above in the drawer, and saying it twice reads as noise.
      return "commented";
    case "comment.updated":
      return "edited a comment";
    case "comment.deleted":
      return "deleted a comment";
    case "label.created":
      return `created the label ${quote(String(changes.name?.to ?? ""), 40)}`;
    case "label.updated":
      return "changed a label";
    case "label.deleted":
      return `deleted the label ${quote(String(changes.name?.from ?? ""), 40)}`;
    default:
      return "changed this task";
  }
}

/** The whole line: "Ada moved this to Done". */
export const activityLine = (entry: ActivityEntry, names: Names) => `${actorName(entry, names)} ${activityAction(entry, names)}`;

/** Newest first, as the API orders them (time, then id: ids grow with the log). */
export function newestFirst(a: ActivityEntry, b: ActivityEntry): number {
  if (a.at !== b.at) return a.at < b.at ? 1 : -1;
  if (a.id.length !== b.id.length) return b.id.length - a.id.length;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/**
 * The list after reading the newest page again: entries not shown yet go in their place, nothing shown twice. A page
 * that shares nothing with what is shown may have skipped entries between them: then it replaces the list (and its
 * cursor pages on from there), so no gap is ever shown as if it were the whole story.
 */
export function mergeNewest(shown: readonly ActivityEntry[], page: readonly ActivityEntry[], pageHasMore: boolean): { items: ActivityEntry[]; replaced: boolean } {
  const known = new Set(shown.map((e) => e.id));
  const overlaps = page.some((e) => known.has(e.id));
  if (!overlaps && pageHasMore && shown.length > 0) return { items: [...page], replaced: true };
  const fresh = page.filter((e) => !known.has(e.id));
  if (fresh.length === 0) return { items: [...shown], replaced: false };
  return { items: [...fresh, ...shown].sort(newestFirst), replaced: false };
}
