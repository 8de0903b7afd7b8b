import { zodResolver } from "@hookform/resolvers/zod";
import { useCallback, useContext, useRef, useState, type BaseSyntheticEvent } from "react";
import {
  get,
  useForm,
  type DefaultValues,
  type FieldError,
  type FieldPath,
  type FieldValues,
  type Resolver,
  type UseFormReturn,
} from "react-hook-form";
import type { z } from "zod";
import type { CallOptions } from "../call.js";
import { toMizanError, type MizanError } from "../error.js";
import { FORM_ERROR_KEY, type FormWidget } from "../protocol.gen.js";

export type { FormWidget };
import { MizanContext } from "./context.js";

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
export interface FormDefinition<Values extends FieldValues, Result> {
  /** The form's name; the server registers `<name>.schema`, `<name>.validate` and `<name>.submit`. */
  name: string;
  title: string;
  fields: readonly FormFieldMeta[];
  /** Client-side validation, with the server's rules and messages. */
  schema: z.ZodType<Values>;
  /** Calls `<name>.submit`; rejects with a MizanError. */
  submit: (values: Values, options?: CallOptions) => Promise<Result>;
}

/** When fields are validated before the first submit (afterwards: on every change). */
export type FormValidationMode = "onBlur" | "onChange" | "onTouched" | "onSubmit" | "all";

export interface UseMizanFormOptions<Values extends FieldValues, Result> {
  /** Start values, over the fields' `initial` values. */
  defaultValues?: Partial<Values>;
  /** Default `"onTouched"`: a field is validated when it loses focus, then on every change. */
  mode?: FormValidationMode;
  /** Called after a successful submit with the server's result and the submitted values. */
  onSuccess?: (result: Result, values: Values) => void;
  /** Resets the fields to their default values after a successful submit. Default `false`. */
  resetOnSuccess?: boolean;
}

/** `submitting` while the server call is in flight; `success` / `error` after it. */
export type FormStatus = "idle" | "submitting" | "success" | "error";

export interface UseMizanFormReturn<Values extends FieldValues, Result> extends UseFormReturn<Values, unknown, Values> {
  definition: FormDefinition<Values, Result>;
  /**
   * The `<form onSubmit>` handler: prevents the browser's submit, validates
   * with the schema (an invalid form sends nothing and shows the messages),
   * then calls `definition.submit`. Ignored while a submit is in flight.
   * Failures are reported in `error` / `formError` and on the fields, not
   * thrown; the promise rejects only if `onSuccess` throws.
   */
  onSubmit: (event?: BaseSyntheticEvent) => Promise<void>;
  status: FormStatus;
  /** Result of the latest successful submit. */
  result: Result | undefined;
  /** Failure of the latest submit, cleared when a new one starts. */
  error: MizanError | undefined;
  /** Message about the form as a whole, cleared when a new submit starts. */
  formError: string | undefined;
  /** The current message of the field `name`, from the schema or from the server. */
  fieldError: (name: FieldPath<Values> | (string & {})) => string | undefined;
}

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
 * field's `initial`, then its {@link emptyValue}. Select and radio values are
 * held as strings, as their inputs hold them (a radio is checked when its
 * `value` equals the form value).
 */
function defaultValuesOf<Values extends FieldValues>(
  fields: readonly FormFieldMeta[],
  overrides: Partial<Values> | undefined,
): DefaultValues<Values> {
  const values: Record<string, unknown> = {};
  for (const field of fields) values[field.name] = field.initial ?? emptyValue(field);
  for (const [name, value] of Object.entries(overrides ?? {})) {
    if (value !== undefined) values[name] = value;
  }
  for (const field of fields) {
    const value = values[field.name];
    if (isChoiceWidget(field.widget) && value !== null && value !== undefined) values[field.name] = String(value);
  }
  return values as DefaultValues<Values>;
}

/**
 * Turns what the inputs hold into what the schema expects: number inputs give
 * strings (or `NaN` with `valueAsNumber`), select and radio inputs give the
 * string form of their choice's value, and an empty optional field is missing.
 */
