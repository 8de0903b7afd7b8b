import { useEffect, useState, type FormEvent } from "react";
import { Account } from "./Account";
import { useCounter, useEcho, useIncrement, useServerTime } from "./mizan.gen";

export function App() {
  const serverTime = useServerTime();
  const echo = useEcho();
  const counter = useCounter();
  const increment = useIncrement();
  const [text, setText] = useState("");
  const [hydrated, setHydrated] = useState(false);

  useEffect(() => {
    setHydrated(true);
  }, []);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    echo.mutate({ text });
  };

  return (
    <main className="app" data-hydrated={hydrated ? "true" : "false"}>
      <header>
        <h1>Mizan</h1>
        <p className="muted">
          Server time: <time data-testid="server-time" dateTime={serverTime.iso}>{serverTime.iso}</time>
        </p>
      </header>

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
    </main>
  );
}
