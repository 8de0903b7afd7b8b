/**
 * Server forms without a form library: their generated definition, their start values, the
 * conversion of what inputs hold into what the schema expects, and how a failed submit's
 * messages are split between the fields and the form.
 */
import type { z } from "zod";
import type { CallOptions } from "./call.js";
import type { MizanError } from "./error.js";
import { FORM_ERROR_KEY, type FormWidget } from "./protocol.gen.js";

/** A form's values by field name (the same type as react-hook-form's `FieldValues`). */
export type FormValues = Record<string, any>;

/** One option of a `select` or `radio` field. */
export interface FormChoice {
  value: string | number | boolean;
  label: string;
}

/** A field of a form, as declared on the server. */
export interface FormFieldMeta {
  /** Key of the field in the form's values (and in the server's validation errors). */
  name: string;
  label: string;
  widget: FormWidget;
  /** False when the field may be left empty: its schema then accepts it missing. */
  required: boolean;
  help?: string;
  placeholder?: string;
  /** Value the field starts with. */
  initial?: unknown;
  choices?: readonly FormChoice[];
}

/** A server form: its fields, its Zod schema and its submit function, as generated in `mizan.gen.ts`. */
export interface FormDefinition<Values extends FormValues, Result> {
  /** The form's name; the server registers `<name>.schema`, `<name>.validate` and `<name>.submit`. */
  name: string;
  title: string;
  fields: readonly FormFieldMeta[];
  /** Client-side validation, with the server's rules and messages. */
  schema: z.ZodType<Values>;
  /** Calls `<name>.submit`; rejects with a MizanError. */
  submit: (values: Values, options?: CallOptions) => Promise<Result>;
}

/** `submitting` while the server call is in flight; `success` / `error` after it. */
export type FormStatus = "idle" | "submitting" | "success" | "error";

const TEXT_WIDGETS: ReadonlySet<FormWidget> = new Set<FormWidget>([
  "text",
  "email",
  "password",
  "textarea",
  "date",
  "datetime-local",
  "time",
  "url",
  "tel",
  "hidden",
]);

/**
 * The value a field starts with when neither the options nor its `initial`
 * give one: `false` for a checkbox, `""` for text-like widgets, `undefined`
 * otherwise: a number input starts empty, no radio is checked, and a select
 * takes the value of the option it shows (its first one).
 */
function emptyValue(field: FormFieldMeta): unknown {
  if (field.widget === "checkbox") return false;
  return TEXT_WIDGETS.has(field.widget) ? "" : undefined;
}

/** True for the widgets whose inputs hold their choice's value as a string. */
function isChoiceWidget(widget: FormWidget): boolean {
  return widget === "select" || widget === "radio";
}

/**
 * The form's start values: `overrides` (those not `undefined`), then each
 * field's `initial`, then its empty value (`false` for a checkbox, `""` for
 * text-like widgets, nothing otherwise). Select and radio values are held as
 * strings, as their inputs hold them (a radio is checked when its `value`
 * equals the form value).
 */
export function formDefaultValues<Values extends FormValues>(
  fields: readonly FormFieldMeta[],
  overrides: Partial<Values> | undefined,
): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const field of fields) values[field.name] = field.initial ?? emptyValue(field);
  for (const [name, value] of Object.entries(overrides ?? {})) {
    if (value !== undefined) values[name] = value;
  }
  for (const field of fields) {
    const value = values[field.name];
    if (isChoiceWidget(field.widget) && value !== null && value !== undefined) values[field.name] = String(value);
  }
  return values;
}

/**
 * Turns what the input of `field` holds into what the schema expects: number
 * inputs give strings (or `NaN` with `valueAsNumber`), select and radio inputs
 * give the string form of their choice's value, and an empty optional field is
 * missing (`undefined`).
 */
export function formSchemaValue(field: FormFieldMeta, value: unknown): unknown {
  switch (field.widget) {
    case "checkbox":
      return value;
    case "number": {
      if (value === null || value === undefined || (typeof value === "number" && Number.isNaN(value))) return undefined;
      if (typeof value !== "string") return value;
      const text = value.trim();
      if (text === "") return undefined;
      const number = Number(text);
      return Number.isFinite(number) ? number : value;
    }
    case "select":
    case "radio": {
      if (value === null || value === undefined) return undefined;
      const choice = field.choices?.find((c) => String(c.value) === String(value));
      if (choice !== undefined) return choice.value;
      return value === "" && !field.required ? undefined : value;
    }
    default:
      if (value === null) return undefined;
      return value === "" && !field.required ? undefined : value;
  }
}

/** The form's values as the schema expects them ({@link formSchemaValue} of each field; missing ones left out). */
export function formSchemaValues(fields: readonly FormFieldMeta[], values: FormValues): FormValues {
  const converted: Record<string, unknown> = { ...values };
  for (const field of fields) {
    const value = formSchemaValue(field, converted[field.name]);
    if (value === undefined) delete converted[field.name];
    else converted[field.name] = value;
  }
  return converted;
}

/** The messages of a failed submit, as {@link splitFormFailure} splits them. */
export interface FormFailureMessages {
  /** `[field name, message]` for the form's fields, in the form's field order. */
  fieldMessages: [string, string][];
  /** The message about the form as a whole, if any. */
  formError: string | undefined;
}

/**
 * Splits the messages of a failed submit: a `VALIDATION` error's messages
 * for the form's fields go to those fields (joined per field); the form-level
 * ones (`FORM_ERROR_KEY`) and those for fields the form does not have
 * (prefixed with the field's name) make the form message. Any other
 * failure, or a validation error with no message, gives its own message.
 */
export function splitFormFailure(failure: MizanError, fields: readonly FormFieldMeta[]): FormFailureMessages {
  const fieldMessages: [string, string][] = [];
  const formMessages: string[] = [];
  const order = new Map(fields.map((field, index) => [field.name, index]));
  if (failure.code === "VALIDATION" && failure.fields !== undefined) {
    const entries = Object.entries(failure.fields).filter(([, messages]) => messages.length > 0);
    for (const [key, messages] of entries) {
      const message = messages.join(" ");
      if (key === FORM_ERROR_KEY) formMessages.unshift(message);
      else if (order.has(key)) fieldMessages.push([key, message]);
      else formMessages.push(`${key}: ${message}`);
    }
  }
  fieldMessages.sort(([a], [b]) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
  if (formMessages.length > 0) return { fieldMessages, formError: formMessages.join(" ") };
  return { fieldMessages, formError: fieldMessages.length > 0 ? undefined : failure.message };
}
