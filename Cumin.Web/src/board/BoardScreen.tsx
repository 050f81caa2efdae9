import { useEffect, useMemo, useState } from "preact/hooks";
import { reloadSignal, type Task } from "../api/client";
import { ROLE_NAMES, addDays } from "../app/format";
import { Link } from "../app/Link";
import { membersUrl, navigate, settingsUrl } from "../app/router";
import { ExportButton } from "../exports/ExportButton";
import { MembersPanel } from "../members/MembersPanel";
import { currentUser } from "../session/session";
import { TaskDrawer } from "../tasks/TaskDrawer";
import { SettingsPanel } from "../webhooks/SettingsPanel";
import { BoardColumn } from "./BoardColumn";
import { createBoardStore, type BoardStore, type DueChoice } from "./boardStore";
import { STATUSES, hasFilters, neighbourStatus, placeAt, stepWithin, type MoveTarget, type Status } from "./boardState";

export function BoardScreen(props: { projectId: string; taskId?: string; panel?: "members" | "settings" }) {
  const store = useMemo(() => createBoardStore(props.projectId), [props.projectId]);
  const [focusRequest, setFocusRequest] = useState<{ id: string; seq: number; focus: boolean } | null>(null);
  const reload = reloadSignal.value;
  useEffect(() => store.start(), [store]);
  useEffect(() => {
    if (reload > 0) void store.reload();
  }, [reload]);

  const project = store.project.value;
  const error = store.error.value;
  const ended = store.ended.value;
  if (ended) {
    return (
      <main class="page" id="main">
        <h1>This board is no longer available</h1>
        <p role="alert">{ended}</p>
        <p>
          <Link href="/" class="button">
            Back to projects
          </Link>
        </p>
      </main>
    );
  }
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
            <button type="button" class="button" onClick={() => void store.reload()}>
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

  const moveTo = (task: Task, target: MoveTarget | null) => {
    if (!target) return;
    void store.move(task.id, target);
    focus(task.id);
  };

  // Arrows move the focus between cards; Alt+↑/↓ move the focused card within its column, Shift+←/→ to the next column.
  const onKey = (task: Task, event: KeyboardEvent) => {
    const column = board[task.status];
    const index = column.findIndex((t) => t.id === task.id);
    const vertical = event.key === "ArrowDown" || event.key === "ArrowUp";
    const horizontal = event.key === "ArrowRight" || event.key === "ArrowLeft";
    if (!vertical && !horizontal) return;
    event.preventDefault();
    if (event.altKey && vertical) {
      if (canEdit) moveTo(task, stepWithin(column, task.status, task.id, event.key === "ArrowDown" ? 1 : -1));
    } else if (event.shiftKey && horizontal) {
      const target = neighbourStatus(task.status, event.key === "ArrowRight" ? 1 : -1);
      if (canEdit && target) moveTo(task, { status: target });
    } else if (vertical) {
      const next = column[index + (event.key === "ArrowDown" ? 1 : -1)];
      if (next) focus(next.id);
    } else {
      const side = neighbourStatus(task.status, event.key === "ArrowRight" ? 1 : -1);
      const next = side ? board[side][Math.min(index, board[side].length - 1)] : undefined;
      if (next) focus(next.id);
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
          <Link href={membersUrl(project.id)} class="button">
            Members
          </Link>
          {/* Webhooks are the owner's alone (API.md): nobody else is offered the settings. */}
          {project.role === "owner" && (
            <Link href={settingsUrl(project.id)} class="button">
              Settings
            </Link>
          )}
          <ExportButton projectId={project.id} />
        </div>
      </div>
      {project.description && <p class="board-description">{project.description}</p>}
      <BoardFilters store={store} />
      {canEdit && (
        <p class="hint" id="board-hint">
          Drag a card to reorder it or onto another column. With the keyboard, focus a card and press Alt+↑ / Alt+↓ to reorder, Shift+← / Shift+→ to change its column.
        </p>
      )}
      {/* Busy while a move waits for the server's answer (screen readers hear it settle; the benchmark times it). */}
      <div class="board" aria-busy={store.busy.value ? "true" : "false"}>
        {STATUSES.map((status) => (
          <BoardColumn
            key={status}
            status={status}
            tasks={board[status]}
            total={totals[status]}
            projectId={project.id}
            canEdit={canEdit}
            pending={store.pending.value}
            dragging={store.dragging.value}
            members={store.memberById.value}
            labels={store.labelById.value}
            focusRequest={focusRequest && board[status].some((t) => t.id === focusRequest.id) ? focusRequest : null}
            onDrop={(id, slot) => {
              if (!store.tasks.value.has(id)) return;
              const target = placeAt(board[status], status, id, slot);
              if (!target) return store.release(id);
              void store.move(id, target);
              focus(id, false);
            }}
            onMove={(id, target: Status) => {
              // The status menu: to the end of the new column, brought into view there.
              void store.move(id, { status: target });
              focus(id, false);
            }}
            onKey={onKey}
            onDragStart={(id) => store.hold(id)}
            onDragEnd={(id) => store.release(id)}
            onAdd={(title) => store.add(title, status)}
          />
        ))}
      </div>
      {props.taskId && <TaskDrawer key={props.taskId} store={store} taskId={props.taskId} onClose={() => navigate(`/projects/${encodeURIComponent(project.id)}`)} />}
      {props.panel === "members" && <MembersPanel project={project} onClose={() => navigate(`/projects/${encodeURIComponent(project.id)}`)} />}
      {props.panel === "settings" && <SettingsPanel project={project} onClose={() => navigate(`/projects/${encodeURIComponent(project.id)}`)} />}
    </main>
  );
}

const DUE_CHOICES: { value: DueChoice; name: string; days?: number }[] = [
  { value: "", name: "Any due date" },
  { value: "overdue", name: "Overdue", days: -1 },
  { value: "today", name: "Due by today", days: 0 },
  { value: "week", name: "Due within 7 days", days: 7 },
];

/** The toolbar's filters: by title (on what is shown), and by assignee, label and due date (asked of the server). */
function BoardFilters(props: { store: BoardStore }) {
  const { store } = props;
  const filters = store.filters.value;
  const me = currentUser.value?.id;
  const active = hasFilters(filters) || store.filter.value.trim() !== "";
  const set = (change: Partial<typeof filters>, choice = store.due.value) => void store.setFilters({ ...filters, ...change }, choice);
  return (
    <div class="board-filters" role="group" aria-label="Filters">
      <label class="filter">
        <span class="visually-hidden">Filter tasks by title</span>
        <input type="search" placeholder="Filter tasks" value={store.filter.value} onInput={(e) => (store.filter.value = e.currentTarget.value)} />
      </label>
      <label class="filter-select">
        <span class="visually-hidden">Filter by assignee</span>
        <select value={filters.assigneeId ?? ""} onChange={(e) => set({ assigneeId: e.currentTarget.value || null })}>
          <option value="">Anyone</option>
          {me && <option value={me}>Assigned to me</option>}
          <option value="none">Unassigned</option>
          {store.members.value
            .filter((m) => m.userId !== me)
            .map((m) => (
              <option key={m.userId} value={m.userId}>
                {m.name}
              </option>
            ))}
        </select>
      </label>
      <label class="filter-select">
        <span class="visually-hidden">Filter by label</span>
        <select value={filters.labelId ?? ""} onChange={(e) => set({ labelId: e.currentTarget.value || null })}>
          <option value="">Any label</option>
          {store.labels.value.map((l) => (
            <option key={l.id} value={l.id}>
              {l.name}
            </option>
          ))}
        </select>
      </label>
      <label class="filter-select">
        <span class="visually-hidden">Filter by due date</span>
        <select
          value={store.due.value}
          onChange={(e) => {
            const choice = DUE_CHOICES.find((c) => c.value === e.currentTarget.value) ?? DUE_CHOICES[0]!;
            set({ dueBefore: choice.days === undefined ? null : addDays(new Date(), choice.days) }, choice.value);
          }}
        >
          {DUE_CHOICES.map((c) => (
            <option key={c.value} value={c.value}>
              {c.name}
            </option>
          ))}
        </select>
      </label>
      {active && (
        <button
          type="button"
          class="button small"
          onClick={() => {
            store.filter.value = "";
            void store.setFilters({}, "");
          }}
        >
          Clear filters
        </button>
      )}
    </div>
  );
}
