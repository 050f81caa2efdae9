import { useState } from "preact/hooks";
import { api, describe, fieldErrors, problemOf, type CreatedWebhook, type Problem } from "../api/client";
import { Field } from "../auth/Field";
import { ALL_EVENTS, EVENT_GROUPS } from "./webhookText";

/** Adding a webhook: its URL and the events it wants (all, or some by group); the created webhook goes to onCreated. */
export function NewWebhookForm(props: { projectId: string; onCreated: (webhook: CreatedWebhook) => void }) {
  const [url, setUrl] = useState("");
  const [all, setAll] = useState(true);
  const [chosen, setChosen] = useState<string[]>([]);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [saving, setSaving] = useState(false);
  const eventErrors = fieldErrors(problem, "events");
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!all && chosen.length === 0) {
      setProblem({ status: 400, title: "Choose events", errors: { events: ["Choose at least one event, or All events."] } });
      return;
    }
    setSaving(true);
    const { data, error, response } = await api.POST("/api/projects/{projectId}/webhooks", {
      params: { path: { projectId: props.projectId } },
      body: { url: url.trim(), events: all ? [ALL_EVENTS] : chosen },
    });
    setSaving(false);
    if (data) {
      props.onCreated(data);
      setUrl("");
      setAll(true);
      setChosen([]);
      setProblem(null);
    } else setProblem(problemOf(response, error));
  };
  const toggle = (type: string, on: boolean) => setChosen((list) => (on ? [...list.filter((t) => t !== type), type] : list.filter((t) => t !== type)));
  return (
    <form class="new-webhook" aria-labelledby="new-webhook-title" onSubmit={submit}>
      <h4 id="new-webhook-title">Add a webhook</h4>
      <Field
        id="webhook-url"
        label="Payload URL"
        name="url"
        type="url"
        required
        maxLength={2000}
        placeholder="https://example.com/cumin-events"
        hint="An https:// address (http:// only where this server allows it). Addresses on private networks are refused unless this server allows them."
        value={url}
        onInput={setUrl}
        problem={problem}
      />
      <fieldset class="event-choice" aria-describedby={eventErrors.length ? "webhook-events-error" : undefined}>
        <legend>Events to send</legend>
        <label class="choice">
          <input type="radio" name="webhook-events" checked={all} onChange={() => setAll(true)} />
          All events
        </label>
        <label class="choice">
          <input type="radio" name="webhook-events" checked={!all} onChange={() => setAll(false)} />
          Only the events I choose
        </label>
        {!all && (
          <div class="event-groups">
            {EVENT_GROUPS.map((group) => (
              <fieldset key={group.name} class="event-group">
                <legend>{group.name}</legend>
                {group.types.map((type) => (
                  <label key={type} class="choice">
                    <input type="checkbox" checked={chosen.includes(type)} onChange={(e) => toggle(type, e.currentTarget.checked)} />
                    <code>{type}</code>
                  </label>
                ))}
              </fieldset>
            ))}
          </div>
        )}
        {eventErrors.length > 0 && (
          <p id="webhook-events-error" class="field-error">
            {eventErrors.join(" ")}
          </p>
        )}
      </fieldset>
      {problem && !problem.errors && (
        <p class="form-error" role="alert">
          {problem.status === 409 ? "This project has 10 webhooks, the most it may have. Delete one to add another." : describe(problem)}
        </p>
      )}
      <button type="submit" class="button primary" disabled={saving}>
        {saving ? "Adding…" : "Add webhook"}
      </button>
    </form>
  );
}
