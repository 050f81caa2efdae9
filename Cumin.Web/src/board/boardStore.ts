// One project's board as signals: every task of the project (all pages of every column), this tab's moves in
// flight, and the actions that change them, each sent with If-Match so a stale board never overwrites newer work.
import { computed, signal } from "@preact/signals";
import { allPages, api, describe, ok, problemOf, type Project, type Task } from "../api/client";
import { toast } from "../app/toasts";
import { END_RANK, STATUSES, STATUS_NAMES, applyTask, applyTasks, columns, removeTask, shown, type Status } from "./boardState";

const PAGE = 200;

export type BoardStore = ReturnType<typeof createBoardStore>;

export function createBoardStore(projectId: string) {
  const project = signal<Project | null>(null);
  const tasks = signal<ReadonlyMap<string, Task>>(new Map());
  const pending = signal<ReadonlyMap<string, Partial<Task>>>(new Map());
  const loaded = signal(false);
  const error = signal<{ status: number; message: string } | null>(null);
  const filter = signal("");
  const board = computed(() => columns(tasks.value, pending.value, filter.value));
  const totals = computed(() => columns(tasks.value, pending.value));
  const canEdit = computed(() => project.value !== null && project.value.role !== "viewer");
  const path = { projectId };

  const apply = (task: Task) => (tasks.value = applyTask(tasks.value, task));
  const setPending = (id: string, change: Partial<Task> | null) => {
    const next = new Map(pending.value);
    if (change) next.set(id, change);
    else next.delete(id);
    pending.value = next;
  };

  async function load(): Promise<void> {
    try {
      const [p, ...pages] = await Promise.all([
        api.GET("/api/projects/{projectId}", { params: { path } }).then(ok),
        ...STATUSES.map((status) =>
          allPages((cursor) => api.GET("/api/projects/{projectId}/tasks", { params: { path, query: { status, limit: String(PAGE), cursor } } }).then(ok)),
        ),
      ]);
      project.value = p;
      tasks.value = applyTasks(tasks.value, pages.flat());
      loaded.value = true;
      error.value = null;
    } catch (e) {
      const problem = (e as { problem?: { status: number } }).problem;
      error.value = { status: problem?.status ?? 0, message: (e as Error).message };
    }
  }

  /** Loads one task again (after a 412): the server's version is shown, whatever this tab held. */
  async function reloadTask(id: string): Promise<void> {
    const { data, response } = await api.GET("/api/projects/{projectId}/tasks/{taskId}", { params: { path: { projectId, taskId: id } } });
    if (data) apply(data);
    else if (response.status === 404) tasks.value = removeTask(tasks.value, id);
  }

  // The last place asked for per task, and the chain of its requests: a second move (Shift+→ twice) waits for the
  // first answer, then is sent with the version that answer gave; a move superseded meanwhile is never sent.
  const intents = new Map<string, object>();
  const chains = new Map<string, Promise<void>>();

  function move(id: string, status: Status): Promise<void> {
    const task = shown(tasks.value, pending.value, id);
    if (!task || task.status === status) return Promise.resolve();
    const intent = {};
    intents.set(id, intent);
    // Shown at the end of its new column at once; the answer (or the server's version, on 412) replaces it.
    setPending(id, { status, rank: END_RANK });
    const run = (chains.get(id) ?? Promise.resolve()).then(() => (intents.get(id) === intent ? send(id, status, intent) : undefined));
    chains.set(id, run);
    return run;
  }

  async function send(id: string, status: Status, intent: object): Promise<void> {
    const confirmed = tasks.value.get(id);
    if (!confirmed) return;
    const latest = () => intents.get(id) === intent;
    if (confirmed.status === status) {
      if (latest()) setPending(id, null);
      return;
    }
    const { data, error: body, response } = await api.PATCH("/api/projects/{projectId}/tasks/{taskId}", {
      params: { path: { projectId, taskId: id } },
      headers: { "If-Match": `"${confirmed.version}"` },
      body: { status },
    });
    if (data) apply(data as Task);
    if (latest() || !data) {
      intents.delete(id);
      setPending(id, null);
    }
    if (data) return;
    if (response.status === 412) {
      toast(`Someone else changed “${confirmed.title}”, so it was not moved. The board shows their version now.`, "error");
      await reloadTask(id);
    } else {
      toast(`“${confirmed.title}” was not moved to ${STATUS_NAMES[status]}: ${describe(problemOf(response, body))}`, "error");
      if (response.status === 404) tasks.value = removeTask(tasks.value, id);
    }
  }

  async function add(title: string, status: Status): Promise<string | null> {
    const { data, error: body, response } = await api.POST("/api/projects/{projectId}/tasks", { params: { path }, body: { title, status } });
    if (data) {
      apply(data);
      return null;
    }
    return describe(problemOf(response, body));
  }

  return { projectId, project, tasks, pending, loaded, error, filter, board, totals, canEdit, load, reloadTask, move, add, apply, remove: (id: string) => (tasks.value = removeTask(tasks.value, id)) };
}
