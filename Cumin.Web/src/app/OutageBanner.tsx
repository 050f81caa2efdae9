import { outage, reloadSignal } from "../api/client";

/** A dependency that is down: one sentence and a retry, never a stack trace or a raw answer. */
export function OutageBanner() {
  if (!outage.value) return null;
  return (
    <div class="banner" role="alert">
      <span>{outage.value}</span>
      <button
        type="button"
        class="button"
        onClick={() => {
          outage.value = null;
          reloadSignal.value++;
        }}
      >
        Retry
      </button>
    </div>
  );
}
