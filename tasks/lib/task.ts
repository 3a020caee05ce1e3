/**
 * The frame of every CareLedger task action: connect, send with progress, print what happened and
 * the transaction hash, and turn expected failures into a sentence and a non-zero exit code (a failed
 * `Result`, which Hardhat's CLI maps to exit code 1) instead of a stack trace.
 */
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { ContractTransactionReceipt, ContractTransactionResponse } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import type { Result } from "hardhat/types/utils";
import path from "node:path";

import { CommitmentStore, type SavedCommitment } from "./commitments.js";
import { TaskError } from "../../cli/errors.js";
import { explainError } from "../../cli/explain.js";
import { formatUnitsTrim, type TokenInfo } from "../../cli/format.js";
import { printer, type Printer } from "../../cli/output.js";
import { openSession, type Session, type SessionArgs } from "./session.js";
import { pad } from "../../cli/style.js";

/** A transaction a task sent, once confirmed. */
export interface Sent {
  hash: string;
  receipt: ContractTransactionReceipt;
}

/** What a task action receives besides its arguments. */
export class TaskRun {
  readonly id: string;
  readonly hre: HardhatRuntimeEnvironment;
  readonly out: Printer;
  /** The verb of the failure sentence ("reopen", "approve"), set by the action. */
  action: string | undefined;
  /** The token the action moves, for amounts in failure sentences. */
  token: TokenInfo | undefined;
  #session: Session | undefined;
  #store: CommitmentStore | undefined;
  /** Commitments saved by this run whose transaction has not been confirmed yet. */
  #unsent: SavedCommitment[] = [];

  constructor(id: string, hre: HardhatRuntimeEnvironment, out: Printer) {
    this.id = id;
    this.hre = hre;
    this.out = out;
  }

  /** Connects (once): with a signer when the task sends transactions. */
  async open(args: SessionArgs, options: { sign: boolean } = { sign: true }): Promise<Session> {
    this.#session ??= await openSession(this.hre, args, options);
    return this.#session;
  }

  get session(): Session | undefined {
    return this.#session;
  }

  /** The signing account of the open session. */
  get signer(): HardhatEthersSigner {
    const signer = this.#session?.signer;
    if (signer === undefined) throw new Error(`${this.id}: open the session with a signer first`);
    return signer;
  }

  /** The commitments file (`--commitments`, relative to the project root). */
  store(file: string): CommitmentStore {
    this.#store ??= new CommitmentStore(path.resolve(this.hre.config.paths.root, file));
    return this.#store;
  }

  /**
   * Turns `text` into a salted commitment, saved with its salt before it is sent. An empty text is
   * the zero commitment ("nothing said") and is not saved.
   */
  async commit(file: string, text: string, kind: string, subject?: string): Promise<Committed> {
    if (text === "") return { hash: `0x${"0".repeat(64)}`, saved: undefined };
    const session = this.#requireSession();
    const saved = await this.store(file).commit(text, {
      kind,
      network: session.networkName,
      chainId: session.chainId.toString(),
      account: this.signer.address,
      ...(subject === undefined ? {} : { subject }),
    });
    this.#unsent.push(saved);
    return { hash: saved.commitment, saved };
  }

  /**
   * Sends a transaction, waits for the session's confirmations with progress, and returns the receipt.
   * The commitments it carries get its hash (and their subject, e.g. "ticket 4") in the local file.
   */
  async send(
    description: string,
    submit: () => Promise<ContractTransactionResponse>,
    carries: {
      commitments?: ReadonlyArray<Committed>;
      subject?: (receipt: ContractTransactionReceipt) => string;
    } = {},
  ): Promise<Sent> {
    const session = this.#requireSession();
    this.out.status(`${description}: signing and sending…`);
    let response: ContractTransactionResponse;
    try {
      response = await submit();
    } finally {
      this.out.endStatus();
    }
    // Sent: the commitments now carry the transaction, even if waiting for it is interrupted.
    const saved = (carries.commitments ?? []).flatMap((committed) =>
      committed.saved === undefined ? [] : [committed.saved],
    );
    if (saved.length > 0 && this.#store !== undefined) {
      await this.#store.sent(saved, response.hash);
      this.#unsent = this.#unsent.filter((entry) => !saved.includes(entry));
    }
    const receipt = await waitWithProgress(this.out, response, session.confirmations, description);
    const subject = carries.subject?.(receipt);
    if (saved.length > 0 && subject !== undefined && this.#store !== undefined) {
      await this.#store.sent(saved, response.hash, subject);
    }
    return { hash: response.hash, receipt };
  }

