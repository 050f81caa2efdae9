import type { Label } from "../api/client";
import { chipText } from "./labelColors";

/** A label as a coloured chip whose text always contrasts with its colour. */
export function LabelChip(props: { label: Label; small?: boolean }) {
  const { label } = props;
  return (
    <span class={`label-chip${props.small ? " small" : ""}`} style={{ background: label.color, color: chipText(label.color) }}>
      <span class="visually-hidden">Label </span>
      {label.name}
    </span>
  );
}
