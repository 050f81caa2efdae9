import { useEffect, useMemo, useState } from "preact/hooks";
import { reloadSignal, type Task } from "../api/client";
import { ROLE_NAMES } from "../app/format";
import { Link } from "../app/Link";
import { membersUrl, navigate } from "../app/router";
import { ExportButton } from "../exports/ExportButton";
import { MembersPanel } from "../members/MembersPanel";
import { TaskDrawer } from "../tasks/TaskDrawer";
import { BoardColumn } from "./BoardColumn";
import { createBoardStore } from "./boardStore";
import { STATUSES, neighbourStatus, type Status } from "./boardState";

export function BoardScreen(props: { projectId: string; taskId?: string; panel?: "members" }) {
  const store = useMemo(() => createBoardStore(props.projectId), [props.projectId]);
  const [focusRequest, setFocusRequest] = useState<{ id: string; seq: number; focus: boolean } | null>(null);
  const reload = reloadSignal.value;
  useEffect(() => void store.load(), [store, reload]);

  const project = store.project.value;
  const error = store.error.value;
  if (error && !store.loaded.value) {
    return (
      <main class="page" id="main">
        <h1>{error.status === 404 ? "Project not found" : "The board could not be loaded"}</h1>
        <p>{error.status === 404 ? "It does not exist, or it has not been shared with you." : error.message}</p>
        <p class="row">
          <Link href="/" class="button">
            Back to projects
          </Link>
          {error.status !== 404 && (
            <button type="button" class="button" onClick={() => void store.load()}>
              Try again
            </button>
          )}
        </p>
      </main>
    );
  }
  if (!project || !store.loaded.value) {
    return (
      <main class="page" id="main">
        <p class="muted" role="status">
          Loading the board…
        </p>
      </main>
    );
  }

  const board = store.board.value;
  const totals = store.totals.value;
  const canEdit = store.canEdit.value;
  const focus = (id: string, moveFocus = true) => setFocusRequest({ id, seq: (focusRequest?.seq ?? 0) + 1, focus: moveFocus });

  const moveTo = (task: Task, status: Status) => {
    void store.move(task.id, status);
    focus(task.id);
  };

  // Arrows move the focus between cards; Shift+arrows move the focused card (left/right: to the next column).
  const onKey = (task: Task, event: KeyboardEvent) => {
    const column = board[task.status];
    const index = column.findIndex((t) => t.id === task.id);
    if (event.shiftKey && canEdit && (event.key === "ArrowRight" || event.key === "ArrowLeft")) {
      const target = neighbourStatus(task.status, event.key === "ArrowRight" ? 1 : -1);
      if (target) moveTo(task, target);
      event.preventDefault();
    } else if (!event.shiftKey && (event.key === "ArrowDown" || event.key === "ArrowUp")) {
      const next = column[index + (event.key === "ArrowDown" ? 1 : -1)];
      if (next) focus(next.id);
      event.preventDefault();
    } else if (!event.shiftKey && (event.key === "ArrowRight" || event.key === "ArrowLeft")) {
      const side = neighbourStatus(task.status, event.key === "ArrowRight" ? 1 : -1);
      const next = side ? board[side][Math.min(index, board[side].length - 1)] : undefined;
      if (next) focus(next.id);
      event.preventDefault();
    }
  };

  return (
    <main class="board-page" id="main">
      <div class="board-head">
        <div class="board-title">
          <p class="crumbs">
            <Link href="/">Projects</Link>
          </p>
          <h1>{project.name}</h1>
          <span class={`role role-${project.role}`}>{ROLE_NAMES[project.role]}</span>
        </div>
        <div class="board-tools">
          <label class="filter">
            <span class="visually-hidden">Filter tasks by title</span>
            <input type="search" placeholder="Filter tasks" value={store.filter.value} onInput={(e) => (store.filter.value = e.currentTarget.value)} />
          </label>
          <Link href={membersUrl(project.id)} class="button">
            Members
          </Link>
          <ExportButton projectId={project.id} />
        </div>
      </div>
      {project.description && <p class="board-description">{project.description}</p>}
      {canEdit && (
        <p class="hint" id="board-hint">
          Drag a card to another column, or focus it and press Shift+→ / Shift+← (or use its status menu).
        </p>
      )}
      {/* Busy while a move waits for the server's answer (screen readers hear it settle; the benchmark times it). */}
      <div class="board" aria-busy={store.pending.value.size > 0 ? "true" : "false"}>
        {STATUSES.map((status) => (
          <BoardColumn
            key={status}
            status={status}
            tasks={board[status]}
            total={totals[status].length}
            projectId={project.id}
            canEdit={canEdit}
            pending={store.pending.value}
            focusRequest={focusRequest && board[status].some((t) => t.id === focusRequest.id) ? focusRequest : null}
            onMove={(id, target) => {
              // A dropped card goes to the end of its new column: bring it into view there.
              void store.move(id, target);
              focus(id, false);
            }}
            onKey={onKey}
            onAdd={(title) => store.add(title, status)}
          />
        ))}
      </div>
      {props.taskId && <TaskDrawer key={props.taskId} store={store} taskId={props.taskId} onClose={() => navigate(`/projects/${encodeURIComponent(project.id)}`)} />}
      {props.panel === "members" && <MembersPanel project={project} onClose={() => navigate(`/projects/${encodeURIComponent(project.id)}`)} />}
    </main>
  );
}

