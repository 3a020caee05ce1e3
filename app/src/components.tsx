/** Small shared pieces: the transaction status line, form fields, the deadline countdown. */
import { useCallback, useId, useState, type ReactNode } from "react";

import { deadlineView, shortAddress } from "./lib/format.ts";
import { useSession, type TxPhase, type TxRequest } from "./lib/session.tsx";

/** Runs transactions and keeps the latest one's phase for `<TxStatus>`. */
export function useTx(): [
  TxPhase,
  (request: TxRequest) => ReturnType<ReturnType<typeof useSession>["send"]>,
] {
  const { send } = useSession();
  const [phase, setPhase] = useState<TxPhase>({ phase: "idle" });
  const run = useCallback((request: TxRequest) => send(request, setPhase), [send]);
  return [phase, run];
}

/** Pending, confirmed or failed, with the hash; a declined signature is a calm note, not an error. */
export function TxStatus({ phase }: { phase: TxPhase }): ReactNode {
  switch (phase.phase) {
    case "idle":
      return null;
    case "signing":
      return (
        <p className="tx tx-signing" role="status">
          Waiting for your wallet…
        </p>
      );
    case "pending":
      return (
        <p className="tx tx-pending" role="status">
          Pending{phase.gasless ? " (gasless, via the relayer)" : ""}: <Hash hash={phase.hash} />
        </p>
      );
    case "confirmed":
      return (
        <p className="tx tx-confirmed" role="status">
          Confirmed{phase.gasless ? " (gasless)" : ""}: <Hash hash={phase.hash} />
        </p>
      );
    case "rejected":
      return (
        <p className="tx tx-rejected" role="status">
          {phase.message}
        </p>
      );
    case "failed":
      return (
        <p className="tx tx-failed" role="alert">
          {phase.message}
          {phase.hash === undefined ? null : (
            <>
              {" "}
              <Hash hash={phase.hash} />
            </>
          )}
        </p>
      );
  }
}

export function Hash({ hash }: { hash: string }): ReactNode {
  return (
    <code className="hash" title={hash}>
      {shortAddress(hash)}
    </code>
  );
}

export function Address({ address }: { address: string }): ReactNode {
  const { account } = useSession();
  const mine = account !== undefined && account.toLowerCase() === address.toLowerCase();
  return (
    <code className="address" title={address}>
      {mine ? "you" : shortAddress(address)}
    </code>
  );
}

/** A labelled input with its error under it (aria-invalid, aria-describedby). */
export function Field({
  label,
  value,
  onChange,
  error,
  type = "text",
  multiline = false,
  placeholder,
  inputMode,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
  type?: string;
  multiline?: boolean;
  placeholder?: string;
  inputMode?: "decimal" | "numeric" | "text";
}): ReactNode {
  const id = useId();
  const errorId = `${id}-error`;
  const common = {
    id,
    value,
    placeholder,
    "aria-invalid": error !== undefined,
    "aria-describedby": error === undefined ? undefined : errorId,
  };
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {multiline ? (
        <textarea {...common} rows={3} onChange={(event) => onChange(event.target.value)} />
      ) : (
        <input
          {...common}
          type={type}
          inputMode={inputMode}
          onChange={(event) => onChange(event.target.value)}
        />
      )}
      {error === undefined ? null : (
        <p className="field-error" id={errorId}>
          {error}
        </p>
      )}
    </div>
  );
}

/** A countdown while the deadline runs, "missed" once it has passed. */
export function Deadline({
  dueAt,
  now,
  met = false,
}: {
  dueAt: number;
  now: number;
  met?: boolean;
}): ReactNode {
  const view = deadlineView(dueAt, now, met);
  return <span className={view.missed ? "deadline missed" : "deadline"}>{view.text}</span>;
}

/**
 * A form with one text (committed as a salted hash by `onSubmit`) and a button: messages, notes,
 * reasons. Checks the text before anything is signed.
 */
export function TextAction({
  label,
  button,
  validate,
  onSubmit,
  phase,
  optional = false,
}: {
  label: string;
  button: string;
  validate: (text: string) => string | undefined;
  onSubmit: (text: string) => Promise<unknown>;
  phase: TxPhase;
  optional?: boolean;
}): ReactNode {
  const [text, setText] = useState("");
  const [error, setError] = useState<string | undefined>(undefined);
  const busy = phase.phase === "signing" || phase.phase === "pending";
  return (
    <form
      className="action"
      onSubmit={(event) => {
        event.preventDefault();
        const problem = optional && text.trim() === "" ? undefined : validate(text);
        setError(problem);
        if (problem !== undefined) return;
        void onSubmit(text).then((receipt) => {
          if (receipt !== undefined) setText("");
        });
      }}
    >
      <Field label={label} value={text} onChange={setText} error={error} multiline />
      <button type="submit" disabled={busy}>
        {button}
      </button>
      <TxStatus phase={phase} />
    </form>
  );
}
