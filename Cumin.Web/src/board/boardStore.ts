// One project's board as signals: the project, its members and labels, every task the toolbar's filters select (all
// pages of every column, in rank order), this tab's moves in flight, and the actions that change them, each sent with
// If-Match so a stale board never overwrites newer work and never silently puts a card back.
// About 380 lines on purpose: one closure, as every action reads and writes the same signals and moves in flight; the
// pure rules it applies (the cards' order and places, a task applied, the filters) are in boardState.ts, unit-tested.
import { computed, signal } from "@preact/signals";
import { allPages, api, describe, ok, problemOf, type Comment, type Label, type Member, type Project, type Task } from "../api/client";
import { toast } from "../app/toasts";
import { dropProject } from "../projects/projectsState";
import { currentUser, hubState, watchProject, type ProjectEvent } from "../session/session";
import {
  STATUSES,
  STATUS_NAMES,
  applyTask,
  columns,
  filterColumns,
  hasFilters,
  removeTask,
  replaceColumns,
  type MoveTarget,
  type Placement,
  type Status,
  type TaskFilters,
} from "./boardState";

const PAGE = 200;
const COUNT_KEYS = { todo: "todo", in_progress: "inProgress", done: "done" } as const;

export type BoardStore = ReturnType<typeof createBoardStore>;

/** The toolbar's due-date filter: none, overdue (due before today), due by today, due within a week. */
export type DueChoice = "" | "overdue" | "today" | "week";

/** A comment event of the board's project, for the drawer showing that task: the comment, or which one went. */
export type CommentEvent = { taskId: string; comment: Comment; commentId?: undefined } | { taskId: string; commentId: string; comment?: undefined };

const byName = (a: Label, b: Label) => a.name.localeCompare(b.name);

