// The board's tasks: what the server confirmed (applied only when a Task's version is newer, so late or repeated
// answers and live projectEvents never undo newer work) plus this tab's moves still in flight, which win while they
// are pending so a card being moved (or dragged) is not yanked back. Pure functions: the store holds the signals.

export type Status = "todo" | "in_progress" | "done";

export const STATUSES: readonly Status[] = ["todo", "in_progress", "done"];

export const STATUS_NAMES: Record<Status, string> = { todo: "To Do", in_progress: "In Progress", done: "Done" };

export interface BoardTask {
  id: string;
  status: Status;
  title: string;
  version: number;
  /** Place within its column, compared byte-wise (ordinal), as API.md says. */
  rank?: string | null;
  assigneeId?: string | null;
  dueDate?: string | null;
  labelIds?: readonly string[] | null;
}

/**
 * Where this tab put a card and is waiting to hear back: directly after afterId, or directly before beforeId, in
 * status; with neither, at the end of status. seq orders placements made one after another (a later one may be
 * anchored on a card an earlier one placed).
 */
export interface Placement {
  status: Status;
  afterId?: string | null;
  beforeId?: string | null;
  seq: number;
}

/** A card's pending change: a placement (a move in flight, or a card held where it was while it is dragged). */
export type Overlay = ReadonlyMap<string, Placement>;

export type Columns<T> = Record<Status, T[]>;

