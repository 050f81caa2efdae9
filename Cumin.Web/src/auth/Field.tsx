import { fieldErrors, type Problem } from "../api/client";

/** A labelled input with the problem's messages for it shown beside it (and tied to it for screen readers). */
export function Field(props: {
  id: string;
  label: string;
  name: string;
  type?: "text" | "email" | "password" | "url";
  value: string;
  onInput: (value: string) => void;
  problem?: Problem | null;
  autoComplete?: string;
  required?: boolean;
  maxLength?: number;
  minLength?: number;
  placeholder?: string;
  /** A hint under the label, read with the field. */
  hint?: string;
}) {
  const errors = fieldErrors(props.problem ?? null, props.name);
  const errorId = `${props.id}-error`;
  const hintId = `${props.id}-hint`;
  const describedBy = [props.hint ? hintId : "", errors.length > 0 ? errorId : ""].filter(Boolean).join(" ");
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      {props.hint && (
        <p id={hintId} class="field-hint">
          {props.hint}
        </p>
      )}
      <input
        id={props.id}
        name={props.name}
        type={(props.type ?? "text") as "text"}
        value={props.value}
        autoComplete={props.autoComplete}
        required={props.required}
        maxLength={props.maxLength}
        minLength={props.minLength}
        aria-invalid={errors.length > 0 ? "true" : undefined}
        placeholder={props.placeholder}
        aria-describedby={describedBy || undefined}
        onInput={(e) => props.onInput(e.currentTarget.value)}
      />
      {errors.length > 0 && (
        <p id={errorId} class="field-error">
          {errors.join(" ")}
        </p>
      )}
    </div>
  );
}
