import { useEffect, useRef, useState } from "preact/hooks";
import { api, describe, ok, problemOf, type CreatedWebhook, type Webhook } from "../api/client";
import { ConfirmDialog } from "../app/ConfirmDialog";
import { formatTime } from "../app/format";
import { toast } from "../app/toasts";
import { NewWebhookForm } from "./NewWebhookForm";
import { WebhookDeliveries } from "./WebhookDeliveries";
import { deliverySummary, eventsSummary } from "./webhookText";

/** A ping or a change is delivered by moments later (through a queue): the list and its deliveries are read again meanwhile. */
const REREAD_AFTER_MS = [1000, 3000, 7000, 15000, 30000];

/**
 * The project's webhooks (API.md's Webhooks; owners only, so the board offers this to owners alone): add one (its
 * secret shown once), see each one's last delivery, switch it off and on, ping it, read its recent deliveries, delete it.
 */
export function WebhooksSettings(props: { projectId: string }) {
  const { projectId } = props;
  const [webhooks, setWebhooks] = useState<Webhook[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [created, setCreated] = useState<CreatedWebhook | null>(null);
  const [deleting, setDeleting] = useState<Webhook | null>(null);
  const [opened, setOpened] = useState<string | null>(null);
  const [deliveriesSeq, setDeliveriesSeq] = useState(0);
  const [now, setNow] = useState(() => new Date());
  const timers = useRef<ReturnType<typeof setTimeout>[]>([]);
  const path = { projectId };

  const load = async () => {
    try {
      setWebhooks(ok(await api.GET("/api/projects/{projectId}/webhooks", { params: { path } })).items);
      setLoadError(null);
      setNow(new Date());
    } catch (e) {
      setLoadError((e as Error).message);
    }
  };

  const rereadSoon = () => {
    timers.current.forEach(clearTimeout);
    timers.current = REREAD_AFTER_MS.map((ms) =>
      setTimeout(() => {
        void load();
        setDeliveriesSeq((n) => n + 1);
      }, ms),
    );
  };

  useEffect(() => {
    void load();
    const tick = setInterval(() => setNow(new Date()), 30_000);
    return () => {
      clearInterval(tick);
      timers.current.forEach(clearTimeout);
    };
  }, [projectId]);

  const replace = (webhook: Webhook) => setWebhooks((list) => (list ?? []).map((w) => (w.id === webhook.id ? webhook : w)));

  const setActive = async (webhook: Webhook, active: boolean) => {
    const { data, error, response } = await api.PATCH("/api/projects/{projectId}/webhooks/{webhookId}", {
      params: { path: { projectId, webhookId: webhook.id } },
      body: { active },
    });
    if (data) replace(data);
    else toast(`The webhook was not ${active ? "switched on" : "switched off"}: ${describe(problemOf(response, error))}`, "error");
  };

  const ping = async (webhook: Webhook) => {
    const { error, response } = await api.POST("/api/projects/{projectId}/webhooks/{webhookId}/ping", { params: { path: { projectId, webhookId: webhook.id } } });
    if (!response.ok) return toast(`The ping was not sent: ${describe(problemOf(response, error))}`, "error");
    toast(`Ping sent to ${webhook.url}. Its delivery shows here in a moment.`);
    setOpened(webhook.id);
    rereadSoon();
  };

  const remove = async (webhook: Webhook) => {
    setDeleting(null);
    const { error, response } = await api.DELETE("/api/projects/{projectId}/webhooks/{webhookId}", { params: { path: { projectId, webhookId: webhook.id } } });
    if (response.ok || response.status === 404) {
      setWebhooks((list) => (list ?? []).filter((w) => w.id !== webhook.id));
      if (created?.id === webhook.id) setCreated(null);
      toast(`Deleted the webhook to ${webhook.url}.`);
    } else toast(`The webhook was not deleted: ${describe(problemOf(response, error))}`, "error");
  };

  return (
    <section class="webhooks" aria-labelledby="webhooks-title">
      <h3 id="webhooks-title">Webhooks</h3>
      <p class="muted">
        Cumin sends each change of this project to these addresses as it happens (a POST of the event's JSON), signed with the webhook's secret in the
        Cumin-Signature header.
      </p>
      {created && <SecretOnce webhook={created} onDone={() => setCreated(null)} />}
      {loadError && (
        <p class="form-error" role="alert">
          The webhooks could not be loaded: {loadError}
        </p>
      )}
      {webhooks === null && !loadError && <p class="muted">Loading webhooks…</p>}
      {webhooks !== null && webhooks.length === 0 && <p class="muted">No webhooks yet.</p>}
      {webhooks !== null && webhooks.length > 0 && (
        <ul class="webhook-list" aria-label="Webhooks">
          {webhooks.map((webhook) => (
            <li key={webhook.id} class="webhook" aria-label={`Webhook to ${webhook.url}`}>
              <div class="webhook-head">
                <code class="webhook-url">{webhook.url}</code>
                <span class={`webhook-state ${webhook.active ? "on" : "off"}`}>{webhook.active ? "Active" : "Inactive"}</span>
              </div>
              <dl class="facts webhook-facts">
                <dt>Events</dt>
                <dd>{eventsSummary(webhook.events)}</dd>
                <dt>Last delivery</dt>
                <dd class={webhook.lastDelivery && !webhook.lastDelivery.ok ? "delivery-failed" : undefined}>
                  {webhook.lastDelivery ? (
                    <time dateTime={webhook.lastDelivery.at} title={formatTime(webhook.lastDelivery.at)}>
                      {deliverySummary(webhook.lastDelivery, now)}
                    </time>
                  ) : (
                    "Never"
                  )}
                </dd>
              </dl>
              <div class="row wrap webhook-actions">
                <label class="switch">
                  <input type="checkbox" checked={webhook.active} onChange={(e) => void setActive(webhook, e.currentTarget.checked)} />
                  Deliver events
                </label>
                <button type="button" class="button small" onClick={() => void ping(webhook)}>
                  Send ping
                </button>
                <button type="button" class="button small" aria-expanded={opened === webhook.id} onClick={() => setOpened(opened === webhook.id ? null : webhook.id)}>
                  {opened === webhook.id ? "Hide deliveries" : "Recent deliveries"}
                </button>
                <button type="button" class="button small danger" aria-label={`Delete the webhook to ${webhook.url}`} onClick={() => setDeleting(webhook)}>
                  Delete
                </button>
              </div>
              {opened === webhook.id && <WebhookDeliveries projectId={projectId} webhook={webhook} seq={deliveriesSeq} now={now} />}
            </li>
          ))}
        </ul>
      )}
      <NewWebhookForm
        projectId={projectId}
        onCreated={(webhook) => {
          setCreated(webhook);
          const { secret: _secret, ...shown } = webhook;
          setWebhooks((list) => [...(list ?? []).filter((w) => w.id !== webhook.id), shown]);
        }}
      />
      {deleting && (
        <ConfirmDialog
          title="Delete this webhook?"
          message={`Cumin stops sending this project's changes to ${deleting.url}. Its delivery log goes with it.`}
          confirm="Delete webhook"
          onCancel={() => setDeleting(null)}
          onConfirm={() => void remove(deleting)}
        />
      )}
    </section>
  );
}

/** The secret, right after creation and never again (the API returns it only in the 201). */
function SecretOnce(props: { webhook: CreatedWebhook; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.webhook.secret);
      setCopied(true);
    } catch {
      // No clipboard (an insecure origin, a refused permission): select it, so Ctrl+C copies it.
      input.current?.select();
      toast("Copying was refused by the browser; the secret is selected, press Ctrl+C to copy it.", "error");
    }
  };
  return (
    <div class="secret-once" role="region" aria-labelledby="secret-title">
      <h4 id="secret-title">Webhook created: copy its secret now</h4>
      <p>
        <strong>You will not see it again.</strong> Your receiver checks each delivery's Cumin-Signature with it. If it is lost, delete the webhook and add it
        again.
      </p>
      <div class="row">
        <label for="webhook-secret" class="visually-hidden">
          Secret of the webhook to {props.webhook.url}
        </label>
        <input id="webhook-secret" ref={input} class="secret-value" readOnly value={props.webhook.secret} onFocus={(e) => e.currentTarget.select()} />
        <button type="button" class="button small primary" onClick={() => void copy()}>
          {copied ? "Copied" : "Copy secret"}
        </button>
      </div>
      <p class="row end">
        <button type="button" class="button small" onClick={props.onDone}>
          I have copied it
        </button>
      </p>
      <span class="visually-hidden" role="status">
        {copied ? "The secret was copied." : ""}
      </span>
    </div>
  );
}

