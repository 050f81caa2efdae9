import { useState } from "preact/hooks";
import type { Label } from "../api/client";
import { LABEL_SWATCHES } from "./labelColors";
import { LabelChip } from "./LabelChip";

/**
 * The task's labels as a group of checkboxes, each shown as its chip; owners and editors may create a label here too,
 * which is then ticked for this task (saved with the rest of the drawer).
 */
export function LabelPicker(props: {
  labels: Label[];
  selected: readonly string[];
  onChange: (ids: string[]) => void;
  onCreate?: (name: string, color: string) => Promise<Label | string>;
}) {
  const [name, setName] = useState("");
  const [color, setColor] = useState<string>(LABEL_SWATCHES[props.labels.length % LABEL_SWATCHES.length]!);
  const [problem, setProblem] = useState<string | null>(null);
  const toggle = (id: string, on: boolean) => props.onChange(on ? [...props.selected.filter((s) => s !== id), id] : props.selected.filter((s) => s !== id));
  const create = async () => {
    if (!name.trim() || !props.onCreate) return;
    const made = await props.onCreate(name.trim(), color);
    if (typeof made === "string") return setProblem(made);
    setProblem(null);
    setName("");
    setColor(LABEL_SWATCHES[(props.labels.length + 1) % LABEL_SWATCHES.length]!);
    props.onChange([...props.selected, made.id]);
  };
  return (
    <fieldset class="label-picker">
      <legend>Labels</legend>
      {props.labels.length === 0 && <p class="muted">This project has no labels yet.</p>}
      <div class="label-options">
        {props.labels.map((label) => (
          <label key={label.id} class="label-option">
            <input type="checkbox" checked={props.selected.includes(label.id)} onChange={(e) => toggle(label.id, e.currentTarget.checked)} />
            <LabelChip label={label} />
          </label>
        ))}
      </div>
      {props.onCreate && (
        <div class="row new-label">
          <label for="new-label-name" class="visually-hidden">
            New label name
          </label>
          <input
            id="new-label-name"
            placeholder="New label"
            maxLength={50}
            value={name}
            onInput={(e) => setName(e.currentTarget.value)}
            onKeyDown={(e) => {
              // Enter creates the label rather than saving the whole drawer.
              if (e.key === "Enter") {
                e.preventDefault();
                void create();
              }
            }}
          />
          <label for="new-label-color" class="visually-hidden">
            New label colour
          </label>
          <input id="new-label-color" type="color" class="color-input" value={color} onInput={(e) => setColor(e.currentTarget.value)} />
          <button type="button" class="button small" onClick={() => void create()}>
            Create label
          </button>
        </div>
      )}
      {problem && (
        <p class="field-error" role="alert">
          {problem}
        </p>
      )}
    </fieldset>
  );
}
