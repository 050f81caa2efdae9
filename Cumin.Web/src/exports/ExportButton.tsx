import { useState } from "preact/hooks";
import { api, describe, problemOf, type Export } from "../api/client";
import { toast } from "../app/toasts";
import { addExport, exportsPanelOpen } from "./exportsState";

/** Starts a CSV export of the project; the bell says when it is ready. */
export function ExportButton(props: { projectId: string }) {
  const [busy, setBusy] = useState(false);
  return (
    <button
      type="button"
      class="button"
      disabled={busy}
      onClick={async () => {
        setBusy(true);
        const { data, error, response } = await api.POST("/api/projects/{projectId}/exports", { params: { path: { projectId: props.projectId } } });
        setBusy(false);
        if (data) {
          addExport(data as Export);
          toast("Export started. The bell tells you when the CSV is ready.");
          exportsPanelOpen.value = true;
        } else toast(`The export did not start: ${describe(problemOf(response, error))}`, "error");
      }}
    >
      Export CSV
    </button>
  );
}
