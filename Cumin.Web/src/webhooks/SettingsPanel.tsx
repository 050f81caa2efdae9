import { useEffect, useRef } from "preact/hooks";
import type { Project } from "../api/client";
import { WebhooksSettings } from "./WebhooksSettings";

/** The project's settings, for its owner: its webhooks. Anyone else reaching this URL is told it is the owner's. */
export function SettingsPanel(props: { project: Project; onClose: () => void }) {
  const { project } = props;
  const panel = useRef<HTMLDivElement>(null);
  useEffect(() => {
    panel.current?.focus();
    // Escape in a confirmation (the native dialog) answers it, not the panel.
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && !document.querySelector("dialog[open]") && props.onClose();
    addEventListener("keydown", onKey);
    return () => removeEventListener("keydown", onKey);
  }, []);
  return (
    <div class="drawer-backdrop" onClick={(e) => e.target === e.currentTarget && props.onClose()}>
      <div class="drawer wide" role="dialog" aria-modal="true" aria-labelledby="settings-title" tabIndex={-1} ref={panel}>
        <div class="row between drawer-head">
          <h2 id="settings-title">Settings of {project.name}</h2>
          <button type="button" class="icon-button" aria-label="Close" onClick={props.onClose}>
            ×
          </button>
        </div>
        {project.role === "owner" ? <WebhooksSettings projectId={project.id} /> : <p>Only the project's owner manages its settings.</p>}
      </div>
    </div>
  );
}
