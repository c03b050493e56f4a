import type { ComponentChildren } from 'preact';

/** A labelled input bound to a string state (the label wraps it, so it is its accessible name). */
export function Field(props: {
  label: ComponentChildren;
  name: string;
  value: string;
  onValue: (value: string) => void;
  type?: string;
  required?: boolean;
  placeholder?: string;
  pattern?: string;
  maxLength?: number;
  min?: number;
  max?: number;
}) {
  const { label, onValue, ...input } = props;
  return (
    <label>
      {label}
      <input {...input} onInput={(event) => onValue(event.currentTarget.value)} />
    </label>
  );
}
