import { PageTitle } from "@mizan/react";
import { useState } from "react";
import { GreetProvider, useGreet, useWave } from "./mizan.gen";

/**
 * Local contexts: each `<GreetProvider name=...>` holds one instance of `greet`. The server
 * renders the page with every instance it uses (no request when hydrating); a name typed in
 * the box is fetched as it changes. Waving at someone invalidates only their instance.
 */
export function GreetPage({ hydrated, initialName }: { hydrated: boolean; initialName: string }) {
  const [name, setName] = useState(initialName);
  const typed = name.trim();
  return (
    <>
      <PageTitle>Greetings · Mizan example</PageTitle>
      {["Ann", "Bob"].map((person) => (
        <GreetProvider key={person} name={person}>
          <GreetCard name={person} hydrated={hydrated} />
        </GreetProvider>
      ))}
      <section className="card" aria-label="Greet someone">
        <label htmlFor="greet-name">Greet someone else</label>
        <input
          id="greet-name"
          data-testid="greet-name"
          value={name}
          onChange={(event) => setName(event.target.value)}
          autoComplete="off"
        />
        {typed !== "" && (
          <GreetProvider name={typed}>
            <GreetCard name={typed} hydrated={hydrated} testId="greeting-typed" />
          </GreetProvider>
        )}
      </section>
    </>
  );
}

function GreetCard({ name, hydrated, testId }: { name: string; hydrated: boolean; testId?: string }) {
  const greet = useGreet();
  const wave = useWave();
  const id = testId ?? `greeting-${name}`;
  if (greet.error !== null) {
    return (
      <p className="error" role="alert" data-testid={`${id}-error`}>
        {greet.error.message}
      </p>
    );
  }
  if (greet.data === undefined) {
    return (
      <p className="muted" data-testid={`${id}-loading`}>
        Loading…
      </p>
    );
  }
  return (
    <section className="card" aria-label={`Greeting for ${name}`} data-testid={id}>
      <p>
        <strong data-testid={`${id}-text`}>{greet.data.greeting}</strong>{" "}
        <span className="muted" data-testid={`${id}-waves`}>
          {greet.data.waves} {greet.data.waves === 1 ? "wave" : "waves"}
        </span>
      </p>
      <div className="row">
        <button
          type="button"
          data-testid={`${id}-wave`}
          disabled={!hydrated || wave.isPending}
          onClick={() => wave.mutate({ name })}
        >
          Wave at {name}
        </button>
      </div>
    </section>
  );
}
