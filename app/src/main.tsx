import { StrictMode } from "react";
import { createRoot } from "react-dom/client";

import { App } from "./App.tsx";
import { configFrom } from "./lib/config.ts";
import { SessionProvider } from "./lib/session.tsx";
import "./styles.css";

const root = document.getElementById("root");
if (root === null) throw new Error("index.html has no #root");

let content;
try {
  const config = configFrom(import.meta.env as Record<string, string | undefined>);
  content = (
    <SessionProvider config={config}>
      <App />
    </SessionProvider>
  );
} catch (error) {
  content = (
    <main className="page">
      <h1>CareLedger</h1>
      <p role="alert">
        The app is not configured: {error instanceof Error ? error.message : String(error)}
      </p>
    </main>
  );
}
createRoot(root).render(<StrictMode>{content}</StrictMode>);
