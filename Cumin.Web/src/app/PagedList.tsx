import type { ComponentChildren } from "preact";

/** A page read after those shown, appended without what is shown already (a write may have shifted the pages). */
export function appendUnseen<T extends { id: string }>(shown: T[] | null, page: T[]): T[] {
  const known = new Set((shown ?? []).map((item) => item.id));
  return [...(shown ?? []), ...page.filter((item) => !known.has(item.id))];
}

/**
 * A list read a page at a time, with what it says around its items: why it could not be read, that it is being read,
 * that it is empty, and the button that reads the next page while there is one.
 */
export function PagedList<T extends { id: string }>(props: {
  /** What the list holds, in "The {noun} could not be loaded" and "Loading {noun}…". */
  noun: string;
  items: T[] | null;
  loadError: string | null;
  empty: string;
  class: string;
  label: string;
  /** One item as an <li> with its key. */
  item: (item: T) => ComponentChildren;
  more: { label: string; onClick: () => void; busy?: boolean } | null;
}) {
  const { noun, items, loadError, more } = props;
  return (
    <>
      {loadError && (
        <p class="form-error" role="alert">
          The {noun} could not be loaded: {loadError}
        </p>
      )}
      {items === null && !loadError && <p class="muted">Loading {noun}…</p>}
      {items !== null && items.length === 0 && <p class="muted">{props.empty}</p>}
      {items !== null && items.length > 0 && (
        <ol class={props.class} aria-label={props.label}>
          {items.map(props.item)}
        </ol>
      )}
      {more && (
        <button type="button" class="button small" disabled={more.busy} onClick={more.onClick}>
          {more.busy ? "Loading…" : more.label}
        </button>
      )}
    </>
  );
}