/** Ordinal order: by rank where both have one, then by id (ids are time-ordered, so creation order). */
export function compareTasks(a: BoardTask, b: BoardTask): number {
  const ra = a.rank ?? null;
  const rb = b.rank ?? null;
  if (ra !== null && rb !== null && ra !== rb) return ra < rb ? -1 : 1;
  if (ra !== null && rb === null) return -1;
  if (ra === null && rb !== null) return 1;
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

/**
 * A column (or the whole board) read again: the fresh tasks are applied by the version rule, and a task the map held
 * in one of those columns that the fresh pages no longer list is dropped, unless it changed while they were being
 * read (before: the map when the reading began; a newer version came from elsewhere meanwhile) or keep says so.
 */
export function replaceColumns<T extends BoardTask>(
  tasks: ReadonlyMap<string, T>,
  before: ReadonlyMap<string, T>,
  statuses: readonly Status[],
  fresh: readonly T[],
  keep: (id: string) => boolean = () => false,
): ReadonlyMap<string, T> {
  const listed = new Set(fresh.map((t) => t.id));
  let next = applyTasks(tasks, fresh);
  for (const [id, task] of before) {
    if (listed.has(id) || !statuses.includes(task.status) || keep(id)) continue;
    if (next.get(id) === task) next = removeTask(next, id);
  }
  return next;
}

/** A task as shown: the confirmed one, in the column its pending placement says. */
export function shown<T extends BoardTask>(tasks: ReadonlyMap<string, T>, overlay: Overlay, id: string): T | undefined {
  const task = tasks.get(id);
  const place = overlay.get(id);
  return task && place && place.status !== task.status ? { ...task, status: place.status } : task;
}

/**
 * The three columns in board order: confirmed tasks by rank, then each pending placement in the order it was made,
 * directly after its afterId (or before its beforeId) when that card is in the column, else at the column's end.
 */
export function columns<T extends BoardTask>(tasks: ReadonlyMap<string, T>, overlay: Overlay): Columns<T> {
  const result: Columns<T> = { todo: [], in_progress: [], done: [] };
  const placed: [T, Placement][] = [];
  for (const [id, task] of tasks) {
    const place = overlay.get(id);
    if (place) placed.push([shown(tasks, overlay, id)!, place]);
    else result[task.status].push(task);
  }
  for (const status of STATUSES) result[status].sort(compareTasks);
  placed.sort((a, b) => a[1].seq - b[1].seq);
  for (const [task, place] of placed) {
    const column = result[place.status];
    const after = place.afterId ? column.findIndex((t) => t.id === place.afterId) : -1;
    const before = place.beforeId ? column.findIndex((t) => t.id === place.beforeId) : -1;
    const at = after >= 0 ? after + 1 : before >= 0 ? before : column.length;
    column.splice(at, 0, task);
  }
  return result;
}

/** What the board's toolbar asks the server for (API.md's list filters), and the same test for a task in hand. */
export interface TaskFilters {
  /** A member's user id, or "none" for tasks without an assignee. */
  assigneeId?: string | null;
  labelId?: string | null;
  /** YYYY-MM-DD: due on or before it. */
  dueBefore?: string | null;
}

export const hasFilters = (filters: TaskFilters) => Boolean(filters.assigneeId || filters.labelId || filters.dueBefore);

/** Whether task passes filters as the server would decide (so a task changed or arriving live shows or hides at once). */
export function matches(task: BoardTask, filters: TaskFilters): boolean {
  if (filters.assigneeId) {
    const assignee = task.assigneeId ?? null;
    if (filters.assigneeId === "none" ? assignee !== null : assignee !== filters.assigneeId) return false;
  }
  if (filters.labelId && !(task.labelIds ?? []).includes(filters.labelId)) return false;
  if (filters.dueBefore && !(task.dueDate && task.dueDate <= filters.dueBefore)) return false;
  return true;
}

/** The columns keeping only tasks that pass filters and whose title contains text (case-insensitive). */
export function filterColumns<T extends BoardTask>(board: Columns<T>, filters: TaskFilters, text = ""): Columns<T> {
  const needle = text.trim().toLocaleLowerCase();
  if (!needle && !hasFilters(filters)) return board;
  const keep = (t: T) => matches(t, filters) && (!needle || t.title.toLocaleLowerCase().includes(needle));
  return { todo: board.todo.filter(keep), in_progress: board.in_progress.filter(keep), done: board.done.filter(keep) };
}

/** The column to the left (-1) or right (+1) of status, or null at the edge. */
export function neighbourStatus(status: Status, step: -1 | 1): Status | null {
  return STATUSES[STATUSES.indexOf(status) + step] ?? null;
}

/** A move for the server: API.md's POST .../move body (a neighbour or neither, in status). */
export interface MoveTarget {
  status: Status;
  afterId?: string;
  beforeId?: string;
}

/**
 * The move that puts card id into slot (0 … column.length: before column[slot]) of column as it is shown in status,
 * or null when that is where it already is. After the card shown above the slot, else before the one below, else (an
 * empty column) its end. Shown neighbours are what the person sees: with a filter on they may not be adjacent in
 * the whole column, and "directly after the one above" still puts the card between the two the person dropped it on.
 */
export function placeAt<T extends BoardTask>(column: readonly T[], status: Status, id: string, slot: number): MoveTarget | null {
  const own = column.findIndex((t) => t.id === id);
  if (own >= 0 && (slot === own || slot === own + 1)) return null;
  const others = column.filter((t) => t.id !== id);
  const at = Math.max(0, Math.min(own >= 0 && slot > own ? slot - 1 : slot, others.length));
  const above = others[at - 1];
  const below = others[at];
  if (above) return { status, afterId: above.id };
  if (below) return { status, beforeId: below.id };
  return { status };
}

/** Alt+↑ / Alt+↓: one place up (before the card shown above) or down (after the card shown below); null at the edge. */
export function stepWithin<T extends BoardTask>(column: readonly T[], status: Status, id: string, step: -1 | 1): MoveTarget | null {
  const index = column.findIndex((t) => t.id === id);
  const neighbour = index < 0 ? undefined : column[index + step];
  if (!neighbour) return null;
  return step < 0 ? { status, beforeId: neighbour.id } : { status, afterId: neighbour.id };
}

/** The slot nearest to a point y pixels below the top of a list of rows of height row (the gap closest to it). */
export function slotAt(y: number, row: number, size: number): number {
  return Math.max(0, Math.min(size, Math.floor(y / row + 0.5)));
}
