import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import type { Task } from "../api/client";
import { STATUS_NAMES, type Status } from "./boardState";
import { TaskCard } from "./TaskCard";

/** Height of one card's slot; cards are fixed-height so only the visible ones need to be in the page. */
export const ROW = 96;
const OVERSCAN = 6;

/**
 * A column: a labelled list of its cards, rendering only the ones in view (a 1,000-card column stays smooth), a drop
 * target for dragged cards, and the quick-add form at its foot.
 */
export function BoardColumn(props: {
  status: Status;
  tasks: Task[];
  total: number;
  projectId: string;
  canEdit: boolean;
  pending: ReadonlyMap<string, unknown>;
  focusRequest: { id: string; seq: number; focus: boolean } | null;
  onMove: (id: string, status: Status) => void;
  onKey: (task: Task, event: KeyboardEvent) => void;
  onAdd: (title: string) => Promise<string | null>;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);
  const [dragOver, setDragOver] = useState(false);
  const headingId = `column-${props.status}`;
  const { tasks } = props;

  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    const observer = new ResizeObserver(() => setHeight(element.clientHeight));
    observer.observe(element);
    setHeight(element.clientHeight);
    return () => observer.disconnect();
  }, []);

  // Moves and arrows: bring the requested card into view and, for the keyboard, focus its link once it is rendered.
  // Each request is served once, when its card is in this column (it may arrive a render after the request).
  const served = useRef(0);
  useEffect(() => {
    const request = props.focusRequest;
    const element = scroller.current;
    if (!request || !element || served.current === request.seq) return;
    const index = tasks.findIndex((t) => t.id === request.id);
    if (index < 0) return;
    served.current = request.seq;
    const top = index * ROW;
    if (top < element.scrollTop) element.scrollTop = top;
    else if (top + ROW > element.scrollTop + element.clientHeight) element.scrollTop = top + ROW - element.clientHeight;
    setScrollTop(element.scrollTop);
    if (request.focus) requestAnimationFrame(() => element.querySelector<HTMLElement>(`[data-card-link="${CSS.escape(request.id)}"]`)?.focus());
  }, [props.focusRequest?.seq, tasks]);

  const first = Math.max(0, Math.floor(scrollTop / ROW) - OVERSCAN);
  const last = Math.min(tasks.length, Math.ceil((scrollTop + height) / ROW) + OVERSCAN);
  const visible = tasks.slice(first, last);
  const countText = tasks.length === props.total ? `${props.total}` : `${tasks.length} of ${props.total}`;

  return (
    <section
      class={`column column-${props.status}${dragOver ? " drag-over" : ""}`}
      aria-labelledby={headingId}
      onDragOver={(e) => {
        if (!props.canEdit || !e.dataTransfer?.types.includes("application/x-cumin-task")) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = "move";
        setDragOver(true);
      }}
      onDragLeave={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragOver(false);
      }}
      onDrop={(e) => {
        e.preventDefault();
        setDragOver(false);
        const id = e.dataTransfer?.getData("application/x-cumin-task");
        if (id) props.onMove(id, props.status);
      }}
    >
      <h2 class="column-head">
        <span id={headingId}>{STATUS_NAMES[props.status]}</span>
        <span class="column-count" aria-label={`${countText} tasks`}>
          {countText}
        </span>
      </h2>
      <div
        class="column-scroll"
        ref={scroller}
        onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
      >
        {tasks.length === 0 && <p class="column-empty">{props.total === 0 ? "No tasks" : "No task matches the filter"}</p>}
        <ul class="column-list" aria-label={STATUS_NAMES[props.status]} style={{ height: `${tasks.length * ROW}px` }}>
          {visible.map((task, i) => (
            <TaskCard
              key={task.id}
              task={task}
              projectId={props.projectId}
              canEdit={props.canEdit}
              moving={props.pending.has(task.id)}
              index={first + i}
              size={tasks.length}
              top={(first + i) * ROW}
              onMove={(status) => props.onMove(task.id, status)}
              onKey={(event) => props.onKey(task, event)}
            />
          ))}
        </ul>
      </div>
      {props.canEdit && <QuickAdd status={props.status} onAdd={props.onAdd} />}
    </section>
  );
}

function QuickAdd(props: { status: Status; onAdd: (title: string) => Promise<string | null> }) {
  const [title, setTitle] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = `quick-add-${props.status}`;
  return (
    <form
      class="quick-add"
      onSubmit={async (e) => {
        e.preventDefault();
        if (!title.trim() || busy) return;
        setBusy(true);
        const failed = await props.onAdd(title.trim());
        setBusy(false);
        setProblem(failed);
        if (!failed) setTitle("");
      }}
    >
      <label for={id} class="visually-hidden">
        Add a task to {STATUS_NAMES[props.status]}
      </label>
      <input id={id} value={title} maxLength={200} placeholder="+ Add a task" onInput={(e) => setTitle(e.currentTarget.value)} />
      {problem && (
        <p class="field-error" role="alert">
          {problem}
        </p>
      )}
    </form>
  );
}
