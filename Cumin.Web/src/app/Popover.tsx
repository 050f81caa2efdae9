import type { ComponentChildren } from "preact";
import { useEffect, useRef } from "preact/hooks";

/** A header button with a panel under it: Escape or a click outside closes it, focus returns to the button. */
export function Popover(props: { label: string; buttonText: ComponentChildren; open: boolean; onToggle: (open: boolean) => void; children: ComponentChildren; buttonLabel?: string }) {
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (!props.open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") {
        props.onToggle(false);
        button.current?.focus();
      }
    };
    const onClick = (e: MouseEvent) => {
      if (root.current && !root.current.contains(e.target as Node)) props.onToggle(false);
    };
    addEventListener("keydown", onKey);
    addEventListener("mousedown", onClick);
    return () => {
      removeEventListener("keydown", onKey);
      removeEventListener("mousedown", onClick);
    };
  }, [props.open]);
  const id = `popover-${props.label.toLowerCase().replace(/\W+/g, "-")}`;
  return (
    <div class="popover-root" ref={root}>
      <button ref={button} type="button" class="button" aria-expanded={props.open} aria-controls={id} aria-label={props.buttonLabel} onClick={() => props.onToggle(!props.open)}>
        {props.buttonText}
      </button>
      {props.open && (
        <section class="popover" id={id} aria-label={props.label}>
          {props.children}
        </section>
      )}
    </div>
  );
}
