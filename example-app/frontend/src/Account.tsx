import { useState, type FormEvent } from "react";
import { useAuthLogin, useAuthLogout, useCurrentUser } from "./mizan.gen";

/**
 * Login and logout. `current_user` is a global context: rendered on the server from the
 * session cookie, and refetched after login and logout because those functions answer with
 * `invalidate: ["current_user"]`.
 */
export function Account({ hydrated }: { hydrated: boolean }) {
  const user = useCurrentUser();
  const login = useAuthLogin();
  const logout = useAuthLogout();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");

  if (user !== null) {
    return (
      <section className="card" aria-label="Account">
        <p>
          Logged in as <strong data-testid="current-user">{user.username}</strong>
          {user.is_staff ? " (staff)" : ""}
        </p>
        <button type="button" data-testid="logout-button" disabled={!hydrated || logout.isPending} onClick={() => logout.mutate({})}>
          Log out
        </button>
      </section>
    );
  }

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    login.mutate({ username, password });
  };

  return (
    <form className="card" aria-label="Log in" onSubmit={onSubmit}>
      <p className="muted" data-testid="current-user-anonymous">
        Not logged in.
      </p>
      <label htmlFor="login-username">Username</label>
      <input
        id="login-username"
        data-testid="login-username"
        autoComplete="username"
        value={username}
        onChange={(event) => setUsername(event.target.value)}
      />
      <label htmlFor="login-password">Password</label>
      <input
        id="login-password"
        data-testid="login-password"
        type="password"
        autoComplete="current-password"
        value={password}
        onChange={(event) => setPassword(event.target.value)}
      />
      <div className="row">
        <button type="submit" data-testid="login-button" disabled={!hydrated || login.isPending}>
          Log in
        </button>
      </div>
      {login.error !== null && (
        <p className="error" role="alert" data-testid="login-error">
          {login.error.message}
        </p>
      )}
    </form>
  );
}
