import type { Label, Member, Task } from "../api/client";
import { PRIORITY_NAMES, formatDate, initials, isOverdue } from "../app/format";
import { onLinkClick, taskUrl } from "../app/router";
import { LabelChip } from "../labels/LabelChip";
import { STATUSES, STATUS_NAMES, type Status } from "./boardState";

/**
 * A card: its title (the link to its drawer), labels, priority, due date, comments and assignee and, for editors, a
 * status menu; draggable for editors. Fixed height, so a column renders only the cards in view.
 */
export function TaskCard(props: {
  task: Task;
  projectId: string;
  canEdit: boolean;
  moving: boolean;
  index: number;
  size: number;
  top: number;
  assignee: Member | undefined;
  labels: Label[];
  onMove: (status: Status) => void;
  onKey: (event: KeyboardEvent) => void;
  onDragStart: () => void;
  onDragEnd: () => void;
}) {
  const { task, assignee } = props;
  const overdue = isOverdue(task);
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
        props.onDragStart();
      }}
      onDragEnd={props.onDragEnd}
    >
      <a class="task-title" href={taskUrl(props.projectId, task.id)} onClick={onLinkClick} onKeyDown={props.onKey} data-card-link={task.id}>
        {task.title}
      </a>
      <div class="task-labels">
        {props.labels.map((label) => (
          <LabelChip key={label.id} label={label} />
        ))}
      </div>
      <div class="task-meta">
        <span class={`priority priority-${task.priority}`}>
          <span aria-hidden="true" class="priority-dot" />
          <span class="priority-name">{PRIORITY_NAMES[task.priority]}</span>
          <span class="visually-hidden"> priority</span>
        </span>
        {task.dueDate && (
          <span class={`due${overdue ? " overdue" : ""}`}>
            {overdue ? "Overdue" : "Due"} <time dateTime={task.dueDate}>{formatDate(task.dueDate)}</time>
          </span>
        )}
        {(task.commentCount ?? 0) > 0 && (
          <span class="comment-count" title={`${task.commentCount} comments`}>
            <svg aria-hidden="true" viewBox="0 0 16 16" width="12" height="12">
              <path d="M2 2h12a1 1 0 0 1 1 1v8a1 1 0 0 1-1 1H6l-3.5 3v-3H2a1 1 0 0 1-1-1V3a1 1 0 0 1 1-1Z" />
            </svg>
            {task.commentCount}
            <span class="visually-hidden"> comments</span>
          </span>
        )}
        <span class="task-end">
          {task.assigneeId && (
            <span class="avatar small" title={assignee ? `Assigned to ${assignee.name}` : "Assigned to a former member"}>
              <span aria-hidden="true">{initials(assignee?.name)}</span>
              <span class="visually-hidden">Assigned to {assignee?.name ?? "a former member"}</span>
            </span>
          )}
          {props.canEdit && (
            <select class="status-menu" aria-label={`Status of ${task.title}`} value={task.status} onChange={(e) => props.onMove(e.currentTarget.value as Status)}>
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {STATUS_NAMES[s]}
                </option>
              ))}
            </select>
          )}
        </span>
      </div>
    </li>
  );
}
