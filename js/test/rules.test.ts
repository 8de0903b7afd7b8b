// @vitest-environment node
import { describe, expect, expectTypeOf, it } from "vitest";
import type { z } from "zod";
import CASES from "./fixtures/validation-cases.json" with { type: "json" };
import FORM_CASES from "./fixtures/form-cases.json" with { type: "json" };
import { MizanError } from "../src/index.js";
import {
  isTransferError,
  type TransferErrors,
  CommandSchema,
  EventSchema,
  RulebookInputSchema,
  rulesForm,
  useTickerChannel,
  useDeskChannel,
  DeskParamsSchema,
  OrderSchema,
  type Order,
  type Tick,
  type TickerParams,
  RulesSubmitInputSchema,
  ShapeSchema,
  type Command,
  type Event,
  type Id,
  type KitchenSinkInput,
  type Profile,
  type ProfileInput,
  type RulebookInput,
  type Shape,
} from "./generated/kitchen-sink.gen.js";

interface Case {
  name: string;
  input: unknown;
  errors: Record<string, string[]> | null;
}

/** Zod's issues in the server's `fields` shape: dotted paths, messages in order. */
function fieldErrors(error: z.ZodError): Record<string, string[]> {
  const fields: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const path = issue.path.map(String).join(".");
    (fields[path] ??= []).push(issue.message);
  }
  return fields;
}

describe("the generated Zod schema and the server agree", () => {
  // The server's side: `validation_cases_are_answered_as_recorded` in framework/tests/it/codegen.rs.
  it.each(CASES as Case[])("$name", ({ input, errors }) => {
    const result = RulebookInputSchema.safeParse(input);
    if (errors === null) {
      expect(result.success, JSON.stringify(result.error?.issues)).toBe(true);
    } else {
      expect(result.success).toBe(false);
      expect(fieldErrors(result.error!)).toEqual(errors);
    }
  });
});

describe("a form's generated Zod schema and the server's form agree", () => {
  // The server's side: `a_form_answers_every_validation_case_like_its_zod_schema` in
  // framework/tests/it/codegen.rs (the call's cases, plus form-only ones for missing fields).
  it.each([...(CASES as Case[]), ...(FORM_CASES as Case[])])("$name", ({ input, errors }) => {
    const result = RulesSubmitInputSchema.safeParse(input);
    if (errors === null) {
      expect(result.success, JSON.stringify(result.error?.issues)).toBe(true);
    } else {
      expect(result.success).toBe(false);
      expect(fieldErrors(result.error!)).toEqual(errors);
    }
  });

  it("is the schema the form definition validates with", () => {
    expect(rulesForm.schema).toBe(RulesSubmitInputSchema);
    expect(rulesForm.fields.map((field) => field.name)).toEqual([
      "name", "code", "age", "ratio", "email", "homepage", "slug", "tags", "motto", "nickname", "password", "confirm", "address",
    ]);
    expect(rulesForm.fields.find((field) => field.name === "password")?.widget).toBe("password");
    expect(rulesForm.fields.find((field) => field.name === "homepage")?.required).toBe(false);
  });
});

describe("channel hooks", () => {
  it("are typed by the channel's parameters and messages; listen-only channels send nothing", () => {
    expectTypeOf<Parameters<typeof useTickerChannel>[0]>().toEqualTypeOf<TickerParams>();
    expectTypeOf<ReturnType<typeof useTickerChannel>["messages"]>().toEqualTypeOf<readonly Tick[]>();
    expectTypeOf<ReturnType<typeof useTickerChannel>["send"]>().parameter(0).toEqualTypeOf<never>();
    expectTypeOf<ReturnType<typeof useDeskChannel>["send"]>().parameter(0).toEqualTypeOf<Order>();
  });

  // The same rules `#[mizan::rules]` carries for `DeskParams` and `Order` in
  // framework/tests/it/codegen.rs; the server answers a message breaking one with these
  // messages in `fields` (framework/tests/it/channels.rs).
  it("check parameters and client messages with the server's rules and messages", () => {
    expect(OrderSchema.safeParse({ quantity: 10 }).success).toBe(true);
    const order = OrderSchema.safeParse({ quantity: 0, note: "n".repeat(81) });
    expect(order.success).toBe(false);
    expect(fieldErrors(order.error!)).toEqual({
      quantity: ["order 1 to 1000 units"],
      note: ["length must be at most 80"],
    });
    const params = DeskParamsSchema.safeParse({ desk: "x" });
    expect(params.success).toBe(false);
    expect(fieldErrors(params.error!)).toEqual({ desk: ["a desk code has 2 to 8 characters"] });
  });
});

