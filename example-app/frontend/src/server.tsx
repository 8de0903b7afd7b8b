import { MizanProvider } from "@mizan/react";
import { installRenderer } from "@mizan/react/server";
import { StrictMode } from "react";
import { App } from "./App";

installRenderer((request) => (
  <StrictMode>
    <MizanProvider ssrData={request.ssrData}>
      <App url={request.url} />
    </MizanProvider>
  </StrictMode>
));
