// The caller's projects, kept fresh while a screen shows them: each listed project is watched on the hub (its
// counts.updated, project.updated and project.deleted events, up to the hub's 50 per connection). A poll every 2
// seconds runs only while it is needed: the hub is not connected, or there are more projects than are watched. The
// list is read again when the tab is shown again, which is when a project shared meanwhile appears (the hub tells a
// user of no project they were added to).
import { signal } from "@preact/signals";
import { api, ok, type Project } from "../api/client";
import { currentUser, hubState, watchProject, type ProjectEvent } from "../session/session";

/** The hub watches at most this many projects per connection (API.md's Limits); the board needs one more. */
export const WATCHED_PROJECTS = 49;

export const projects = signal<Project[] | null>(null);
export const projectsError = signal<string | null>(null);

export async function loadProjects(): Promise<void> {
  try {
    projects.value = ok(await api.GET("/api/projects")).items;
    projectsError.value = null;
  } catch (error) {
    projectsError.value = (error as Error).message;
  }
}

export function upsertProject(project: Project): void {
  const list = projects.value ?? [];
  projects.value = list.some((p) => p.id === project.id) ? list.map((p) => (p.id === project.id ? project : p)) : [...list, project];
}

export function dropProject(id: string): void {
  projects.value = (projects.value ?? []).filter((p) => p.id !== id);
}

/** Whether the hub's events do not cover the list: then it is polled. */
export const pollingNeeded = (connected: boolean, count: number) => !connected || count > WATCHED_PROJECTS;

/**
 * Reads the list, then polls it while mounted, the page visible and the hub's events not enough; reads it again when
 * the page is shown again. Returns the stop function for an effect's cleanup.
 */
export function pollProjects(everyMs = 2000): () => void {
  void loadProjects();
  const timer = setInterval(() => {
    if (document.visibilityState === "visible" && pollingNeeded(hubState.value === "connected", projects.value?.length ?? 0)) void loadProjects();
  }, everyMs);
  const onShown = () => {
    if (document.visibilityState === "visible") void loadProjects();
  };
  document.addEventListener("visibilitychange", onShown);
  return () => {
    clearInterval(timer);
    document.removeEventListener("visibilitychange", onShown);
  };
}

function patchProject(id: string, change: (project: Project) => Project): void {
  if (projects.value?.some((p) => p.id === id)) projects.value = projects.value.map((p) => (p.id === id ? change(p) : p));
}

function receive(event: ProjectEvent): void {
  const data = event.data as Record<string, unknown>;
  switch (event.type) {
    case "counts.updated":
      patchProject(event.projectId, (p) => ({ ...p, counts: data as unknown as Project["counts"] }));
      break;
    case "project.updated":
      // Everyone's copy of the project: this caller's role stays the one it had.
      patchProject(event.projectId, (p) => ({ ...(data as unknown as Project), role: p.role }));
      break;
    case "project.deleted":
      dropProject(event.projectId);
      break;
    case "member.removed":
      if (data.userId === currentUser.value?.id) dropProject(event.projectId);
      break;
  }
}

let rereading: ReturnType<typeof setTimeout> | undefined;
const reread = () => {
  clearTimeout(rereading);
  rereading = setTimeout(() => void loadProjects(), 100);
};
const watching = new Map<string, () => void>();

/**
 * Watches exactly the first of ids (the projects shown first) and no other, changing only what differs from the last
 * call; after a (re)established watch the list is read again, once for all of them. watchProjects([]) stops them all.
 */
export function watchProjects(ids: readonly string[]): void {
  const wanted = new Set(ids.slice(0, WATCHED_PROJECTS));
  for (const [id, stop] of watching) {
    if (wanted.has(id)) continue;
    stop();
    watching.delete(id);
  }
  for (const id of wanted) if (!watching.has(id)) watching.set(id, watchProject(id, receive, reread));
}
