import { useEffect, useRef, useState } from "preact/hooks";
import { api, describe, problemOf, type Priority, type Problem, type Task } from "../api/client";
import { ConfirmDialog } from "../app/ConfirmDialog";
import { PRIORITY_NAMES, formatDate, formatTime, isOverdue } from "../app/format";
import { toast } from "../app/toasts";
import type { BoardStore } from "../board/boardStore";
import { STATUSES, STATUS_NAMES, type Status } from "../board/boardState";
import { TaskActivity } from "../activity/TaskActivity";
import { Comments } from "../comments/Comments";
import { LabelChip } from "../labels/LabelChip";
import { LabelPicker } from "../labels/LabelPicker";

type Draft = { title: string; description: string; status: Status; priority: Priority; assigneeId: string; dueDate: string; labelIds: string[] };

const draftOf = (task: Task): Draft => ({
  title: task.title,
  description: task.description ?? "",
  status: task.status,
  priority: task.priority,
  assigneeId: task.assigneeId ?? "",
  dueDate: task.dueDate ?? "",
  labelIds: [...(task.labelIds ?? [])],
});

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));

/** The PATCH body for what the person changed (API.md: a member left out stays as it is, null clears). */
function changes(task: Task, draft: Draft): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (draft.title.trim() !== task.title) body.title = draft.title.trim();
  if (draft.description !== (task.description ?? "")) body.description = draft.description ? draft.description : null;
  if (draft.status !== task.status) body.status = draft.status;
  if (draft.priority !== task.priority) body.priority = draft.priority;
  if (draft.assigneeId !== (task.assigneeId ?? "")) body.assigneeId = draft.assigneeId || null;
  if (draft.dueDate !== (task.dueDate ?? "")) body.dueDate = draft.dueDate || null;
  if (!sameSet(draft.labelIds, task.labelIds ?? [])) body.labelIds = draft.labelIds;
  return body;
}

const PRIORITIES: Priority[] = ["low", "medium", "high"];

