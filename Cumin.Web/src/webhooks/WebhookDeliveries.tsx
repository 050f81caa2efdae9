import { useEffect, useState } from "preact/hooks";
import { api, ok, type Delivery, type Webhook } from "../api/client";
import { formatRelative, formatTime } from "../app/format";

const DELIVERIES = 20;

/** A webhook's recent deliveries, newest first (read again when seq changes: after a ping). */
export function WebhookDeliveries(props: { projectId: string; webhook: Webhook; seq: number; now: Date }) {
  const [items, setItems] = useState<Delivery[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const load = async () => {
    try {
      const page = ok(
        await api.GET("/api/projects/{projectId}/webhooks/{webhookId}/deliveries", {
          params: { path: { projectId: props.projectId, webhookId: props.webhook.id }, query: { limit: DELIVERIES } },
        }),
      );
      setItems(page.items);
      setLoadError(null);
    } catch (e) {
      setLoadError((e as Error).message);
    }
  };
  useEffect(() => void load(), [props.webhook.id, props.seq, props.webhook.lastDelivery?.at]);
  const caption = `Recent deliveries to ${props.webhook.url}`;
  return (
    <div class="deliveries">
      {loadError && (
        <p class="form-error" role="alert">
          The deliveries could not be loaded: {loadError}
        </p>
      )}
      {items === null && !loadError && <p class="muted">Loading deliveries…</p>}
      {items !== null && items.length === 0 && <p class="muted">Nothing delivered yet. Send a ping to try it.</p>}
      {items !== null && items.length > 0 && (
        <div class="table-scroll">
          <table class="deliveries-table" aria-label={caption}>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Event</th>
                <th scope="col">Result</th>
                <th scope="col">Attempt</th>
                <th scope="col">Time taken</th>
              </tr>
            </thead>
            <tbody>
              {items.map((d) => (
                <tr key={d.id}>
                  <td>
                    <time dateTime={d.at} title={formatTime(d.at)}>
                      {formatRelative(d.at, props.now)}
                    </time>
                  </td>
                  <td>
                    <code>{d.type}</code>
                  </td>
                  <td class={d.ok ? "delivery-ok" : "delivery-failed"}>
                    {d.ok ? "Delivered" : "Failed"} ({d.status ?? "no answer"}){d.error ? `: ${d.error}` : ""}
                  </td>
                  <td>{d.attempt}</td>
                  <td>{d.durationMs} ms</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}