describe("serde shapes", () => {
  it("parse the JSON serde writes for each enum representation", () => {
    expect(ShapeSchema.parse({ type: "Circle", radius: 1 })).toEqual({ type: "Circle", radius: 1 });
    expect(EventSchema.parse({ kind: "key", data: "k" })).toEqual({ kind: "key", data: "k" });
    expect(EventSchema.parse({ kind: "idle" })).toEqual({ kind: "idle" });
    expect(CommandSchema.parse("Stop")).toBe("Stop");
    expect(CommandSchema.parse({ Move: [1, 2] })).toEqual({ Move: [1, 2] });
    expect(CommandSchema.safeParse({ Move: [1] }).success).toBe(false);
    expect(CommandSchema.safeParse({ Turn: 2 ** 31 }).success).toBe(false);
  });

  it("are typed exactly", () => {
    expectTypeOf<Shape>().toEqualTypeOf<{ type: "Circle"; radius: number } | { type: "Square"; side: number }>();
    expectTypeOf<Event>().toEqualTypeOf<
      { kind: "click"; data: { x: number; y: number } } | { kind: "key"; data: string } | { kind: "idle" }
    >();
    expectTypeOf<Id>().toEqualTypeOf<number | string>();
    expectTypeOf<Command>().toEqualTypeOf<
      "Stop" | { Go: { speed: number } } | { Turn: number } | { Move: [number, number] }
    >();
    // Renames, `skip`, `flatten`, collections.
    expectTypeOf<Profile["displayName"]>().toEqualTypeOf<string>();
    expectTypeOf<Profile["e-mail"]>().toEqualTypeOf<string>();
    expectTypeOf<Profile>().not.toHaveProperty("secret");
    expectTypeOf<Profile["revision"]>().toEqualTypeOf<number>();
    // As serde writes a result: `Option` always present (maybe null), defaults filled in...
    expectTypeOf<Profile["nickname"]>().toEqualTypeOf<string | null>();
    expectTypeOf<Profile["visits"]>().toEqualTypeOf<number>();
    // ...and as it reads an argument: both may be left out.
    expectTypeOf<ProfileInput["nickname"]>().toEqualTypeOf<string | null | undefined>();
    expectTypeOf<ProfileInput["visits"]>().toEqualTypeOf<number | undefined>();
    expectTypeOf<KitchenSinkInput["profile"]>().toEqualTypeOf<ProfileInput>();
    expectTypeOf<Profile["tags"]>().toEqualTypeOf<string[]>();
    expectTypeOf<Profile["scores"]>().toEqualTypeOf<Record<string, number>>();
    expectTypeOf<Profile["extra"]>().toEqualTypeOf<unknown>();
    expectTypeOf<Profile["pair"]>().toEqualTypeOf<[number, string]>();
    expectTypeOf<Profile["views"]>().toEqualTypeOf<number>();
    expectTypeOf<KitchenSinkInput["shape"]>().toEqualTypeOf<Shape>();
    // `required` makes an `Option` argument mandatory; an optional one may be omitted or null.
    expectTypeOf<RulebookInput["nickname"]>().toEqualTypeOf<string>();
    expectTypeOf<RulebookInput["homepage"]>().toEqualTypeOf<string | null | undefined>();
    expectTypeOf<z.output<typeof RulebookInputSchema>>().toEqualTypeOf<RulebookInput>();
  });
});

describe("a function's own errors", () => {
  it("are narrowed by the generated guard, with typed data", () => {
    const error: unknown = new MizanError({
      code: "INSUFFICIENT_FUNDS",
      message: "Not enough money",
      status: 409,
      data: { balance: 3, needed: 10 },
    });
    expect(isTransferError(error)).toBe(true);
    if (isTransferError(error) && error.code === "INSUFFICIENT_FUNDS") {
      expectTypeOf(error.data).toEqualTypeOf<{ balance: number; needed: number }>();
      expect(error.data.needed - error.data.balance).toBe(7);
    }
    expect(isTransferError(new MizanError({ code: "FORBIDDEN", message: "no", status: 403 }))).toBe(false);
    expect(isTransferError(new Error("INSUFFICIENT_FUNDS"))).toBe(false);
    expectTypeOf<Extract<TransferErrors, { code: "FROZEN" }>["data"]>().toEqualTypeOf<string>();
    expectTypeOf<TransferErrors["code"]>().toEqualTypeOf<"INSUFFICIENT_FUNDS" | "FROZEN" | "NOT_FOUND">();
  });
});
