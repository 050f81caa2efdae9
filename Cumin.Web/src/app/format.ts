const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
// A due date is a calendar date (YYYY-MM-DD), not an instant: formatted as that date wherever the reader is.
const shortDate = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short", timeZone: "UTC" });
const longDate = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });

export const formatTime = (iso: string | null | undefined) => (iso ? dateTime.format(new Date(iso)) : "—");

/** "3 Dec", or "3 Dec 2027" outside the current year. */
export function formatDate(ymd: string): string {
  const date = new Date(`${ymd}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return ymd;
  return (ymd.slice(0, 4) === today().slice(0, 4) ? shortDate : longDate).format(date);
}

/** Today in the reader's time zone, as YYYY-MM-DD (what "overdue" is measured against). */
export function today(now = new Date()): string {
  return addDays(now, 0);
}

/** The local calendar date days after now, as YYYY-MM-DD. */
export function addDays(now: Date, days: number): string {
  const d = new Date(now.getFullYear(), now.getMonth(), now.getDate() + days);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

/** Past its due date and not done. */
export const isOverdue = (task: { dueDate?: string | null; status: string }, now = new Date()) =>
  Boolean(task.dueDate && task.status !== "done" && task.dueDate < today(now));

/** "AL" for Ada Lovelace, "A" for Ada; "?" for nobody. */
export function initials(name: string | null | undefined): string {
  const words = (name ?? "").trim().split(/\s+/).filter(Boolean);
  const first = words[0]?.[0] ?? "";
  const last = words.length > 1 ? (words[words.length - 1]?.[0] ?? "") : "";
  return (first + last).toUpperCase() || "?";
}

export const PRIORITY_NAMES = { low: "Low", medium: "Medium", high: "High" } as const;
export const ROLE_NAMES = { owner: "Owner", editor: "Editor", viewer: "Viewer" } as const;

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });
const STEPS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["minute", 60],
  ["hour", 3600],
  ["day", 86_400],
];

/** "just now", "5 minutes ago", "yesterday", "3 days ago"; past a week the date and time (the exact time is its title). */
export function formatRelative(iso: string, now = new Date()): string {
  const seconds = (now.getTime() - new Date(iso).getTime()) / 1000;
  if (Number.isNaN(seconds)) return "—";
  if (seconds < 45) return "just now";
  if (seconds >= 7 * 86_400) return formatTime(iso);
  let unit: Intl.RelativeTimeFormatUnit = "minute";
  let size = 60;
  for (const [name, length] of STEPS) if (seconds >= length) [unit, size] = [name, length];
  return relative.format(-Math.max(1, Math.round(seconds / size)), unit);
}
