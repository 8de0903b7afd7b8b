import { act, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import {
  callFunction,
  FORM_ERROR_KEY,
  MizanClient,
  MizanError,
  MizanProvider,
  useMizanForm,
  z,
  type CallOptions,
  type FormDefinition,
  type UseMizanFormOptions,
} from "../src/index.js";
import { deferred, fakeFetch, json, settle } from "./helpers.js";

// Shaped like what codegen emits for a server form.
interface ContactInput {
  name: string;
  email: string;
  topic: "general" | "billing";
  priority: number;
  age?: number | null;
  message?: string | null;
  subscribe: boolean;
}
interface ContactReceipt {
  ticket: string;
}

const ContactInputSchema: z.ZodType<ContactInput> = z.object({
  name: z.string().min(2, "At least 2 characters").max(20, "At most 20 characters"),
  email: z.email("Not an email address"),
  topic: z.enum(["general", "billing"], "Choose a topic"),
  priority: z.number().int().min(1).max(3),
  age: z.number("Enter a number").int().min(18, "Adults only").nullable().optional(),
  message: z.string().min(10, "Say a bit more").nullable().optional(),
  subscribe: z.boolean(),
});

type Submit = (values: ContactInput, options?: CallOptions) => Promise<ContactReceipt>;

function contactForm(submit: Submit): FormDefinition<ContactInput, ContactReceipt> {
  return {
    name: "contact",
    title: "Contact us",
    fields: [
      { name: "name", label: "Your name", widget: "text", required: true, placeholder: "Ann Smith" },
      { name: "email", label: "Email", widget: "email", required: true, help: "We reply here." },
      {
        name: "topic",
        label: "Topic",
        widget: "select",
        required: true,
        choices: [
          { value: "general", label: "General" },
          { value: "billing", label: "Billing" },
        ],
        initial: "general",
      },
      {
        name: "priority",
        label: "Priority",
        widget: "radio",
        required: true,
        choices: [
          { value: 1, label: "Low" },
          { value: 2, label: "Normal" },
          { value: 3, label: "High" },
        ],
        initial: 2,
      },
      { name: "age", label: "Age", widget: "number", required: false },
      { name: "message", label: "Message", widget: "textarea", required: false },
      { name: "subscribe", label: "Subscribe", widget: "checkbox", required: true },
    ],
    schema: ContactInputSchema,
    submit,
  };
}

// A definition constant as generated, submitting through `callFunction`.
const generatedContactForm: FormDefinition<ContactInput, ContactReceipt> = contactForm((values, options) =>
  callFunction<ContactReceipt>("contact.submit", values, options, ["messages"]),
);

function ContactForm({
  definition,
  options,
}: {
  definition: FormDefinition<ContactInput, ContactReceipt>;
  options?: UseMizanFormOptions<ContactInput, ContactReceipt>;
}) {
  const form = useMizanForm(definition, options);
  const { register, fieldError, formError, status, result, error } = form;
  const meta = (name: string) => definition.fields.find((field) => field.name === name)!;
  return (
    <form onSubmit={form.onSubmit} noValidate>
      <h1>{definition.title}</h1>
      <label>
        {meta("name").label}
        <input {...register("name")} placeholder={meta("name").placeholder} />
      </label>
      <p data-testid="name-error">{fieldError("name")}</p>
      <label>
        {meta("email").label}
        <input type="email" {...register("email")} />
      </label>
      <p data-testid="email-error">{fieldError("email")}</p>
      <label>
        {meta("topic").label}
        <select {...register("topic")}>
          {meta("topic").choices!.map((choice) => (
            <option key={String(choice.value)} value={String(choice.value)}>
              {choice.label}
            </option>
          ))}
        </select>
      </label>
      <fieldset>
        {meta("priority").choices!.map((choice) => (
          <label key={String(choice.value)}>
            <input type="radio" value={String(choice.value)} {...register("priority")} />
            {choice.label}
          </label>
        ))}
      </fieldset>
      <label>
        {meta("age").label}
        <input type="number" {...register("age")} />
      </label>
      <p data-testid="age-error">{fieldError("age")}</p>
      <label>
        {meta("message").label}
        <textarea {...register("message")} />
      </label>
      <p data-testid="message-error">{fieldError("message")}</p>
      <label>
        <input type="checkbox" {...register("subscribe")} />
        {meta("subscribe").label}
      </label>
      <button type="submit" disabled={status === "submitting"}>
        Send
      </button>
      <p data-testid="status">{status}</p>
      <p data-testid="form-error">{formError}</p>
      <p data-testid="error-code">{error?.code}</p>
      <p data-testid="result">{result?.ticket}</p>
    </form>
  );
}

function input(label: string): HTMLInputElement {
  return screen.getByLabelText(label) as HTMLInputElement;
}

function text(testId: string): string {
  return screen.getByTestId(testId).textContent ?? "";
}

/** Types `value` into the field labelled `label` and leaves it. */
function fill(label: string, value: string): void {
  const field = input(label);
  fireEvent.focus(field);
  fireEvent.change(field, { target: { value } });
  fireEvent.blur(field);
}

function fillValid(): void {
  fill("Your name", "Ann Smith");
  fill("Email", "ann@example.com");
}

async function submit(): Promise<void> {
  fireEvent.click(screen.getByRole("button", { name: "Send" }));
  await act(() => settle());
}

function validationError(fields: Record<string, string[]>): MizanError {
  return new MizanError({ code: "VALIDATION", message: "Some fields are invalid", status: 422, fields });
}

describe("useMizanForm", () => {
  it("starts from the fields' initial values, under options.defaultValues", () => {
    const definition = contactForm(vi.fn<Submit>());
    render(<ContactForm definition={definition} />);
    expect(screen.getByRole("heading").textContent).toBe("Contact us");
    expect(input("Your name").value).toBe("");
    expect(input("Your name").placeholder).toBe("Ann Smith");
    expect(input("Email").value).toBe("");
    expect(input("Topic").value).toBe("general");
    expect(input("Normal").checked).toBe(true);
    expect(input("Low").checked).toBe(false);
    expect(input("Age").value).toBe("");
    expect(input("Message").value).toBe("");
    expect(input("Subscribe").checked).toBe(false);
    expect(text("status")).toBe("idle");
  });

  it("lets options.defaultValues override the initial values", () => {
    const definition = contactForm(vi.fn<Submit>());
    render(
      <ContactForm
        definition={definition}
        options={{ defaultValues: { name: "Ann", topic: "billing", priority: 3, subscribe: true } }}
      />,
    );
    expect(input("Your name").value).toBe("Ann");
    expect(input("Topic").value).toBe("billing");
    expect(input("High").checked).toBe(true);
    expect(input("Subscribe").checked).toBe(true);
  });

  it("shows a field's message when it loses focus, and sends nothing while the form is invalid", async () => {
    const send = vi.fn<Submit>();
    render(<ContactForm definition={contactForm(send)} />);

    fireEvent.change(input("Your name"), { target: { value: "A" } });
    await act(() => settle());
    expect(text("name-error")).toBe("");

    fireEvent.blur(input("Your name"));
    await waitFor(() => expect(text("name-error")).toBe("At least 2 characters"));
    expect(text("email-error")).toBe("");

    // Once touched, the field is checked on every change.
    fireEvent.change(input("Your name"), { target: { value: "A".repeat(21) } });
    await waitFor(() => expect(text("name-error")).toBe("At most 20 characters"));

    await submit();
    expect(send).not.toHaveBeenCalled();
    expect(text("email-error")).toBe("Not an email address");
    expect(text("status")).toBe("idle");
    expect(text("form-error")).toBe("");
  });

  it("submits valid input converted to the schema's types, then reports success", async () => {
    const send = vi.fn<Submit>().mockResolvedValue({ ticket: "T-17" });
    const onSuccess = vi.fn();
    render(<ContactForm definition={contactForm(send)} options={{ onSuccess }} />);

    fillValid();
    fireEvent.change(input("Topic"), { target: { value: "billing" } });
    fireEvent.click(input("High"));
    fill("Age", "42");
    fireEvent.click(input("Subscribe"));
    await submit();

    const expected: ContactInput = {
      name: "Ann Smith",
      email: "ann@example.com",
      topic: "billing",
      priority: 3,
      age: 42,
      subscribe: true,
    };
    expect(send).toHaveBeenCalledTimes(1);
    // The empty optional message is left out.
    expect(send.mock.calls[0]![0]).toEqual(expected);
    expect("message" in send.mock.calls[0]![0]).toBe(false);
    // Without a provider, the default client is used.
    expect(send.mock.calls[0]![1]).toBeUndefined();

    expect(text("status")).toBe("success");
    expect(text("result")).toBe("T-17");
    expect(onSuccess).toHaveBeenCalledWith({ ticket: "T-17" }, expected);
    // Input is kept by default.
    expect(input("Your name").value).toBe("Ann Smith");
    expect(input("High").checked).toBe(true);
  });

  it("checks an optional field only when it is filled", async () => {
    const send = vi.fn<Submit>().mockResolvedValue({ ticket: "T-1" });
    render(<ContactForm definition={contactForm(send)} />);
    fillValid();
    fill("Message", "Hi");
    fill("Age", "12");
    await waitFor(() => expect(text("message-error")).toBe("Say a bit more"));
    expect(text("age-error")).toBe("Adults only");
    await submit();
    expect(send).not.toHaveBeenCalled();

    fill("Message", "");
    fill("Age", "");
    await waitFor(() => expect(text("message-error")).toBe(""));
    expect(text("age-error")).toBe("");
    await submit();
    expect(send).toHaveBeenCalledTimes(1);
    expect(send.mock.calls[0]![0]).not.toHaveProperty("age");
    expect(send.mock.calls[0]![0]).not.toHaveProperty("message");
  });

  it("shows the server's field messages on their fields and keeps the input", async () => {
    const send = vi.fn<Submit>().mockRejectedValue(
      validationError({ email: ["This address is blocked.", "Use another one."], name: ["Name taken"] }),
    );
    render(<ContactForm definition={contactForm(send)} />);
    fillValid();
    fireEvent.click(input("Subscribe"));
    await submit();

    expect(send).toHaveBeenCalledTimes(1);
    expect(text("email-error")).toBe("This address is blocked. Use another one.");
    expect(text("name-error")).toBe("Name taken");
    expect(text("status")).toBe("error");
    expect(text("error-code")).toBe("VALIDATION");
    // Every message has a field: no form message.
    expect(text("form-error")).toBe("");
    expect(input("Your name").value).toBe("Ann Smith");
    expect(input("Email").value).toBe("ann@example.com");
    expect(input("Subscribe").checked).toBe(true);
    // The first field in the form's order gets the focus.
    expect(document.activeElement).toBe(input("Your name"));
  });

  it("clears a server message when its field is edited, and keeps the others", async () => {
    const send = vi.fn<Submit>().mockRejectedValue(
      validationError({ name: ["Name taken"], email: ["This address is blocked."] }),
    );
    render(<ContactForm definition={contactForm(send)} />);
    fillValid();
    await submit();
    expect(text("name-error")).toBe("Name taken");

    // Leaving the field without editing it keeps the message.
    fireEvent.focus(input("Your name"));
    fireEvent.blur(input("Your name"));
    await act(() => settle());
    expect(text("name-error")).toBe("Name taken");

    fireEvent.change(input("Your name"), { target: { value: "Ann Smithe" } });
    await waitFor(() => expect(text("name-error")).toBe(""));
    expect(text("email-error")).toBe("This address is blocked.");

    // An edit the schema rejects shows the schema's message instead.
    fireEvent.change(input("Email"), { target: { value: "ann" } });
    await waitFor(() => expect(text("email-error")).toBe("Not an email address"));
  });

  it("puts form-level messages and those for unknown fields in formError", async () => {
    const send = vi.fn<Submit>().mockRejectedValue(
      validationError({ "address.city": ["required"], [FORM_ERROR_KEY]: ["Too many messages today."], name: ["Name taken"] }),
    );
    render(<ContactForm definition={contactForm(send)} />);
    fillValid();
    await submit();
    expect(text("form-error")).toBe("Too many messages today. address.city: required");
    expect(text("name-error")).toBe("Name taken");
    expect(text("status")).toBe("error");
  });

  it("reports a validation error without field messages by its message", async () => {
    const send = vi.fn<Submit>().mockRejectedValue(validationError({}));
    render(<ContactForm definition={contactForm(send)} />);
    fillValid();
    await submit();
    expect(text("form-error")).toBe("Some fields are invalid");
  });

  it("reports any other failure in error and formError, keeping the input", async () => {
    const send = vi
      .fn<Submit>()
      .mockRejectedValue(new MizanError({ code: "FORBIDDEN", message: "You may not contact us", status: 403 }));
    render(<ContactForm definition={contactForm(send)} />);
    fillValid();
    await submit();
    expect(text("status")).toBe("error");
    expect(text("error-code")).toBe("FORBIDDEN");
    expect(text("form-error")).toBe("You may not contact us");
    expect(text("name-error")).toBe("");
    expect(input("Your name").value).toBe("Ann Smith");
    expect(input("Email").value).toBe("ann@example.com");
  });

  it("converts a thrown non-Error value to a MizanError", async () => {
    const send = vi.fn<Submit>().mockImplementation(() => {
      throw "offline";
    });
    render(<ContactForm definition={contactForm(send)} />);
    fillValid();
    await submit();
    expect(text("error-code")).toBe("INTERNAL");
    expect(text("form-error")).toBe("offline");
  });

  it("clears the previous failure when a new submit starts", async () => {
    const answer = deferred<ContactReceipt>();
    const send = vi
      .fn<Submit>()
      .mockRejectedValueOnce(new MizanError({ code: "UNAVAILABLE", message: "Try again later", status: 503 }))
      .mockReturnValueOnce(answer.promise);
    render(<ContactForm definition={contactForm(send)} />);
    fillValid();
    await submit();
    expect(text("form-error")).toBe("Try again later");

    await submit();
    expect(text("status")).toBe("submitting");
    expect(text("form-error")).toBe("");
    expect(text("error-code")).toBe("");
    await act(async () => answer.resolve({ ticket: "T-2" }));
    expect(text("status")).toBe("success");
  });

  it("is submitting while the call is pending, and ignores submits meanwhile", async () => {
    const answer = deferred<ContactReceipt>();
    const send = vi.fn<Submit>().mockReturnValue(answer.promise);
    render(<ContactForm definition={contactForm(send)} />);
    fillValid();
    await submit();
    expect(text("status")).toBe("submitting");
    expect((screen.getByRole("button", { name: "Send" }) as HTMLButtonElement).disabled).toBe(true);

    fireEvent.submit(screen.getByRole("button", { name: "Send" }).closest("form")!);
    await act(() => settle());
    expect(send).toHaveBeenCalledTimes(1);

    await act(async () => answer.resolve({ ticket: "T-3" }));
    expect(text("status")).toBe("success");
    expect(text("result")).toBe("T-3");
    expect((screen.getByRole("button", { name: "Send" }) as HTMLButtonElement).disabled).toBe(false);
  });

  it("resets the input after a success with resetOnSuccess", async () => {
    const send = vi.fn<Submit>().mockResolvedValue({ ticket: "T-4" });
    render(<ContactForm definition={contactForm(send)} options={{ resetOnSuccess: true }} />);
    fillValid();
    fireEvent.click(input("Low"));
    fireEvent.click(input("Subscribe"));
    await submit();
    expect(text("status")).toBe("success");
    expect(text("result")).toBe("T-4");
    expect(input("Your name").value).toBe("");
    expect(input("Email").value).toBe("");
    expect(input("Normal").checked).toBe(true);
    expect(input("Subscribe").checked).toBe(false);
    // The reset fields are not reported as invalid.
    expect(text("name-error")).toBe("");
  });

  it("calls through the provider's client, and maps the server's answer", async () => {
    const fetch = fakeFetch(() =>
      json(
        {
          error: {
            code: "VALIDATION",
            message: "Invalid input",
            fields: { email: ["Already subscribed"], [FORM_ERROR_KEY]: ["Check the form"] },
          },
        },
        422,
      ),
    );
    render(
      <MizanProvider client={new MizanClient({ fetch })} ssrData={{}}>
        <ContactForm definition={generatedContactForm} />
      </MizanProvider>,
    );
    fillValid();
    await submit();
    await waitFor(() => expect(text("status")).toBe("error"));
    expect(fetch.requests).toHaveLength(1);
    expect(fetch.requests[0]!.url).toBe("/api/mizan/call/contact.submit");
    expect(JSON.parse(fetch.requests[0]!.body ?? "")).toEqual({
      name: "Ann Smith",
      email: "ann@example.com",
      topic: "general",
      priority: 2,
      subscribe: false,
    });
    expect(text("email-error")).toBe("Already subscribed");
    expect(text("form-error")).toBe("Check the form");
  });
});