export function createBoardStore(projectId: string) {
  const project = signal<Project | null>(null);
  const members = signal<Member[]>([]);
  const labels = signal<Label[]>([]);
  const tasks = signal<ReadonlyMap<string, Task>>(new Map());
  /** Placements in flight or held; a held one keeps the version the drag began from (what the person saw). */
  const pending = signal<ReadonlyMap<string, Placement & { held?: boolean; version?: number }>>(new Map());
  const loaded = signal(false);
  const error = signal<{ status: number; message: string } | null>(null);
  /** The title filter, applied to what is loaded (instant, no request per keystroke). */
  const filter = signal("");
  /** The toolbar's server-side filters (API.md's assigneeId, labelId, dueBefore). */
  const filters = signal<TaskFilters>({});
  /** The toolbar's due-date choice behind filters.dueBefore (a date relative to today). */
  const due = signal<DueChoice>("");
  /** Tasks known to be deleted: a late answer or event about one never brings its card back. */
  const deleted = signal<ReadonlySet<string>>(new Set());
  /** Why the board can no longer be shown (this user removed, the project deleted), as a sentence. */
  const ended = signal<string | null>(null);
  const commentListeners = new Set<(event: CommentEvent) => void>();
  const eventListeners = new Set<(event: ProjectEvent) => void>();
  /** The card this person is dragging, if any. */
  const dragging = signal<string | null>(null);
  const ordered = computed(() => columns(tasks.value, pending.value));
  const board = computed(() => filterColumns(ordered.value, filters.value, filter.value));
  /** Each column's size before the title filter: what is loaded, or with server filters the project's counts. */
  const totals = computed(() => {
    const selected = filterColumns(ordered.value, filters.value);
    const counts = project.value?.counts;
    const total = (status: Status) =>
      hasFilters(filters.value) && counts ? Math.max(counts[COUNT_KEYS[status]], selected[status].length) : selected[status].length;
    return { todo: total("todo"), in_progress: total("in_progress"), done: total("done") };
  });
  /** Moves waiting for their answer (not cards merely held while dragged): the board is aria-busy meanwhile. */
  const busy = computed(() => [...pending.value.values()].some((p) => !p.held));
  const canEdit = computed(() => project.value !== null && project.value.role !== "viewer");
  const memberById = computed(() => new Map(members.value.map((m) => [m.userId, m])));
  const labelById = computed(() => new Map(labels.value.map((l) => [l.id, l])));
  const path = { projectId };
  let seq = 0;

  const apply = (task: Task) => {
    if (!deleted.value.has(task.id)) tasks.value = applyTask(tasks.value, task);
  };
  const forget = (id: string) => {
    deleted.value = new Set(deleted.value).add(id);
    tasks.value = removeTask(tasks.value, id);
  };
  const setPending = (id: string, place: (Placement & { held?: boolean; version?: number }) | null) => {
    const next = new Map(pending.value);
    if (place) next.set(id, place);
    else next.delete(id);
    pending.value = next;
  };

  // A newer load (the filters changed again) wins over an older one still under way.
  let generation = 0;

  /** Reads statuses' columns again with the current filters, every page, and puts them in place of what was shown. */
  async function loadColumns(statuses: readonly Status[] = STATUSES): Promise<void> {
    const mine = generation;
    const before = tasks.value;
    const { assigneeId, labelId, dueBefore } = filters.value;
    const query = { ...(assigneeId ? { assigneeId } : {}), ...(labelId ? { labelId } : {}), ...(dueBefore ? { dueBefore } : {}) };
    const pages = await Promise.all(
      statuses.map((status) =>
        allPages((cursor) =>
          api.GET("/api/projects/{projectId}/tasks", { params: { path, query: { status, order: "rank", limit: String(PAGE), cursor, ...query } } }).then(ok),
        ),
      ),
    );
    if (mine !== generation) return;
    const fresh = (pages.flat() as Task[]).filter((t) => !deleted.value.has(t.id));
    tasks.value = replaceColumns(tasks.value, before, statuses, fresh, (id) => pending.value.has(id));
  }

  async function loadProjectData(): Promise<void> {
    const [p, m, l] = await Promise.all([
      api.GET("/api/projects/{projectId}", { params: { path } }).then(ok),
      api.GET("/api/projects/{projectId}/members", { params: { path } }).then(ok),
      api.GET("/api/projects/{projectId}/labels", { params: { path } }).then(ok),
    ]);
    project.value = p;
    members.value = m.items as Member[];
    labels.value = (l.items as Label[]).slice().sort(byName);
  }

  async function load(): Promise<void> {
    try {
      await Promise.all([loadProjectData(), loadColumns()]);
      loaded.value = true;
      error.value = null;
    } catch (e) {
      const problem = (e as { problem?: { status: number } }).problem;
      error.value = { status: problem?.status ?? 0, message: (e as Error).message };
    }
  }

  /** New toolbar filters: the board shows what they select at once (from what it holds) and reads it from the server. */
  async function setFilters(next: TaskFilters, choice: DueChoice = due.value): Promise<void> {
    filters.value = next;
    due.value = choice;
    generation++;
    try {
      await loadColumns();
    } catch (e) {
      toast(`The board could not be filtered: ${(e as Error).message}`, "error");
    }
  }

  /** Loads one task again (after a 412): the server's version is shown, whatever this tab held. */
  async function reloadTask(id: string): Promise<void> {
    const { data, response } = await api.GET("/api/projects/{projectId}/tasks/{taskId}", { params: { path: { projectId, taskId: id } } });
    if (data) apply(data as Task);
    else if (response.status === 404) forget(id);
  }

  // The last place asked for per task, and the chain of its requests: a second move (Alt+↓ twice) waits for the first
  // answer, then is sent with the version that answer gave; a move superseded meanwhile is never sent.
  const intents = new Map<string, object>();
  const chains = new Map<string, Promise<void>>();

  /** Shown at once where it was put; the answer (or, on 409/412, the server's board) replaces it. */
  function move(id: string, target: MoveTarget): Promise<void> {
    const task = tasks.value.get(id);
    if (!task || !canEdit.value) return Promise.resolve();
    const intent = {};
    intents.set(id, intent);
    // A drop is a decision about the card as it was when the drag began: sent with that version, so a change that
    // arrived mid-drag (the card was held in place meanwhile) is not silently overwritten but met with a 412.
    const held = pending.value.get(id);
    const seen = held?.held ? held.version : undefined;
    setPending(id, { ...target, seq: ++seq });
    const run = (chains.get(id) ?? Promise.resolve()).then(() => (intents.get(id) === intent ? send(id, target, intent, seen) : undefined));
    chains.set(id, run);
    return run;
  }

  async function send(id: string, target: MoveTarget, intent: object, seen?: number): Promise<void> {
    const confirmed = tasks.value.get(id);
    if (!confirmed) return;
    const latest = () => intents.get(id) === intent;
    const { data, error: body, response } = await api.POST("/api/projects/{projectId}/tasks/{taskId}/move", {
      params: { path: { projectId, taskId: id } },
      headers: { "If-Match": `"${seen ?? confirmed.version}"` },
      body: { status: target.status, ...(target.afterId ? { afterId: target.afterId } : {}), ...(target.beforeId ? { beforeId: target.beforeId } : {}) },
    });
    if (data) apply(data as Task);
    if (latest() || !data) {
      intents.delete(id);
      setPending(id, null);
    }
    if (data) return;
    if (response.status === 409) {
      // A neighbour moved on: the board was stale. Read it again rather than guess where anything belongs (the
      // neighbour may have gone to any column).
      toast(`The board changed, so “${confirmed.title}” was not moved. The board was reloaded; try again.`, "error");
      await loadColumns().catch(() => undefined);
    } else if (response.status === 412) {
      toast(`Someone else changed “${confirmed.title}”, so it was not moved. The board shows their version now.`, "error");
      await reloadTask(id);
    } else {
      toast(`“${confirmed.title}” was not moved to ${STATUS_NAMES[target.status]}: ${describe(problemOf(response, body))}`, "error");
      if (response.status === 404) forget(id);
    }
  }

  /** A card being dragged stays where it is shown, whatever arrives meanwhile, until it is dropped or let go. */
  function hold(id: string): void {
    const task = tasks.value.get(id);
    dragging.value = id;
    if (!task || pending.value.has(id)) return;
    const column = ordered.value[task.status];
    const index = column.findIndex((t) => t.id === id);
    const above = column[index - 1];
    const below = column[index + 1];
    setPending(id, { status: task.status, afterId: above?.id ?? null, beforeId: above ? null : (below?.id ?? null), seq: ++seq, held: true, version: task.version });
  }

  function release(id: string): void {
    if (dragging.value === id) dragging.value = null;
    if (pending.value.get(id)?.held) setPending(id, null);
  }

  async function add(title: string, status: Status): Promise<string | null> {
    const { data, error: body, response } = await api.POST("/api/projects/{projectId}/tasks", { params: { path }, body: { title, status } });
    if (data) {
      apply(data as Task);
      return null;
    }
    return describe(problemOf(response, body));
  }

  /** A new label of the project (owner, editor); the problem as a sentence when it was refused. */
  async function createLabel(name: string, color: string): Promise<Label | string> {
    const { data, error: body, response } = await api.POST("/api/projects/{projectId}/labels", { params: { path }, body: { name, color } });
    if (data) {
      const label = data as Label;
      upsertLabel(label);
      return label;
    }
    const problem = problemOf(response, body);
    return problem.status === 409 && !/limit/i.test(problem.title) ? `A label named “${name}” exists already.` : describe(problem);
  }

  function upsertLabel(label: Label): void {
    labels.value = [...labels.value.filter((l) => l.id !== label.id), label].sort(byName);
  }

  /** A comment added or deleted elsewhere changes the card's count; the task's version stays (API.md: only the count). */
  function countComment(taskId: string, step: 1 | -1): void {
    const task = tasks.value.get(taskId);
    if (task) tasks.value = new Map(tasks.value).set(taskId, { ...task, commentCount: Math.max(0, (task.commentCount ?? 0) + step) });
  }

  /** One projectEvent (API.md "Live board"), applied by the same rules as the board's own answers. */
  function receive(event: ProjectEvent): void {
    if (ended.value) return;
    const data = event.data as Record<string, unknown>;
    eventListeners.forEach((l) => l(event));
    switch (event.type) {
      case "task.created":
      case "task.updated":
      case "task.moved":
        apply(data as unknown as Task);
        break;
      case "task.deleted":
        forget(String(data.taskId));
        break;
      case "comment.created":
      case "comment.updated": {
        const comment = data as unknown as Comment;
        if (event.type === "comment.created") countComment(comment.taskId, 1);
        commentListeners.forEach((l) => l({ taskId: comment.taskId, comment }));
        break;
      }
      case "comment.deleted":
        countComment(String(data.taskId), -1);
        commentListeners.forEach((l) => l({ taskId: String(data.taskId), commentId: String(data.commentId) }));
        break;
      case "label.created":
      case "label.updated":
        upsertLabel(data as unknown as Label);
        break;
      case "label.deleted":
        labels.value = labels.value.filter((l) => l.id !== data.labelId);
        break;
      case "member.added": {
        const member = data as unknown as Member;
        members.value = [...members.value.filter((m) => m.userId !== member.userId), member];
        break;
      }
      case "member.removed":
        if (data.userId === currentUser.value?.id) end("You were removed from this project, so its board is no longer available to you.");
        else members.value = members.value.filter((m) => m.userId !== data.userId);
        break;
      case "project.updated":
        // The event's project is everyone's: this caller's role is the one it had.
        if (project.value) project.value = { ...(data as unknown as Project), role: project.value.role };
        break;
      case "project.deleted":
        end("This project was deleted by its owner.");
        break;
      case "counts.updated":
        if (project.value) project.value = { ...project.value, counts: data as unknown as Project["counts"] };
        break;
    }
  }

  function end(reason: string): void {
    ended.value = reason;
    dropProject(projectId);
  }

  /**
   * Watches the project's events and reads the board once the watch holds (so no change falls between the read and
   * the watch), and again after every re-established watch, since events missed meanwhile are not replayed. Without a
   * hub connection it reads at once. Returns the function that stops watching.
   */
  function start(): () => void {
    const stop = watchProject(projectId, receive, () => void reload());
    if (hubState.value !== "connected") void reload();
    return stop;
  }

  // One read at a time: a second asked for meanwhile runs once the first is done (it may have begun before a change).
  let reading: Promise<void> | null = null;
  let again = false;
  async function reload(): Promise<void> {
    if (reading) {
      again = true;
      return reading;
    }
    do {
      again = false;
      reading = load();
      await reading;
    } while (again);
    reading = null;
  }

  return {
    projectId,
    deleted,
    ended,
    start,
    reload,
    receive,
    onComment(listener: (event: CommentEvent) => void): () => void {
      commentListeners.add(listener);
      return () => commentListeners.delete(listener);
    },
    /** Every projectEvent of the board's project as it arrives (the drawer's activity follows its task's). */
    onEvent(listener: (event: ProjectEvent) => void): () => void {
      eventListeners.add(listener);
      return () => eventListeners.delete(listener);
    },
    project,
    members,
    labels,
    memberById,
    labelById,
    tasks,
    pending,
    busy,
    loaded,
    error,
    filter,
    filters,
    due,
    dragging,
    ordered,
    board,
    totals,
    canEdit,
    load,
    loadColumns,
    setFilters,
    reloadTask,
    move,
    hold,
    release,
    add,
    createLabel,
    apply,
    remove: forget,
  };
}
