// Mizan SSR: `Intl.NumberFormat` and `Intl.DateTimeFormat` for engines whose versions do not
// format (QuickJS: no digit grouping, currencies and percentages ignored, its own date
// layout), so server-rendered numbers and dates match what a browser renders when hydrating.
// Installed only when the engine's own formatting is wrong (V8 with ICU keeps its own).
//
// The replacement formats in US English whatever the locale asked for, with the options apps
// use most: numbers (style decimal, percent, currency; minimum/maximumFractionDigits,
// minimumIntegerDigits, useGrouping) and dates (dateStyle/timeStyle, or year, month, day,
// weekday, hour, minute, second, hour12; timeZone "UTC" or the server's local time zone: any
// other zone is a RangeError). `toLocaleString` and friends of Number and Date use it too.
((globalThis) => {
  "use strict";
  const Intl = globalThis.Intl;
  if (typeof Intl !== "object" || Intl === null) return;
  const define = (target, name, value) =>
    Object.defineProperty(target, name, { value, writable: true, enumerable: false, configurable: true });
  const works = (check) => {
    try {
      return check();
    } catch {
      return false;
    }
  };

  // --- Numbers ---------------------------------------------------------------------------
  const CURRENCY_SYMBOLS = { USD: "$", EUR: "€", GBP: "£", JPY: "¥", CNY: "CN¥", INR: "₹", CAD: "CA$", AUD: "A$", KRW: "₩" };
  const CURRENCY_DIGITS = { JPY: 0, KRW: 0 };

  /** The decimal digits of |x| (no exponent): [integer part, fraction part]. */
  const decimalDigits = (x) => {
    let text = Math.abs(x).toString();
    const e = text.indexOf("e");
    if (e === -1) {
      const [int, frac = ""] = text.split(".");
      return [int, frac];
    }
    const exponent = Number(text.slice(e + 1));
    const [int, frac = ""] = text.slice(0, e).split(".");
    const digits = int + frac;
    const point = int.length + exponent;
    if (point <= 0) return ["0", "0".repeat(-point) + digits];
    if (point >= digits.length) return [digits + "0".repeat(point - digits.length), ""];
    return [digits.slice(0, point), digits.slice(point)];
  };

  /** Rounds half away from zero to at most `max` fraction digits, keeps at least `min`. */
  const roundDigits = (int, frac, min, max) => {
    if (frac.length > max) {
      const up = frac.charCodeAt(max) >= 53; // "5"
      frac = frac.slice(0, max);
      if (up) {
        const all = (int + frac).split("").map(Number);
        let i = all.length - 1;
        while (i >= 0) {
          if (all[i] === 9) {
            all[i] = 0;
            i--;
          } else {
            all[i]++;
            break;
          }
        }
        let joined = all.join("");
        if (i < 0) joined = "1" + joined;
        int = joined.slice(0, joined.length - frac.length);
        frac = joined.slice(joined.length - frac.length);
      }
    }
    frac = frac.replace(/0+$/, "");
    if (frac.length < min) frac = frac.padEnd(min, "0");
    return [int.replace(/^0+(?=\d)/, ""), frac];
  };

  const group = (int) => int.replace(/\B(?=(\d{3})+(?!\d))/g, ",");

  const option = (options, name, fallback) => (options[name] === undefined ? fallback : options[name]);
  const digitsOption = (options, name, fallback) => {
    const value = option(options, name, fallback);
    const number = Number(value);
    if (!Number.isInteger(number) || number < 0 || number > 100) throw new RangeError(`${name} value is out of range.`);
    return number;
  };

  const numberFormatWorks = works(
    () =>
      new Intl.NumberFormat("en-US").format(1234567.891) === "1,234,567.891" &&
      new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" }).format(1234.5) === "$1,234.50" &&
      new Intl.NumberFormat("en-US", { style: "percent" }).format(0.256) === "26%",
  );

  if (!numberFormatWorks) {
    const NativeNumberFormat = Intl.NumberFormat;
    class NumberFormat {
      #options;
      constructor(locales, options = {}) {
        options = options === undefined ? {} : Object(options);
        const style = option(options, "style", "decimal");
        if (!["decimal", "percent", "currency"].includes(style)) throw new RangeError(`Value ${style} out of range for Intl.NumberFormat options property style`);
        let currency;
        if (style === "currency") {
          if (options.currency === undefined) throw new TypeError("Currency code is required with currency style.");
          currency = String(options.currency).toUpperCase();
        }
        const defaultMin = style === "currency" ? CURRENCY_DIGITS[currency] ?? 2 : 0;
        const defaultMax = style === "currency" ? defaultMin : style === "percent" ? 0 : 3;
        const minimumFractionDigits = digitsOption(options, "minimumFractionDigits", defaultMin);
        const maximumFractionDigits = digitsOption(
          options,
          "maximumFractionDigits",
          Math.max(minimumFractionDigits, defaultMax),
        );
        if (minimumFractionDigits > maximumFractionDigits) throw new RangeError("maximumFractionDigits value is out of range.");
        this.#options = {
          locale: "en-US",
          numberingSystem: "latn",
          style,
          ...(currency ? { currency, currencyDisplay: "symbol" } : {}),
          minimumIntegerDigits: digitsOption(options, "minimumIntegerDigits", 1),
          minimumFractionDigits,
          maximumFractionDigits,
          useGrouping: options.useGrouping === false ? false : "auto",
        };
      }
      get format() {
        return (value) => {
          let x = typeof value === "bigint" ? Number(value) : Number(value);
          const o = this.#options;
          if (Number.isNaN(x)) return "NaN";
          const negative = x < 0 || Object.is(x, -0);
          let body;
          if (!Number.isFinite(x)) body = "∞";
          else {
            if (o.style === "percent") x *= 100;
            let [int, frac] = decimalDigits(x);
            [int, frac] = roundDigits(int, frac, o.minimumFractionDigits, o.maximumFractionDigits);
            int = int.padStart(o.minimumIntegerDigits, "0");
            body = (o.useGrouping ? group(int) : int) + (frac ? "." + frac : "");
          }
          if (o.style === "percent") body += "%";
          if (o.style === "currency") {
            const symbol = CURRENCY_SYMBOLS[o.currency];
            body = symbol ? symbol + body : `${o.currency}\u00a0${body}`;
          }
          return (negative ? "-" : "") + body;
        };
      }
      formatToParts(value) {
        return [{ type: "literal", value: this.format(value) }];
      }
      resolvedOptions() {
        return { ...this.#options };
      }
      static supportedLocalesOf(locales) {
        return NativeNumberFormat.supportedLocalesOf ? NativeNumberFormat.supportedLocalesOf(locales) : [];
      }
      get [Symbol.toStringTag]() {
        return "Intl.NumberFormat";
      }
    }
    define(Intl, "NumberFormat", NumberFormat);
    define(Number.prototype, "toLocaleString", function toLocaleString(locales, options) {
      return new NumberFormat(locales, options).format(Number.prototype.valueOf.call(this));
    });
  }

  // --- Dates -----------------------------------------------------------------------------
  const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
  const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
  const DATE_STYLES = {
    full: { weekday: "long", year: "numeric", month: "long", day: "numeric" },
    long: { year: "numeric", month: "long", day: "numeric" },
    medium: { year: "numeric", month: "short", day: "numeric" },
    short: { year: "2-digit", month: "numeric", day: "numeric" },
  };
  const TIME_STYLES = {
    full: { hour: "numeric", minute: "2-digit", second: "2-digit", timeZoneName: "long" },
    long: { hour: "numeric", minute: "2-digit", second: "2-digit", timeZoneName: "short" },
    medium: { hour: "numeric", minute: "2-digit", second: "2-digit" },
    short: { hour: "numeric", minute: "2-digit" },
  };

  const dateTimeFormatWorks = works(
    () =>
      new Intl.DateTimeFormat("en-US", { timeZone: "UTC" }).format(0) === "1/1/1970" &&
      new Intl.DateTimeFormat("en-US", { timeZone: "UTC", dateStyle: "medium" }).format(0) === "Jan 1, 1970",
  );

  if (!dateTimeFormatWorks) {
    const NativeDateTimeFormat = Intl.DateTimeFormat;
    const pad2 = (n) => String(n).padStart(2, "0");
    class DateTimeFormat {
      #fields;
      #utc;
      #hour12;
      #midnight;
      #timeZone;
      constructor(locales, options = {}, defaults = "date") {
        options = options === undefined ? {} : Object(options);
        const timeZone = options.timeZone === undefined ? undefined : String(options.timeZone);
        if (timeZone !== undefined && !/^(utc|etc\/utc|gmt|etc\/gmt)$/i.test(timeZone)) {
          throw new RangeError(`Invalid time zone specified: ${timeZone} (the server renderer knows UTC and its local time zone)`);
        }
        this.#utc = timeZone !== undefined;
        this.#timeZone = timeZone === undefined ? "UTC" : "UTC";
        let fields = {};
        for (const name of ["weekday", "year", "month", "day", "hour", "minute", "second", "timeZoneName"]) {
          if (options[name] !== undefined) fields[name] = String(options[name]);
        }
        if (options.dateStyle !== undefined || options.timeStyle !== undefined) {
          if (Object.keys(fields).length > 0) throw new TypeError("Can't set option dateStyle or timeStyle with other date and time options");
          fields = { ...(DATE_STYLES[options.dateStyle] ?? {}), ...(TIME_STYLES[options.timeStyle] ?? {}) };
        } else if (Object.keys(fields).filter((k) => k !== "timeZoneName").length === 0) {
          const date = { year: "numeric", month: "numeric", day: "numeric" };
          const time = { hour: "numeric", minute: "numeric", second: "numeric" };
          fields = { ...fields, ...(defaults === "time" ? time : defaults === "all" ? { ...date, ...time } : date) };
        }
        this.#fields = fields;
        // en-US: 12-hour clock by default; `hour12: false` is the h24 cycle there (midnight is
        // "24"), `hourCycle: "h23"` the usual one.
        const cycle = options.hour12 !== undefined ? (options.hour12 ? "h12" : "h24") : options.hourCycle ?? "h12";
        this.#hour12 = cycle === "h12" || cycle === "h11";
        this.#midnight = cycle === "h24" ? 24 : cycle === "h11" ? 0 : 12;
      }
      get format() {
        return (value) => {
          const date = value === undefined ? new Date() : new Date(typeof value === "object" ? value.valueOf() : value);
          if (Number.isNaN(date.getTime())) throw new RangeError("Invalid time value");
          const f = this.#fields;
          const u = this.#utc;
          const get = {
            year: u ? date.getUTCFullYear() : date.getFullYear(),
            month: u ? date.getUTCMonth() : date.getMonth(),
            day: u ? date.getUTCDate() : date.getDate(),
            weekday: u ? date.getUTCDay() : date.getDay(),
            hour: u ? date.getUTCHours() : date.getHours(),
            minute: u ? date.getUTCMinutes() : date.getMinutes(),
            second: u ? date.getUTCSeconds() : date.getSeconds(),
          };
          const year = f.year === "2-digit" ? pad2(get.year % 100) : String(get.year);
          const day = f.day === "2-digit" ? pad2(get.day) : String(get.day);
          const weekday = f.weekday === "long" ? DAYS[get.weekday] : f.weekday === "narrow" ? DAYS[get.weekday][0] : DAYS[get.weekday]?.slice(0, 3);
          let datePart = "";
          if (f.month === "long" || f.month === "short" || f.month === "narrow") {
            const month = f.month === "long" ? MONTHS[get.month] : f.month === "narrow" ? MONTHS[get.month][0] : MONTHS[get.month].slice(0, 3);
            datePart = [month, f.day ? day : ""].filter(Boolean).join(" ");
            if (f.year) datePart += (f.day ? ", " : " ") + year;
          } else if (f.month || f.day || f.year) {
            const month = f.month === "2-digit" ? pad2(get.month + 1) : String(get.month + 1);
            datePart = [f.month ? month : "", f.day ? day : "", f.year ? year : ""].filter(Boolean).join("/");
          }
          if (f.weekday) datePart = datePart ? `${weekday}, ${datePart}` : weekday;
          let timePart = "";
          if (f.hour || f.minute || f.second) {
            let hour = get.hour;
            let suffix = "";
            if (this.#hour12 && f.hour) {
              suffix = hour < 12 ? " AM" : " PM";
              hour = hour % 12 === 0 ? this.#midnight : hour % 12;
            } else if (hour === 0) {
              hour = this.#midnight === 24 ? 24 : 0;
            }
            const pieces = [];
            if (f.hour) pieces.push(f.hour === "2-digit" || !this.#hour12 ? pad2(hour) : String(hour));
            if (f.minute) pieces.push(f.hour ? pad2(get.minute) : String(get.minute));
            if (f.second) pieces.push(f.minute ? pad2(get.second) : String(get.second));
            timePart = pieces.join(":") + suffix;
            if (f.timeZoneName) timePart += u ? (f.timeZoneName === "long" ? " Coordinated Universal Time" : " UTC") : "";
          }
          // "January 1, 1970 at 12:00 AM", but "Jan 1, 1970, 12:00 AM" and "1/1/1970, 12:00 AM".
          return [datePart, timePart].filter(Boolean).join(f.month === "long" ? " at " : ", ");
        };
      }
      formatToParts(value) {
        return [{ type: "literal", value: this.format(value) }];
      }
      resolvedOptions() {
        return { locale: "en-US", calendar: "gregory", numberingSystem: "latn", timeZone: this.#timeZone, ...this.#fields };
      }
      static supportedLocalesOf(locales) {
        return NativeDateTimeFormat.supportedLocalesOf ? NativeDateTimeFormat.supportedLocalesOf(locales) : [];
      }
      get [Symbol.toStringTag]() {
        return "Intl.DateTimeFormat";
      }
    }
    define(Intl, "DateTimeFormat", DateTimeFormat);
    const dateMethod = (name, defaults) =>
      define(Date.prototype, name, function (locales, options) {
        if (Number.isNaN(this.getTime())) return "Invalid Date";
        return new DateTimeFormat(locales, options, defaults).format(this);
      });
    dateMethod("toLocaleString", "all");
    dateMethod("toLocaleDateString", "date");
    dateMethod("toLocaleTimeString", "time");
  }
})(globalThis);
