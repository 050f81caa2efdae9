import { useEffect } from "preact/hooks";
import { formatTime } from "../app/format";
import { loadProjects, projects } from "../projects/projectsState";
import { Popover } from "../app/Popover";
import { downloadable, exportsError, exportsList, exportsPanelOpen, loadExports } from "./exportsState";

const STATUS_TEXT = { pending: "Waiting", running: "Exporting…", done: "Ready", failed: "Failed" } as const;

export function ExportsPanel() {
  const open = exportsPanelOpen.value;
  useEffect(() => {
    if (!open) return;
    void loadExports();
    // Exports name their project by id; the names come from the projects list.
    if (!projects.value) void loadProjects();
  }, [open]);
  const names = new Map((projects.value ?? []).map((p) => [p.id, p.name]));
  return (
    <Popover label="Exports" open={open} onToggle={(o) => (exportsPanelOpen.value = o)} buttonText="Exports">
      <h2 class="popover-title">Your exports</h2>
      {exportsError.value && <p class="form-error">The exports could not be loaded: {exportsError.value}</p>}
      {!exportsList.value && !exportsError.value && <p class="muted">Loading…</p>}
      {exportsList.value?.length === 0 && <p class="muted">No exports yet. Use “Export CSV” on a project’s board.</p>}
      {exportsList.value && exportsList.value.length > 0 && (
        <ul class="plain-list" aria-label="Your exports">
          {exportsList.value.map((e) => (
            <li key={e.id} class="export-row">
              <div>
                <strong>{names.get(e.projectId) ?? "Project"}</strong>
                <div class="muted">
                  {formatTime(e.createdAt)} · <span class={`export-status export-${e.status}`}>{STATUS_TEXT[e.status]}</span>
                  {e.taskCount !== null && e.taskCount !== undefined && ` · ${e.taskCount} tasks`}
                </div>
                {e.status === "failed" && <div class="field-error">{e.error ?? "The export failed."}</div>}
              </div>
              {downloadable(e) && (
                <a class="button small" href={e.url!} download rel="noreferrer">
                  Download CSV
                </a>
              )}
              {e.status === "done" && !downloadable(e) && <span class="muted">Link expired</span>}
            </li>
          ))}
        </ul>
      )}
    </Popover>
  );
}
