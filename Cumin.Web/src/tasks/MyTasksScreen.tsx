import { useEffect, useState } from "preact/hooks";
import { api, ok, reloadSignal, type Task } from "../api/client";
import { PRIORITY_NAMES, formatDate, isOverdue } from "../app/format";
import { Link } from "../app/Link";
import { taskUrl } from "../app/router";
import { STATUSES, STATUS_NAMES, type Status } from "../board/boardState";
import { loadProjects, projects } from "../projects/projectsState";

const PAGE = 50;
// Which read is the latest (the status filter changed, or the banner's retry): an older one's answer is dropped.
let current = 0;

/** The tasks assigned to the caller in every project, soonest due first (API.md's GET /api/tasks?assigneeId=me). */
export function MyTasksScreen() {
  const [status, setStatus] = useState<Status | "">("");
  const [items, setItems] = useState<Task[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const reload = reloadSignal.value;

  // A page may be empty while nextCursor is not null: follow it until a page's worth has come or the list ends.
  const read = async (from: string | null, into: Task[], generation: number) => {
    setBusy(true);
    try {
      const found = [...into];
      let next: string | null = from;
      do {
        const query = { assigneeId: "me", limit: String(PAGE), ...(status ? { status } : {}), ...(next ? { cursor: next } : {}) };
        const page = ok(await api.GET("/api/tasks", { params: { query } }));
        found.push(...(page.items as Task[]));
        next = page.nextCursor ?? null;
      } while (next && found.length - into.length < PAGE);
      if (generation !== current) return;
      setItems(found);
      setCursor(next);
      setError(null);
    } catch (e) {
      if (generation === current) setError((e as Error).message);
    } finally {
      if (generation === current) setBusy(false);
    }
  };

  useEffect(() => {
    current++;
    setItems(null);
    void read(null, [], current);
    if (projects.value === null) void loadProjects();
  }, [status, reload]);

  const projectName = (id: string) => projects.value?.find((p) => p.id === id)?.name ?? "";

  return (
    <main class="page" id="main">
      <div class="page-head">
        <h1>My tasks</h1>
        <label class="filter-select">
          <span class="visually-hidden">Show tasks with status</span>
          <select value={status} onChange={(e) => setStatus(e.currentTarget.value as Status | "")}>
            <option value="">Every status</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {STATUS_NAMES[s]}
              </option>
            ))}
          </select>
        </label>
      </div>
      {error && (
        <p class="form-error" role="alert">
          Your tasks could not be loaded: {error}
        </p>
      )}
      {items === null && !error && (
        <p class="muted" role="status">
          Loading your tasks…
        </p>
      )}
      {items !== null && items.length === 0 && (
        <div class="empty">
          <h2>Nothing assigned to you</h2>
          <p>Tasks assigned to you in any of your projects are listed here, soonest due first.</p>
        </div>
      )}
      {items !== null && items.length > 0 && (
        <ul class="my-tasks" aria-label="Tasks assigned to you">
          {items.map((task) => (
            <li key={task.id} class="card my-task" aria-label={task.title}>
              <Link href={taskUrl(task.projectId, task.id)} class="task-title">
                {task.title}
              </Link>
              <span class="muted my-task-project">{projectName(task.projectId)}</span>
              <span class={`status status-${task.status}`}>{STATUS_NAMES[task.status]}</span>
              <span class={`priority priority-${task.priority}`}>
                <span aria-hidden="true" class="priority-dot" />
                {PRIORITY_NAMES[task.priority]}
                <span class="visually-hidden"> priority</span>
              </span>
              <span class={`due${isOverdue(task) ? " overdue" : ""}`}>
                {task.dueDate ? (
                  <>
                    {isOverdue(task) ? "Overdue" : "Due"} <time dateTime={task.dueDate}>{formatDate(task.dueDate)}</time>
                  </>
                ) : (
                  "No due date"
                )}
              </span>
            </li>
          ))}
        </ul>
      )}
      {cursor && (
        <p>
          <button type="button" class="button" disabled={busy} onClick={() => items && void read(cursor, items, current)}>
            Show more
          </button>
        </p>
      )}
    </main>
  );
}