  /** Prints the result: a headline and aligned details. */
  done(headline: string, details: ReadonlyArray<readonly [string, string]> = []): void {
    const { style } = this.out;
    this.out.line(`${style.green("✔")} ${style.bold(headline)}`);
    const width = Math.max(0, ...details.map(([label]) => label.length));
    for (const [label, value] of details)
      this.out.line(`  ${style.dim(pad(label, width))}  ${value}`);
  }

  /** The transaction lines every sending task prints. */
  txDetails(sent: Sent): Array<[string, string]> {
    return [
      ["tx", sent.hash],
      ["block", `${sent.receipt.blockNumber} · gas ${formatUnitsTrim(sent.receipt.gasUsed, 0)}`],
    ];
  }

  /** The lines saying where commitments' salts were saved. */
  commitmentDetails(
    committed: ReadonlyArray<readonly [string, Committed]>,
  ): Array<[string, string]> {
    const lines: Array<[string, string]> = [];
    for (const [label, entry] of committed) {
      if (entry.saved === undefined) continue;
      lines.push([label, `${entry.hash} (commitment)`]);
    }
    if (lines.length > 0 && this.#store !== undefined) {
      lines.push([
        "saved",
        `text and salt in ${path.relative(process.cwd(), this.#store.file) || this.#store.file} (keep it: it proves what you wrote)`,
      ]);
    }
    return lines;
  }

  /** Removes the commitments whose transaction was never sent: nothing went on chain, nothing to prove. */
  async discardUnsent(): Promise<void> {
    if (this.#unsent.length === 0 || this.#store === undefined) return;
    await this.#store.discard(this.#unsent);
    this.#unsent = [];
  }

  #requireSession(): Session {
    if (this.#session === undefined) throw new Error(`${this.id}: open the session first`);
    return this.#session;
  }
}

export interface Committed {
  /** What goes on chain. */
  hash: string;
  saved: SavedCommitment | undefined;
}

/** Waits for `confirmations`, showing how long it has waited and how many confirmations it has. */
async function waitWithProgress(
  out: Printer,
  response: ContractTransactionResponse,
  confirmations: number,
  description: string,
): Promise<ContractTransactionReceipt> {
  const started = Date.now();
  let seen = 0;
  let polling = false;
  const show = (): void => {
    const seconds = Math.round((Date.now() - started) / 1000);
    out.status(
      `${description}: tx ${response.hash} sent, waiting for confirmation ` +
        `${Math.min(seen + 1, confirmations)} of ${confirmations} (${seconds} s)`,
    );
  };
  const timer = setInterval(() => {
    if (polling) return;
    polling = true;
    response
      .confirmations()
      .then((count) => {
        seen = count;
      })
      .catch(() => undefined)
      .finally(() => {
        polling = false;
        show();
      });
  }, 1_000);
  try {
    const receipt = await response.wait(confirmations);
    if (receipt === null) throw new Error(`no receipt for ${response.hash}`);
    return receipt;
  } finally {
    clearInterval(timer);
    out.endStatus();
  }
}

/** The action function Hardhat calls: (arguments, hre) => Result. */
export type TaskAction<ArgsT, ValueT> = (
  args: ArgsT,
  hre: HardhatRuntimeEnvironment,
) => Promise<Result<ValueT, TaskError>>;

/**
 * Wraps a task's body. Expected failures (reverts, missing variables, bad input) print one sentence
 * saying what to do and make the task fail with that `TaskError`; anything else is a bug and throws.
 */
export function defineTaskAction<ArgsT, ValueT>(
  id: string,
  body: (args: ArgsT, run: TaskRun) => Promise<ValueT>,
): TaskAction<ArgsT, ValueT> {
  return async (args, hre) => {
    const run = new TaskRun(id, hre, printer());
    try {
      return { success: true, value: await body(args, run) };
    } catch (error) {
      const session = run.session;
      const failure = await explainError(error, {
        networkName: session?.networkName ?? hre.globalOptions.network ?? "default",
        ...(session === undefined ? {} : { client: session.client }),
        ...(run.action === undefined ? {} : { action: run.action }),
        ...(session?.signer === undefined ? {} : { from: session.signer.address }),
        ...(run.token === undefined ? {} : { token: run.token }),
      });
      await run.discardUnsent();
      if (failure === undefined) throw error;
      const { style } = run.out;
      run.out.error(`${style.red("✖")} ${style.bold(`${id}:`)} ${failure.message}`);
      if (failure.detail !== undefined) run.out.error(style.dim(`  ${failure.detail}`));
      return { success: false, error: failure };
    }
  };
}
