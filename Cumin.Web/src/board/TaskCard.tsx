import type { Task } from "../api/client";
import { PRIORITY_NAMES } from "../app/format";
import { onLinkClick, taskUrl } from "../app/router";
import { STATUSES, STATUS_NAMES, type Status } from "./boardState";

/** A card: its title (the link to its drawer), priority and, for editors, a status menu; draggable for editors. */
export function TaskCard(props: {
  task: Task;
  projectId: string;
  canEdit: boolean;
  moving: boolean;
  index: number;
  size: number;
  top: number;
  onMove: (status: Status) => void;
  onKey: (event: KeyboardEvent) => void;
}) {
  const { task } = props;
  return (
    <li
      class={`task-card priority-${task.priority}${props.moving ? " moving" : ""}`}
      style={{ transform: `translateY(${props.top}px)` }}
      aria-label={task.title}
      aria-setsize={props.size}
      aria-posinset={props.index + 1}
      draggable={props.canEdit}
      data-task-id={task.id}
      onDragStart={(e) => {
        e.dataTransfer?.setData("application/x-cumin-task", task.id);
        e.dataTransfer?.setData("text/plain", task.title);
        if (e.dataTransfer) e.dataTransfer.effectAllowed = "move";
      }}
    >
      <a class="task-title" href={taskUrl(props.projectId, task.id)} onClick={onLinkClick} onKeyDown={props.onKey} data-card-link={task.id}>
        {task.title}
      </a>
      <div class="task-meta">
        <span class={`priority priority-${task.priority}`}>
          <span aria-hidden="true" class="priority-dot" />
          {PRIORITY_NAMES[task.priority]}
          <span class="visually-hidden"> priority</span>
        </span>
        {props.canEdit && (
          <select
            class="status-menu"
            aria-label={`Status of ${task.title}`}
            value={task.status}
            onChange={(e) => props.onMove(e.currentTarget.value as Status)}
          >
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {STATUS_NAMES[s]}
              </option>
            ))}
          </select>
        )}
      </div>
    </li>
  );
}
