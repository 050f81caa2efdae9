import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import type { Label, Member, Task } from "../api/client";
import { STATUS_NAMES, slotAt, type Status } from "./boardState";
import { TaskCard } from "./TaskCard";

/** Height of one card's slot; cards are fixed-height so only the visible ones need to be in the page. */
export const ROW = 124;
const OVERSCAN = 6;
const DRAG_TYPE = "application/x-cumin-task";

/**
 * A column: a labelled list of its cards, rendering only the ones in view (a 1,000-card column stays smooth), a drop
 * target that places a dragged card in the gap nearest the pointer, and the quick-add form at its foot.
 */
export function BoardColumn(props: {
  status: Status;
  tasks: Task[];
  total: number;
  projectId: string;
  canEdit: boolean;
  pending: ReadonlyMap<string, { held?: boolean }>;
  dragging: string | null;
  members: ReadonlyMap<string, Member>;
  labels: ReadonlyMap<string, Label>;
  focusRequest: { id: string; seq: number; focus: boolean } | null;
  onDrop: (id: string, slot: number) => void;
  onMove: (id: string, status: Status) => void;
  onKey: (task: Task, event: KeyboardEvent) => void;
  onDragStart: (id: string) => void;
  onDragEnd: (id: string) => void;
  onAdd: (title: string) => Promise<string | null>;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const list = useRef<HTMLUListElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);
  const [dropSlot, setDropSlot] = useState<number | null>(null);
  const headingId = `column-${props.status}`;
  const { tasks } = props;

  // A drag that ended anywhere (dropped elsewhere, or let go outside the window) leaves no marker behind.
  useEffect(() => {
    if (!props.dragging) setDropSlot(null);
  }, [props.dragging]);

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
  const visible = tasks.slice(first, last).map((task, i) => [task, first + i] as const);
  // The card being dragged stays in the page even when scrolled out of view: its element is the drag's source.
  const dragged = props.dragging ? tasks.findIndex((t) => t.id === props.dragging) : -1;
  if (dragged >= 0 && (dragged < first || dragged >= last)) visible.push([tasks[dragged]!, dragged]);
  const countText = tasks.length === props.total ? `${props.total}` : `${tasks.length} of ${props.total}`;

  const slotOf = (e: DragEvent) => slotAt(e.clientY - (list.current?.getBoundingClientRect().top ?? 0), ROW, tasks.length);

  return (
    <section
      class={`column column-${props.status}${dropSlot !== null ? " drag-over" : ""}`}
      aria-labelledby={headingId}
      onDragOver={(e) => {
        if (!props.canEdit || !e.dataTransfer?.types.includes(DRAG_TYPE)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = "move";
        const slot = slotOf(e);
        if (slot !== dropSlot) setDropSlot(slot);
      }}
      onDragLeave={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDropSlot(null);
      }}
      onDrop={(e) => {
        e.preventDefault();
        setDropSlot(null);
        const id = e.dataTransfer?.getData(DRAG_TYPE);
        if (id) props.onDrop(id, slotOf(e));
      }}
    >
      <h2 class="column-head">
        <span id={headingId}>{STATUS_NAMES[props.status]}</span>
        <span class="column-count" aria-label={`${countText} tasks`}>
          {countText}
        </span>
      </h2>
      <div class="column-scroll" ref={scroller} onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}>
        {tasks.length === 0 && <p class="column-empty">{props.total === 0 ? "No tasks" : "No task matches the filter"}</p>}
        <ul class="column-list" ref={list} aria-label={STATUS_NAMES[props.status]} style={{ height: `${Math.max(tasks.length * ROW, dropSlot !== null ? ROW : 0)}px` }}>
          {visible.map(([task, index]) => (
            <TaskCard
              key={task.id}
              task={task}
              projectId={props.projectId}
              canEdit={props.canEdit}
              moving={props.pending.has(task.id) && !props.pending.get(task.id)?.held}
              index={index}
              size={tasks.length}
              top={index * ROW}
              assignee={task.assigneeId ? props.members.get(task.assigneeId) : undefined}
              labels={(task.labelIds ?? []).flatMap((id) => props.labels.get(id) ?? [])}
              onMove={(status) => props.onMove(task.id, status)}
              onKey={(event) => props.onKey(task, event)}
              onDragStart={() => props.onDragStart(task.id)}
              onDragEnd={() => props.onDragEnd(task.id)}
            />
          ))}
          {dropSlot !== null && <li class="drop-marker" aria-hidden="true" style={{ transform: `translateY(${dropSlot * ROW - 5}px)` }} />}
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
