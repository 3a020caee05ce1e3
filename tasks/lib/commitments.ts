/**
 * The local record of what a person put on chain as commitments: the text and the salt of every
 * message, reason and comment a task sent, so the person can later prove what they said (the package's
 * `verifyCommitment(text, salt, commitment)`), or forget it by deleting the entry.
 */
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";

import { makeCommitment } from "../../src/index.js";

export interface SavedCommitment {
  /** The 32-byte commitment that went on chain. */
  commitment: string;
  /** The random salt; with the text it proves the commitment. */
  salt: string;
  /** keccak256 of the text's UTF-8 bytes. */
  contentDigest: string;
  /** What was committed to. */
  text: string;
  /** What it is: "ticket message", "refund reason", … */
  kind: string;
  network: string;
  chainId: string;
  /** The account that sent it. */
  account: string;
  /** The ticket, refund or feedback it belongs to, e.g. "ticket 4". */
  subject?: string;
  /** The transaction that carried it, once sent. */
  txHash?: string;
  savedAt: string;
}

interface CommitmentsFile {
  about: string;
  commitments: SavedCommitment[];
}

const ABOUT =
  "Texts and salts of the commitments you put on chain with CareLedger's tasks. Keep this file " +
  "private and backed up: with an entry you can prove what you wrote (verifyCommitment in the " +
  "careledger package); deleting an entry forgets it.";

export class CommitmentStore {
  /** Absolute path of the file. */
  readonly file: string;

  constructor(file: string) {
    this.file = path.resolve(file);
  }

  /**
   * Makes a salted commitment of `text` and saves it before anything is sent, so the salt is never lost
   * even if the process stops after the transaction.
   */
  async commit(
    text: string,
    entry: Pick<SavedCommitment, "kind" | "network" | "chainId" | "account" | "subject">,
  ): Promise<SavedCommitment> {
    const made = makeCommitment(text);
    const saved: SavedCommitment = {
      commitment: made.commitment,
      salt: made.salt,
      contentDigest: made.contentDigest,
      text,
      ...entry,
      savedAt: new Date().toISOString(),
    };
    const data = await this.#read();
    data.commitments.push(saved);
    await this.#write(data);
    return saved;
  }

  /** Records the transaction (and, once known, the subject) of saved commitments. */
  async sent(
    commitments: readonly SavedCommitment[],
    txHash: string,
    subject?: string,
  ): Promise<void> {
    if (commitments.length === 0) return;
    const data = await this.#read();
    for (const entry of data.commitments) {
      if (commitments.some((sent) => sent.commitment === entry.commitment)) {
        entry.txHash = txHash;
        if (subject !== undefined) entry.subject = subject;
      }
    }
    await this.#write(data);
  }

  /** Forgets commitments that never went on chain (their transaction was not sent or reverted). */
  async discard(commitments: readonly SavedCommitment[]): Promise<void> {
    if (commitments.length === 0) return;
    const data = await this.#read();
    data.commitments = data.commitments.filter(
      (entry) => !commitments.some((unsent) => unsent.commitment === entry.commitment),
    );
    await this.#write(data);
  }

  /** Every saved commitment. */
  async all(): Promise<SavedCommitment[]> {
    return (await this.#read()).commitments;
  }

  async #read(): Promise<CommitmentsFile> {
    let text: string;
    try {
      text = await readFile(this.file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT")
        return { about: ABOUT, commitments: [] };
      throw error;
    }
    const parsed = JSON.parse(text) as Partial<CommitmentsFile>;
    return {
      about: ABOUT,
      commitments: Array.isArray(parsed.commitments) ? parsed.commitments : [],
    };
  }

  async #write(data: CommitmentsFile): Promise<void> {
    const directory = path.dirname(this.file);
    await mkdir(directory, { recursive: true });
    if (path.basename(directory) === ".careledger") {
      // The default folder ignores itself, so salts never end up in git by accident.
      await writeFile(path.join(directory, ".gitignore"), "*\n", { flag: "w" });
    }
    const temporary = `${this.file}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
    await rename(temporary, this.file);
  }
}
