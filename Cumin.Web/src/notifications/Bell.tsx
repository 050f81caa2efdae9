import { useEffect, useState } from "preact/hooks";
import type { UserNotification } from "../api/client";
import { formatTime } from "../app/format";
import { Popover } from "../app/Popover";
import { toast } from "../app/toasts";
import { loadExports } from "../exports/exportsState";
import { onHubConnected, onNotification } from "../session/session";
import { loadInbox, markAllSeen, merge, sortedInbox, unread } from "./notificationsState";

function NotificationLink(props: { notification: UserNotification }) {
  const { data } = props.notification;
  const live = data.url && (!data.urlExpiresAt || Date.parse(data.urlExpiresAt) > Date.now());
  if (props.notification.type !== "export.completed" || !live) return null;
  return (
    <a class="button small" href={data.url!} download rel="noreferrer">
      Download CSV
    </a>
  );
}

export function Bell() {
  const [open, setOpen] = useState(false);
  useEffect(() => {
    void loadInbox();
    const offConnected = onHubConnected(() => void loadInbox());
    const offNotification = onNotification((n) => {
      if (merge([n]).length === 0) return;
      toast(
        <>
          <span>{n.message}</span> <NotificationLink notification={n} />
        </>,
        n.type === "export.failed" ? "error" : "info",
        15_000,
      );
      void loadExports();
    });
    return () => {
      offConnected();
      offNotification();
    };
  }, []);
  const count = unread.value;
  return (
    <Popover
      label="Notifications"
      open={open}
      onToggle={(o) => {
        setOpen(o);
        if (o) markAllSeen();
      }}
      buttonLabel={count > 0 ? `Notifications, ${count} unread` : "Notifications"}
      buttonText={
        <>
          <svg aria-hidden="true" viewBox="0 0 24 24" width="18" height="18" class="bell-icon">
            <path d="M12 3a6 6 0 0 0-6 6v3.6L4.3 16a1 1 0 0 0 .9 1.5h13.6a1 1 0 0 0 .9-1.5L18 12.6V9a6 6 0 0 0-6-6Zm0 19a3 3 0 0 0 2.8-2H9.2A3 3 0 0 0 12 22Z" />
          </svg>
          {count > 0 && <span class="badge">{count}</span>}
        </>
      }
    >
      <h2 class="popover-title">Notifications</h2>
      {sortedInbox.value.length === 0 && <p class="muted">Nothing yet. Finished exports show up here.</p>}
      {sortedInbox.value.length > 0 && (
        <ul class="plain-list" aria-label="Notifications">
          {sortedInbox.value.map((n) => (
            <li key={n.id} class={`notification notification-${n.type.replace(".", "-")}`}>
              <div>
                <div>{n.message}</div>
                <div class="muted">{formatTime(n.createdAt)}</div>
              </div>
              <NotificationLink notification={n} />
            </li>
          ))}
        </ul>
      )}
    </Popover>
  );
}