/** The task at its own URL: editable for owners and editors (every save with If-Match), read-only for viewers. */
export function TaskDrawer(props: { store: BoardStore; taskId: string; onClose: () => void }) {
  const { store, taskId } = props;
  // What the board holds is shown at once; the drawer's own read follows.
  const [task, setTask] = useState<Task | null>(store.tasks.value.get(taskId) ?? null);
  const [missing, setMissing] = useState(false);
  const [draft, setDraft] = useState<Draft | null>(task && draftOf(task));
  const [problem, setProblem] = useState<Problem | null>(null);
  const [conflict, setConflict] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [saving, setSaving] = useState(false);
  const panel = useRef<HTMLDivElement>(null);
  const canEdit = store.canEdit.value;

  const adopt = (fresh: Task) => {
    setTask(fresh);
    setDraft(draftOf(fresh));
    store.apply(fresh);
  };

  // Someone else's change arriving live: shown at once while the person has not started editing; with edits under
  // way the draft stays, and saving it meets the 412 below rather than overwriting theirs.
  const live = store.tasks.value.get(taskId);
  useEffect(() => {
    if (!live || !task || live.version <= task.version) return;
    const untouched = !draft || Object.keys(changes(task, draft)).length === 0;
    setTask(live);
    if (untouched) setDraft(draftOf(live));
  }, [live?.version]);
  const gone = store.deleted.value.has(taskId);

  useEffect(() => {
    // The drawer reads the task itself: the board may hold an older version, and a deep link may come first.
    void api.GET("/api/projects/{projectId}/tasks/{taskId}", { params: { path: { projectId: store.projectId, taskId } } }).then(({ data, response }) => {
      if (!data) {
        if (response.status === 404) setMissing(true);
        return;
      }
      // Edits begun on the board's copy meanwhile are kept (a save then meets the 412 if the versions differ).
      const fresh = data as Task;
      store.apply(fresh);
      setTask(fresh);
      setDraft((d) => (!d || !task || Object.keys(changes(task, d)).length === 0 ? draftOf(fresh) : d));
    });
    panel.current?.focus();
  }, [taskId]);

  useEffect(() => {
    // Escape in a confirmation (the native dialog) answers it, not the drawer.
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && !confirming && !document.querySelector("dialog[open]") && props.onClose();
    addEventListener("keydown", onKey);
    return () => removeEventListener("keydown", onKey);
  }, [confirming]);

  const save = async (e: Event) => {
    e.preventDefault();
    if (!task || !draft) return;
    const body = changes(task, draft);
    if (Object.keys(body).length === 0) return props.onClose();
    setSaving(true);
    const { data, error, response } = await api.PATCH("/api/projects/{projectId}/tasks/{taskId}", {
      params: { path: { projectId: store.projectId, taskId } },
      headers: { "If-Match": `"${task.version}"` },
      body,
    });
    setSaving(false);
    if (data) {
      adopt(data as Task);
      setProblem(null);
      setConflict(false);
      toast(`Saved “${(data as Task).title}”.`);
      return;
    }
    const failed = problemOf(response, error);
    if (failed.status === 412) {
      // Never overwrite newer work: show the server's version and say so; the person's text was not sent.
      setConflict(true);
      setProblem(null);
      const { data: fresh } = await api.GET("/api/projects/{projectId}/tasks/{taskId}", { params: { path: { projectId: store.projectId, taskId } } });
      if (fresh) adopt(fresh as Task);
    } else {
      setProblem(failed);
    }
  };

  const remove = async () => {
    setConfirming(false);
    const { response, error } = await api.DELETE("/api/projects/{projectId}/tasks/{taskId}", { params: { path: { projectId: store.projectId, taskId } } });
    if (response.ok || response.status === 404) {
      store.remove(taskId);
      toast(`Deleted “${task?.title ?? "the task"}”.`);
      props.onClose();
    } else setProblem(problemOf(response, error));
  };

  return (
    <div class="drawer-backdrop" onClick={(e) => e.target === e.currentTarget && props.onClose()}>
      <div class="drawer" role="dialog" aria-modal="true" aria-labelledby="drawer-title" tabIndex={-1} ref={panel}>
        <div class="row between drawer-head">
          <h2 id="drawer-title">{task ? (canEdit ? "Edit task" : task.title) : missing ? "Task not found" : "Loading…"}</h2>
          <button type="button" class="icon-button" aria-label="Close" onClick={props.onClose}>
            ×
          </button>
        </div>
        {(missing || gone) && <p role={gone ? "alert" : undefined}>This task no longer exists, or you no longer have access to it.</p>}
        {conflict && (
          <p class="form-error" role="alert">
            Someone else changed this task while you were editing it. Your changes were not saved; their version is shown now.
          </p>
        )}
        {problem && (
          <p class="form-error" role="alert">
            {problem.errors ? Object.values(problem.errors).flat().join(" ") : describe(problem)}
          </p>
        )}
        {task && draft && canEdit && !gone && (
          <form class="drawer-form" onSubmit={save}>
            <div class="field">
              <label for="task-title">Title</label>
              <input id="task-title" required maxLength={200} value={draft.title} onInput={(e) => setDraft({ ...draft, title: e.currentTarget.value })} />
            </div>
            <div class="field">
              <label for="task-description">Description</label>
              <textarea id="task-description" rows={8} maxLength={5000} value={draft.description ?? ""} onInput={(e) => setDraft({ ...draft, description: e.currentTarget.value })} />
            </div>
            <div class="row wrap">
              <div class="field">
                <label for="task-status">Status</label>
                <select id="task-status" value={draft.status} onChange={(e) => setDraft({ ...draft, status: e.currentTarget.value as Status })}>
                  {STATUSES.map((s) => (
                    <option key={s} value={s}>
                      {STATUS_NAMES[s]}
                    </option>
                  ))}
                </select>
              </div>
              <div class="field">
                <label for="task-priority">Priority</label>
                <select id="task-priority" value={draft.priority} onChange={(e) => setDraft({ ...draft, priority: e.currentTarget.value as Priority })}>
                  {PRIORITIES.map((p) => (
                    <option key={p} value={p}>
                      {PRIORITY_NAMES[p]}
                    </option>
                  ))}
                </select>
              </div>
            </div>
            <div class="row wrap">
              <div class="field">
                <label for="task-assignee">Assignee</label>
                <select id="task-assignee" value={draft.assigneeId} onChange={(e) => setDraft({ ...draft, assigneeId: e.currentTarget.value })}>
                  <option value="">Unassigned</option>
                  {draft.assigneeId && !store.memberById.value.has(draft.assigneeId) && <option value={draft.assigneeId}>A former member</option>}
                  {store.members.value.map((m) => (
                    <option key={m.userId} value={m.userId}>
                      {m.name}
                    </option>
                  ))}
                </select>
              </div>
              <div class="field">
                <label for="task-due">Due date</label>
                <div class="row">
                  <input id="task-due" type="date" value={draft.dueDate} onInput={(e) => setDraft({ ...draft, dueDate: e.currentTarget.value })} />
                  {draft.dueDate && (
                    <button type="button" class="button small" onClick={() => setDraft({ ...draft, dueDate: "" })}>
                      Clear
                    </button>
                  )}
                </div>
              </div>
            </div>
            <LabelPicker
              labels={store.labels.value}
              selected={draft.labelIds}
              onChange={(labelIds) => setDraft({ ...draft, labelIds })}
              onCreate={store.createLabel}
            />
            <Times task={task} />
            <div class="row between drawer-actions">
              <button type="button" class="button danger" onClick={() => setConfirming(true)}>
                Delete task
              </button>
              <button type="submit" class="button primary" disabled={saving}>
                {saving ? "Saving…" : "Save changes"}
              </button>
            </div>
          </form>
        )}
        {task && !canEdit && (
          <div class="drawer-read">
            <dl class="facts">
              <dt>Status</dt>
              <dd>{STATUS_NAMES[task.status]}</dd>
              <dt>Priority</dt>
              <dd>{PRIORITY_NAMES[task.priority]}</dd>
              <dt>Assignee</dt>
              <dd>{task.assigneeId ? (store.memberById.value.get(task.assigneeId)?.name ?? "A former member") : "Unassigned"}</dd>
              <dt>Due</dt>
              <dd class={isOverdue(task) ? "due overdue" : undefined}>{task.dueDate ? formatDate(task.dueDate) : "No due date"}</dd>
              <dt>Labels</dt>
              <dd class="task-labels">
                {(task.labelIds ?? []).length === 0
                  ? "None"
                  : (task.labelIds ?? []).flatMap((id) => store.labelById.value.get(id) ?? []).map((l) => <LabelChip key={l.id} label={l} />)}
              </dd>
            </dl>
            <h3>Description</h3>
            <p class="description pre">{task.description || "No description."}</p>
            <Times task={task} />
          </div>
        )}
        {task && !gone && <Comments store={store} taskId={taskId} />}
        {task && !gone && <TaskActivity store={store} taskId={taskId} />}
        {confirming && task && (
          <ConfirmDialog
            title={`Delete “${task.title}”?`}
            message="The task is deleted for everyone in the project. This cannot be undone."
            confirm="Delete task"
            onCancel={() => setConfirming(false)}
            onConfirm={() => void remove()}
          />
        )}
      </div>
    </div>
  );
}

function Times(props: { task: Task }) {
  return (
    <dl class="facts times">
      <dt>Created</dt>
      <dd>
        <time dateTime={props.task.createdAt}>{formatTime(props.task.createdAt)}</time>
      </dd>
      <dt>Updated</dt>
      <dd>
        <time dateTime={props.task.updatedAt}>{formatTime(props.task.updatedAt)}</time>
      </dd>
    </dl>
  );
}
