// The caller's projects, kept fresh while a screen shows them: counts follow anybody's changes by polling every
// 2 seconds while the tab is visible (the live-board issue brings push).
import { signal } from "@preact/signals";
import { api, ok, type Project } from "../api/client";

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

/** Polls while mounted and the page is visible; returns the stop function for an effect's cleanup. */
export function pollProjects(everyMs = 2000): () => void {
  void loadProjects();
  const timer = setInterval(() => {
    if (document.visibilityState === "visible") void loadProjects();
  }, everyMs);
  return () => clearInterval(timer);
}
