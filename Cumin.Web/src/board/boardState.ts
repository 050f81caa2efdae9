// The board's tasks: what the server confirmed (applied only when a Task's version is newer, so late or repeated
// answers and, later, live projectEvents never undo newer work) plus this tab's moves still in flight, which win
// while they are pending so a card being moved is not yanked back.

export type Status = "todo" | "in_progress" | "done";

export const STATUSES: readonly Status[] = ["todo", "in_progress", "done"];

export const STATUS_NAMES: Record<Status, string> = { todo: "To Do", in_progress: "In Progress", done: "Done" };

export interface BoardTask {
  id: string;
  status: Status;
  title: string;
  version: number;
  /** Place within its column, compared byte-wise (ordinal); absent until the server orders columns by rank. */
  rank?: string | null;
}

/** Sorts after every rank the server hands out (they are ASCII): a moved card goes to the end of its new column. */
export const END_RANK = "\uffff";

export type Overlay<T> = ReadonlyMap<string, Partial<T>>;

/** Ordinal order: by rank where both have one, then by id (ids are time-ordered, so creation order). */
export function compareTasks(a: BoardTask, b: BoardTask): number {
  const ra = a.rank ?? null;
  const rb = b.rank ?? null;
  if (ra !== null && rb !== null && ra !== rb) return ra < rb ? -1 : 1;
  if (ra !== null && rb === null) return a.rank === END_RANK ? 1 : -1;
  if (ra === null && rb !== null) return b.rank === END_RANK ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The map with task applied when it is newer than what it holds (same map when not: nothing changed). */
export function applyTask<T extends BoardTask>(tasks: ReadonlyMap<string, T>, task: T): ReadonlyMap<string, T> {
  const current = tasks.get(task.id);
  if (current && current.version >= task.version) return tasks;
  return new Map(tasks).set(task.id, task);
}

/** Several tasks at once (a loaded page), each by the same rule. */
export function applyTasks<T extends BoardTask>(tasks: ReadonlyMap<string, T>, incoming: Iterable<T>): ReadonlyMap<string, T> {
  let next: Map<string, T> | null = null;
  for (const task of incoming) {
    const current = (next ?? tasks).get(task.id);
    if (current && current.version >= task.version) continue;
    next ??= new Map(tasks);
    next.set(task.id, task);
  }
  return next ?? tasks;
}

export function removeTask<T extends BoardTask>(tasks: ReadonlyMap<string, T>, id: string): ReadonlyMap<string, T> {
  if (!tasks.has(id)) return tasks;
  const next = new Map(tasks);
  next.delete(id);
  return next;
}

/** A task as shown: the confirmed one with this tab's pending change on top. */
export function shown<T extends BoardTask>(tasks: ReadonlyMap<string, T>, overlay: Overlay<T>, id: string): T | undefined {
  const task = tasks.get(id);
  const change = overlay.get(id);
  return task && change ? { ...task, ...change } : task;
}

/** The three columns, each in order, keeping only tasks whose title contains filter (case-insensitive). */
export function columns<T extends BoardTask>(tasks: ReadonlyMap<string, T>, overlay: Overlay<T>, filter = ""): Record<Status, T[]> {
  const result: Record<Status, T[]> = { todo: [], in_progress: [], done: [] };
  const needle = filter.trim().toLocaleLowerCase();
  for (const id of tasks.keys()) {
    const task = shown(tasks, overlay, id)!;
    if (needle && !task.title.toLocaleLowerCase().includes(needle)) continue;
    result[task.status].push(task);
  }
  for (const status of STATUSES) result[status].sort(compareTasks);
  return result;
}

/** The column to the left (-1) or right (+1) of status, or null at the edge. */
export function neighbourStatus(status: Status, step: -1 | 1): Status | null {
  return STATUSES[STATUSES.indexOf(status) + step] ?? null;
}
