import { MizanProvider } from "@mizan/react";
import { installRenderer } from "@mizan/react/server";
import { StrictMode } from "react";
import { StaticRouter } from "react-router";
import { App } from "./App";

installRenderer((request) => (
  <StrictMode>
    <MizanProvider ssrData={request.ssrData}>
      <StaticRouter location={request.url}>
        <App />
      </StaticRouter>
    </MizanProvider>
  </StrictMode>
));
