import { PageStatus, PageTitle } from "@mizan/react";
import { useEffect, useState, type FormEvent } from "react";
import { Account } from "./Account";
import { ChatPage } from "./ChatPage";
import { ContactPage, SignupPage } from "./FormPages";
import { GreetPage } from "./GreetPage";
import { useCounter, useEcho, useIncrement, useServerTime } from "./mizan.gen";

/** The app's pages, chosen by path; `url` is the page's path and query. */
export function App({ url }: { url: string }) {
  const serverTime = useServerTime();
  const [hydrated, setHydrated] = useState(false);
  const [pathname, query = ""] = url.split("?", 2) as [string, string?];

  useEffect(() => {
    setHydrated(true);
  }, []);

  return (
    <main className="app" data-hydrated={hydrated ? "true" : "false"}>
      <header>
        <h1>Mizan</h1>
        <nav className="nav">
          <a href="/">Home</a>
          <a href="/greet">Greetings</a>
          <a href="/chat">Chat</a>
          <a href="/contact">Contact</a>
          <a href="/signup">Sign up</a>
        </nav>
        <p className="muted">
          Server time: <time data-testid="server-time" dateTime={serverTime.iso}>{serverTime.iso}</time>
        </p>
      </header>
      {pathname === "/" ? (
        <Home hydrated={hydrated} />
      ) : pathname === "/greet" ? (
        <GreetPage hydrated={hydrated} initialName={queryParam(query, "name") ?? ""} />
      ) : pathname === "/chat" ? (
        <ChatPage hydrated={hydrated} room={queryParam(query, "room") || "lobby"} />
      ) : pathname === "/contact" ? (
        <ContactPage hydrated={hydrated} />
      ) : pathname === "/signup" ? (
        <SignupPage hydrated={hydrated} />
      ) : (
        <NotFound pathname={pathname} />
      )}
    </main>
  );
}

/** Any other path: status 404, rendered by the app like every page. */
function NotFound({ pathname }: { pathname: string }) {
  return (
    <section className="card" aria-label="Not found">
      <PageStatus code={404} />
      <PageTitle>Not found · Mizan example</PageTitle>
      <h2 data-testid="not-found">Page not found</h2>
      <p className="muted">
        Nothing lives at <code>{pathname}</code>. <a href="/">Go home</a>.
      </p>
    </section>
  );
}

function Home({ hydrated }: { hydrated: boolean }) {
  const echo = useEcho();
  const counter = useCounter();
  const increment = useIncrement();
  const [text, setText] = useState("");

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    echo.mutate({ text });
  };

  return (
    <>
      <PageTitle>Mizan example</PageTitle>
      <Account hydrated={hydrated} />

      <section className="card" aria-label="Counter">
        <p>
          Clicks, stored on the server: <strong data-testid="counter">{counter}</strong>
        </p>
        <button
          type="button"
          data-testid="increment-button"
          disabled={!hydrated || increment.isPending}
          onClick={() => increment.mutate({ by: 1 })}
        >
          +1
        </button>
      </section>

      <form className="card" onSubmit={onSubmit}>
        <label htmlFor="echo-input">Text</label>
        <div className="row">
          <input
            id="echo-input"
            data-testid="echo-input"
            name="text"
            value={text}
            onChange={(event) => setText(event.target.value)}
            autoComplete="off"
          />
          <button type="submit" data-testid="echo-button" disabled={!hydrated || echo.isPending}>
            Echo
          </button>
        </div>
        <p className="result">
          Reply: <output data-testid="echo-reply" htmlFor="echo-input">{echo.data?.message ?? ""}</output>
        </p>
        {echo.error !== null && (
          <p className="error" role="alert" data-testid="echo-error">
            {echo.error.message}
          </p>
        )}
      </form>
    </>
  );
}

/**
 * The first value of `name` in a query string. (The embedded server engine has no `URL` or
 * `URLSearchParams`, so the app parses its own.)
 */
function queryParam(query: string, name: string): string | undefined {
  for (const pair of query.split("&")) {
    const [key = "", value = ""] = pair.split("=", 2);
    if (decodeQuery(key) === name) return decodeQuery(value);
  }
  return undefined;
}

function decodeQuery(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, " "));
  } catch {
    return text;
  }
}
