// The app's URLs, kept in the address bar so every screen can be bookmarked and reloaded (the API answers index.html).
import { signal } from "@preact/signals";

export type Route =
  | { name: "signin" }
  | { name: "register" }
  | { name: "projects" }
  | { name: "mytasks" }
  | { name: "board"; projectId: string; taskId?: string; panel?: "members" | "settings" }
  | { name: "notfound" };

export const path = signal(location.pathname);

addEventListener("popstate", () => (path.value = location.pathname));

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === location.pathname) return;
  if (options.replace) history.replaceState(null, "", to);
  else history.pushState(null, "", to);
  path.value = location.pathname;
}

export function parse(pathname: string): Route {
  const parts = pathname.split("/").filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0 || (parts.length === 1 && parts[0] === "projects")) return { name: "projects" };
  if (parts.length === 1 && parts[0] === "signin") return { name: "signin" };
  if (parts.length === 1 && parts[0] === "register") return { name: "register" };
  if (parts.length === 1 && parts[0] === "my-tasks") return { name: "mytasks" };
  if (parts[0] === "projects" && parts[1]) {
    const projectId = parts[1];
    if (parts.length === 2) return { name: "board", projectId };
    if (parts.length === 3 && parts[2] === "members") return { name: "board", projectId, panel: "members" };
    if (parts.length === 3 && parts[2] === "settings") return { name: "board", projectId, panel: "settings" };
    if (parts.length === 4 && parts[2] === "tasks" && parts[3]) return { name: "board", projectId, taskId: parts[3] };
  }
  return { name: "notfound" };
}

export const projectUrl = (projectId: string) => `/projects/${encodeURIComponent(projectId)}`;
export const taskUrl = (projectId: string, taskId: string) => `${projectUrl(projectId)}/tasks/${encodeURIComponent(taskId)}`;
export const MY_TASKS_URL = "/my-tasks";
export const membersUrl = (projectId: string) => `${projectUrl(projectId)}/members`;
export const settingsUrl = (projectId: string) => `${projectUrl(projectId)}/settings`;

/** A same-origin link handled without a page load (plain clicks only; new tabs and the like stay the browser's). */
export function onLinkClick(event: MouseEvent): void {
  const anchor = (event.currentTarget as HTMLAnchorElement | null) ?? null;
  if (!anchor || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  navigate(anchor.pathname);
}
