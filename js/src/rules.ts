import { z } from "zod";

/**
 * The server's validation rules (the Rust `validator` crate's), as predicates for the
 * generated Zod schemas. Each one accepts exactly what the server accepts, so a form that
 * passes on the client is not refused by the server for the same rule, and the reverse;
 * `js/test/rules.test.ts` runs the server's own cases through them.
 */

/** Length in Unicode scalar values (Rust's `chars().count()`), or items for arrays. */
function lengthOf(value: string | readonly unknown[]): number {
  if (typeof value !== "string") return value.length;
  let count = 0;
  for (const _ of value) count += 1;
  return count;
}

export interface LengthRule {
  min?: number;
  max?: number;
  equal?: number;
}

/** `length(min, max, equal)`: strings by characters, arrays by items. */
export function length(rule: LengthRule): (value: string | readonly unknown[]) => boolean {
  return (value) => {
    const n = lengthOf(value);
    if (rule.equal !== undefined) return n === rule.equal;
    return (rule.min === undefined || n >= rule.min) && (rule.max === undefined || n <= rule.max);
  };
}

export interface RangeRule {
  min?: number;
  max?: number;
  exclusive_min?: number;
  exclusive_max?: number;
}

/** `range(min, max, exclusive_min, exclusive_max)`. */
export function range(rule: RangeRule): (value: number) => boolean {
  return (value) =>
    (rule.min === undefined || value >= rule.min) &&
    (rule.max === undefined || value <= rule.max) &&
    (rule.exclusive_min === undefined || value > rule.exclusive_min) &&
    (rule.exclusive_max === undefined || value < rule.exclusive_max);
}

const EMAIL_USER = /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+$/;
const EMAIL_DOMAIN =
  /^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;
const EMAIL_LITERAL = /\[([a-fA-F0-9:.]+)\]$/;
const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

function isIp(text: string): boolean {
  if (IPV4.test(text)) return true;
  if (!text.includes(":")) return false;
  try {
    return new URL(`http://[${text}]/`).hostname.length > 2;
  } catch {
    return false;
  }
}

function validDomain(domain: string): boolean {
  if (EMAIL_DOMAIN.test(domain)) return true;
  const literal = EMAIL_LITERAL.exec(domain);
  return literal !== null && isIp(literal[1]!);
}

/** `email`: the same checks as the server, including internationalised domains. */
export function email(value: string): boolean {
  if (value === "" || !value.includes("@")) return false;
  const at = value.lastIndexOf("@");
  const user = value.slice(0, at);
  const domain = value.slice(at + 1);
  if (lengthOf(user) > 64 || lengthOf(domain) > 255) return false;
  if (!EMAIL_USER.test(user)) return false;
  if (validDomain(domain)) return true;
  // Internationalised domains are checked in their ASCII (punycode) form.
  if (/^[\x00-\x7f]*$/.test(domain)) return false;
  try {
    return validDomain(new URL(`http://${domain}/`).hostname);
  } catch {
    return false;
  }
}

/** `url`: an absolute URL, as the WHATWG URL parser (which the server's also follows) reads it. */
export function url(value: string): boolean {
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}

/** `regex(path = ...)`: the pattern matches somewhere in the value. */
export function regex(pattern: string): (value: string) => boolean {
  const compiled = new RegExp(pattern, "u");
  return (value) => compiled.test(value);
}

/** `contains(pattern = "...")`: a plain substring, not a regex. */
export function contains(needle: string): (value: string) => boolean {
  return (value) => value.includes(needle);
}

/** `does_not_contain(pattern = "...")`. */
export function doesNotContain(needle: string): (value: string) => boolean {
  return (value) => !value.includes(needle);
}

/** `required`: present and not `null`. */
export function required(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/**
 * `required` on an `Option` field: a missing or `null` value fails with the server's message
 * (instead of Zod's type error); any other value goes on to `schema`.
 */
export function requiredField<T extends z.ZodType>(schema: T, message: string) {
  return z
    .unknown()
    .superRefine((value, ctx) => {
      if (value === undefined || value === null) ctx.addIssue({ code: "custom", message, abort: true });
    })
    .pipe(schema);
}
