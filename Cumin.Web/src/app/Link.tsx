import type { ComponentChildren } from "preact";
import { onLinkClick } from "./router";

export function Link(props: { href: string; class?: string; children: ComponentChildren; "aria-label"?: string; "aria-current"?: "page" }) {
  return (
    <a {...props} onClick={onLinkClick}>
      {props.children}
    </a>
  );
}
