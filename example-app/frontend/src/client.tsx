import { MizanProvider } from "@mizan/react";
import { StrictMode } from "react";
import { createRoot, hydrateRoot } from "react-dom/client";
import { BrowserRouter } from "react-router";
import { App } from "./App";
import "./styles.css";

const container = document.getElementById("root");
if (container === null) throw new Error('The page has no element with id "root"');

// The provider reads the server-rendered data from the page itself; `live` opens the socket on
// which the server pushes what other people changed (the shared counter).
const app = (
  <StrictMode>
    <MizanProvider live>
      <BrowserRouter>
        <App />
      </BrowserRouter>
    </MizanProvider>
  </StrictMode>
);

// The server sends an empty root when its render failed: render from scratch then.
if (container.hasChildNodes()) {
  hydrateRoot(container, app);
} else {
  createRoot(container).render(app);
}
