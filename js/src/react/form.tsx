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
import { toMizanError, type MizanError } from "../error.js";
import {
  formDefaultValues,
  formSchemaValues,
  splitFormFailure,
  type FormDefinition,
  type FormStatus,
} from "../form-state.js";
import { MizanContext } from "./context.js";

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

function formResolver<Values extends FieldValues, Result>(
  definition: FormDefinition<Values, Result>,
): Resolver<Values, unknown, Values> {
  // Generated schemas are typed `z.ZodType<Values>`, whose input type is
  // `unknown`; react-hook-form needs an input type that is an object of field
  // values. The resolver receives the form's values converted by
  // `formSchemaValues`, which have the shape of `Values`, so the schema is viewed
  // as taking `Values`.
  const validate = zodResolver(definition.schema as z.ZodType<Values, Values>);
  return (values, context, options) =>
    validate(formSchemaValues(definition.fields, values) as Values, context, options);
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
  const [defaultValues] = useState(
    () => formDefaultValues(definition.fields, options.defaultValues) as DefaultValues<Values>,
  );
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
        const { fieldMessages, formError: message } = splitFormFailure(failure, definition.fields);
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
