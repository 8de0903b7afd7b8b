import { PageStatus, PageTitle } from "@mizan/react";
import { useEffect, useState, type FormEvent } from "react";
import { Link, Route, Routes, useLocation, useSearchParams } from "react-router";
import { Account } from "./Account";
import { ChatPage } from "./ChatPage";
import { ContactPage, SignupPage } from "./FormPages";
import { GreetPage } from "./GreetPage";
import { useCounter, useEcho, useIncrement, useServerTime } from "./mizan.gen";

/**
 * The app's pages, chosen by React Router from the location of the router around it:
 * `<StaticRouter location>` on the server (server.tsx), `<BrowserRouter>` in the browser
 * (client.tsx), where its links navigate without reloading the page.
 */
export function App() {
  const serverTime = useServerTime();
  const [hydrated, setHydrated] = useState(false);

  useEffect(() => {
    setHydrated(true);
  }, []);

  return (
    <main className="app" data-hydrated={hydrated ? "true" : "false"}>
      <header>
        <h1>Mizan</h1>
        <nav className="nav">
          <Link to="/">Home</Link>
          <Link to="/greet">Greetings</Link>
          <Link to="/chat">Chat</Link>
          <Link to="/contact">Contact</Link>
          <Link to="/signup">Sign up</Link>
        </nav>
        <p className="muted">
          Server time: <time data-testid="server-time" dateTime={serverTime.iso}>{serverTime.iso}</time>
        </p>
      </header>
      <Routes>
        <Route path="/" caseSensitive element={<Home hydrated={hydrated} />} />
        <Route path="/greet" caseSensitive element={<GreetRoute hydrated={hydrated} />} />
        <Route path="/chat" caseSensitive element={<ChatRoute hydrated={hydrated} />} />
        <Route path="/contact" caseSensitive element={<ContactPage hydrated={hydrated} />} />
        <Route path="/signup" caseSensitive element={<SignupPage hydrated={hydrated} />} />
        <Route path="*" element={<NotFound />} />
      </Routes>
    </main>
  );
}

/** `/greet?name=...`: the name in the box to start with. */
function GreetRoute({ hydrated }: { hydrated: boolean }) {
  const [params] = useSearchParams();
  return <GreetPage hydrated={hydrated} initialName={params.get("name") ?? ""} />;
}

/** `/chat?room=...`: the room, `lobby` by default. */
function ChatRoute({ hydrated }: { hydrated: boolean }) {
  const [params] = useSearchParams();
  return <ChatPage hydrated={hydrated} room={params.get("room") || "lobby"} />;
}

/** Any other path: status 404, rendered by the app like every page. */
function NotFound() {
  const { pathname } = useLocation();
  return (
    <section className="card" aria-label="Not found">
      <PageStatus code={404} />
      <PageTitle>Not found · Mizan example</PageTitle>
      <h2 data-testid="not-found">Page not found</h2>
      <p className="muted">
        Nothing lives at <code>{pathname}</code>. <Link to="/">Go home</Link>.
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
