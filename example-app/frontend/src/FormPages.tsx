import { PageTitle, type FieldValues, type FormFieldMeta, type UseMizanFormReturn } from "@mizan/react";
import { Link } from "react-router";
import { ContactStatsProvider, useContactForm, useContactStats, useCurrentUser, useSignupForm } from "./mizan.gen";

/**
 * The `contact` form: declared once in Rust (`src/forms.rs`), checked in the browser with the
 * generated Zod schema as the user types, and on the server when submitted. The statistics
 * below are a local context the form's `invalidates` refetches after each message.
 */
export function ContactPage({ hydrated }: { hydrated: boolean }) {
  const form = useContactForm({ resetOnSuccess: true });
  return (
    <>
      <PageTitle>Contact · Mizan example</PageTitle>
      <FormCard form={form} hydrated={hydrated} submitLabel="Send" testId="contact">
        {form.status === "success" && form.result !== undefined && (
          <p className="success" role="status" data-testid="contact-success">
            {form.result.reply} (message #{form.result.id})
          </p>
        )}
      </FormCard>
      <ContactStatsProvider>
        <ContactStatsCard />
      </ContactStatsProvider>
    </>
  );
}

function ContactStatsCard() {
  const stats = useContactStats();
  if (stats.data === undefined) return null;
  return (
    <p className="muted" data-testid="contact-stats">
      Messages received so far: <strong data-testid="contact-received">{stats.data.received}</strong>
    </p>
  );
}

/** The `signup` form: an account through the framework's auth, then logged in. */
export function SignupPage({ hydrated }: { hydrated: boolean }) {
  const user = useCurrentUser();
  const form = useSignupForm();
  if (user !== null) {
    return (
      <section className="card" aria-label="Signed up">
        <PageTitle>Sign up · Mizan example</PageTitle>
        <p data-testid="signup-done">
          Logged in as <strong>{user.username}</strong>. <Link to="/">Go home</Link>.
        </p>
      </section>
    );
  }
  return (
    <>
      <PageTitle>Sign up · Mizan example</PageTitle>
      <FormCard form={form} hydrated={hydrated} submitLabel="Create the account" testId="signup" />
    </>
  );
}

/**
 * Renders any generated form from its field metadata: labels, widgets, help, choices, and the
 * message of each field (from the browser's checks or from the server).
 */
function FormCard<Values extends FieldValues, Result>({
  form,
  hydrated,
  submitLabel,
  testId,
  children,
}: {
  form: UseMizanFormReturn<Values, Result>;
  hydrated: boolean;
  submitLabel: string;
  testId: string;
  children?: React.ReactNode;
}) {
  const { definition } = form;
  return (
    <form className="card" aria-label={definition.title} onSubmit={form.onSubmit} noValidate data-testid={`${testId}-form`}>
      <h2>{definition.title}</h2>
      {definition.fields.map((field) => (
        <Field key={field.name} form={form} field={field} testId={`${testId}-${field.name}`} />
      ))}
      {form.formError !== undefined && (
        <p className="error" role="alert" data-testid={`${testId}-form-error`}>
          {form.formError}
        </p>
      )}
      <div className="row">
        <button type="submit" data-testid={`${testId}-submit`} disabled={!hydrated || form.status === "submitting"}>
          {form.status === "submitting" ? "Sending…" : submitLabel}
        </button>
      </div>
      {children}
    </form>
  );
}

function Field<Values extends FieldValues, Result>({
  form,
  field,
  testId,
}: {
  form: UseMizanFormReturn<Values, Result>;
  field: FormFieldMeta;
  testId: string;
}) {
  // Field names come from the same declaration as `Values`.
  const registered = form.register(field.name as Parameters<typeof form.register>[0]);
  const error = form.fieldError(field.name);
  const id = `field-${testId}`;
  const described = [field.help !== undefined ? `${id}-help` : "", error !== undefined ? `${id}-error` : ""]
    .filter(Boolean)
    .join(" ");
  const common = {
    ...registered,
    id,
    "data-testid": testId,
    "aria-invalid": error !== undefined,
    "aria-describedby": described || undefined,
  };
  const input =
    field.widget === "textarea" ? (
      <textarea {...common} placeholder={field.placeholder} rows={5} />
    ) : field.widget === "select" ? (
      <select {...common}>
        {(field.choices ?? []).map((choice) => (
          <option key={String(choice.value)} value={String(choice.value)}>
            {choice.label}
          </option>
        ))}
      </select>
    ) : field.widget === "checkbox" ? (
      <input {...common} type="checkbox" />
    ) : (
      <input {...common} type={field.widget} placeholder={field.placeholder} autoComplete={autoComplete(field)} />
    );
  return (
    <div className="field">
      <label htmlFor={id}>{field.label}</label>
      {input}
      {field.help !== undefined && (
        <small id={`${id}-help`} className="muted">
          {field.help}
        </small>
      )}
      {error !== undefined && (
        <small id={`${id}-error`} className="error" role="alert" data-testid={`${testId}-error`}>
          {error}
        </small>
      )}
    </div>
  );
}

function autoComplete(field: FormFieldMeta): string | undefined {
  if (field.widget === "password") return "new-password";
  if (field.widget === "email") return "email";
  if (field.name === "username") return "username";
  return undefined;
}
