import { useEffect, useRef, useState } from "preact/hooks";
import { api, ok } from "../api/client";
import { formatRelative, formatTime, initials } from "../app/format";
import { PagedList, appendUnseen } from "../app/PagedList";
import type { BoardStore } from "../board/boardStore";
import type { ProjectEvent } from "../session/session";
import { activityLine, mergeNewest, type ActivityEntry, type Names } from "./activityText";

const PAGE = 20;

/**
 * The activity log trails the write by moments (it is derived from the tables' streams): after a change the newest page
 * is read again a few times, so the line appears as soon as it is logged whatever the lag, without a poll meanwhile.
 */
const REREAD_AFTER_MS = [700, 2000, 5000, 12000];

/** Whether a projectEvent is about this task (its fields, place or comments). */
function concerns(event: ProjectEvent, taskId: string): boolean {
  const data = (event.data ?? {}) as Record<string, unknown>;
  if (event.type.startsWith("task.")) return data.id === taskId || data.taskId === taskId;
  if (event.type.startsWith("comment.")) return data.taskId === taskId;
  return false;
}

/** A task's activity, newest first, a page at a time ("Show older"); it follows the task's changes as they happen. */
export function TaskActivity(props: { store: BoardStore; taskId: string }) {
  const { store, taskId } = props;
  const [items, setItems] = useState<ActivityEntry[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [now, setNow] = useState(() => new Date());
  const timers = useRef<ReturnType<typeof setTimeout>[]>([]);
  const shown = useRef<ActivityEntry[] | null>(null);
  shown.current = items;
  const path = { projectId: store.projectId };

  const page = (after: string | null) =>
    api.GET("/api/projects/{projectId}/activity", { params: { path, query: { taskId, limit: String(PAGE), ...(after ? { cursor: after } : {}) } } }).then(ok);

  /** Reads the newest page and puts what is new on top; what is shown stays (no flicker, nothing twice). */
  const refresh = async (first = false) => {
    try {
      const fresh = await page(null);
      const entries = fresh.items as ActivityEntry[];
      const before = shown.current;
      if (before === null || before.length === 0) {
        setItems(entries);
        setCursor(fresh.nextCursor ?? null);
        // A task opened just after it was made: its creation is logged by moments later.
        if (first && entries.length === 0) rereadSoon();
      } else {
        const merged = mergeNewest(before, entries, Boolean(fresh.nextCursor));
        if (merged.items.length !== before.length || merged.replaced) setItems(merged.items);
        if (merged.replaced) setCursor(fresh.nextCursor ?? null);
      }
      setLoadError(null);
    } catch (e) {
      // A failed re-read keeps what is shown; only a first read without anything to show says so.
      if (shown.current === null) setLoadError((e as Error).message);
    }
  };

  const older = async () => {
    if (!cursor) return;
    setLoadingOlder(true);
    try {
      const next = await page(cursor);
      setItems((list) => appendUnseen(list, next.items as ActivityEntry[]));
      setCursor(next.nextCursor ?? null);
    } catch (e) {
      setLoadError((e as Error).message);
    } finally {
      setLoadingOlder(false);
    }
  };

  const rereadSoon = () => {
    timers.current.forEach(clearTimeout);
    timers.current = REREAD_AFTER_MS.map((ms) => setTimeout(() => void refresh(), ms));
  };

  useEffect(() => {
    void refresh(true);
    const stop = store.onEvent((event) => concerns(event, taskId) && rereadSoon());
    const tick = setInterval(() => setNow(new Date()), 30_000);
    return () => {
      stop();
      clearInterval(tick);
      timers.current.forEach(clearTimeout);
    };
  }, [taskId]);

  // This tab's own saves (and events applied to the board) change the task's version or comment count: the log follows.
  const task = store.tasks.value.get(taskId);
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    rereadSoon();
  }, [task?.version, task?.commentCount]);

  const members = store.memberById.value;
  const labels = store.labelById.value;
  const names: Names = { person: (id) => members.get(id)?.name, label: (id) => labels.get(id)?.name };

  return (
    <section class="activity" aria-labelledby="activity-title">
      <h3 id="activity-title">Activity</h3>
      <PagedList
        noun="activity"
        items={items}
        loadError={loadError}
        empty="No activity yet. Changes to this task will be listed here."
        class="activity-list"
        label="Activity"
        item={(entry) => (
          <li key={entry.id} class="activity-entry">
            <span class="avatar small" aria-hidden="true">
              {initials(entry.actorId ? members.get(entry.actorId)?.name : undefined)}
            </span>
            <span class="activity-text">
              {activityLine(entry, names)}{" "}
              <time class="muted" dateTime={entry.at} title={formatTime(entry.at)}>
                {formatRelative(entry.at, now)}
              </time>
            </span>
          </li>
        )}
        more={cursor ? { label: "Show older", busy: loadingOlder, onClick: () => void older() } : null}
      />
    </section>
  );
}