function schemaValue(field: FormFieldMeta, value: unknown): unknown {
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

function schemaValues(fields: readonly FormFieldMeta[], values: FieldValues): FieldValues {
  const converted: Record<string, unknown> = { ...values };
  for (const field of fields) {
    const value = schemaValue(field, converted[field.name]);
    if (value === undefined) delete converted[field.name];
    else converted[field.name] = value;
  }
  return converted;
}

function formResolver<Values extends FieldValues, Result>(
  definition: FormDefinition<Values, Result>,
): Resolver<Values, unknown, Values> {
  // Generated schemas are typed `z.ZodType<Values>`, whose input type is
  // `unknown`; react-hook-form needs an input type that is an object of field
  // values. The resolver receives the form's values converted by
  // `schemaValues`, which have the shape of `Values`, so the schema is viewed
  // as taking `Values`.
  const validate = zodResolver(definition.schema as z.ZodType<Values, Values>);
  return (values, context, options) =>
    validate(schemaValues(definition.fields, values) as Values, context, options);
}

/**
 * Splits the messages of a failed submit: a `VALIDATION` error's messages
 * for the form's fields go to those fields (`setError`, type `"server"`);
 * the form-level ones (`FORM_ERROR_KEY`) and those for fields the form does
 * not have (prefixed with the field's name) make the form message. Any other
 * failure, or a validation error with no message, gives its own message.
 */
function splitFailure(
  failure: MizanError,
  fields: readonly FormFieldMeta[],
): { fieldMessages: [string, string][]; formError: string | undefined } {
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

/**
 * A react-hook-form form for a server form: the fields start from their
 * declared `initial` values (or `options.defaultValues`), are validated in the
 * browser with the form's Zod schema, and are sent with `definition.submit`
 * (through the `<MizanProvider>`'s client when there is one). The server's
 * validation messages are shown on their fields; what the user typed is kept
 * whatever the outcome, unless `resetOnSuccess` asks otherwise.
 *
 * Values go through a conversion before validation: number inputs' strings
 * become numbers, select and radio values become their choice's value
 * (`FormChoice.value` may be a number or a boolean), and an empty optional
 * text-like, number, select or radio field is left out.
 *
 * Returns all of `useForm()` (`register`, `formState`, `watch`, `setValue`…)
 * plus the submit handler and the outcome of the latest submit.
 */
export function useMizanForm<Values extends FieldValues, Result>(
  definition: FormDefinition<Values, Result>,
  options: UseMizanFormOptions<Values, Result> = {},
): UseMizanFormReturn<Values, Result> {
  const client = useContext(MizanContext)?.client;
  const [resolver] = useState(() => formResolver(definition));
  const [defaultValues] = useState(() => defaultValuesOf(definition.fields, options.defaultValues));
  const form = useForm<Values, unknown, Values>({
    defaultValues,
    mode: options.mode ?? "onTouched",
    resolver,
  });
  const [status, setStatus] = useState<FormStatus>("idle");
  const [result, setResult] = useState<Result | undefined>(undefined);
  const [error, setError] = useState<MizanError | undefined>(undefined);
  const [formError, setFormError] = useState<string | undefined>(undefined);

  // The latest options, so `onSubmit` stays stable when they are written inline.
  const latest = useRef(options);
  latest.current = options;
  const inFlight = useRef(false);

  const { handleSubmit, reset, setError: setFieldError } = form;
  const onSubmit = useCallback(
    async (event?: BaseSyntheticEvent): Promise<void> => {
      event?.preventDefault();
      if (inFlight.current) return;
      inFlight.current = true;
      setError(undefined);
      setFormError(undefined);
      let submitted: { answer: Result; values: Values } | undefined;
      try {
        submitted = await handleSubmit(async (values) => {
          setStatus("submitting");
          const answer = await definition.submit(values, client === undefined ? undefined : { client });
          return { answer, values };
        })(event);
      } catch (thrown) {
        const failure = toMizanError(thrown);
        const { fieldMessages, formError: message } = splitFailure(failure, definition.fields);
        fieldMessages.forEach(([name, text], index) => {
          setFieldError(name as FieldPath<Values>, { type: "server", message: text }, { shouldFocus: index === 0 });
        });
        setError(failure);
        setFormError(message);
        setStatus("error");
        return;
      } finally {
        inFlight.current = false;
      }
      if (submitted === undefined) {
        // The schema rejected the values: nothing was sent.
        setStatus("idle");
        return;
      }
      setResult(submitted.answer);
      setStatus("success");
      if (latest.current.resetOnSuccess === true) reset(undefined, { keepIsSubmitSuccessful: true });
      latest.current.onSuccess?.(submitted.answer, submitted.values);
    },
    [client, definition, handleSubmit, reset, setFieldError],
  );

  // Read during render, so that the component re-renders when messages change.
  const { errors } = form.formState;
  const fieldError = (name: string): string | undefined => {
    const entry = get(errors, name) as FieldError | undefined;
    return typeof entry?.message === "string" && entry.message !== "" ? entry.message : undefined;
  };

  return { ...form, definition, onSubmit, status, result, error, formError, fieldError };
}
