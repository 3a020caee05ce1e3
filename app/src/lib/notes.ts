/**
 * The customer's texts and their salts, kept in the browser: only salted hashes go on chain
 * (`makeCommitment`), so these notes are what lets the customer prove later what they wrote. Exported
 * and imported as a JSON file; an import keeps only entries whose text and salt give their commitment.
 */
import { makeCommitment, verifyCommitment } from "careledger";

/** One text the customer committed to. */
export interface Note {
  commitment: string;
  salt: string;
  text: string;
  /** What the text was: "ticket", "message", "refund reason", "rating comment"... */
  kind: string;
  /** The ticket it belongs to, when known (a new ticket's id is known only once it is mined). */
  ticketId?: string;
  /** Unix milliseconds. */
  createdAt: number;
}

/** The file format of an export. */
export interface NotesFile {
  format: "careledger-notes";
  version: 1;
  account: string;
  chainId: number;
  notes: Note[];
}

/** The part of `Storage` the vault uses (localStorage in the browser, a Map in tests). */
export type KeyValueStore = Pick<Storage, "getItem" | "setItem">;

export class NotesVault {
  readonly #store: KeyValueStore;
  readonly #key: string;
  readonly account: string;
  readonly chainId: number;

  constructor(store: KeyValueStore, chainId: number, account: string) {
    this.#store = store;
    this.account = account.toLowerCase();
    this.chainId = chainId;
    this.#key = `careledger:notes:${chainId}:${this.account}`;
  }

  list(): Note[] {
    const raw = this.#store.getItem(this.#key);
    if (raw === null) return [];
    try {
      const parsed = JSON.parse(raw) as unknown;
      return Array.isArray(parsed) ? parsed.filter(isNote) : [];
    } catch {
      return [];
    }
  }

  /** Commits to `text` under a fresh random salt and keeps text and salt. Returns the commitment. */
  commit(text: string, kind: string, ticketId?: bigint | string): string {
    const { commitment, salt } = makeCommitment(text);
    this.#save([
      ...this.list(),
      {
        commitment,
        salt,
        text,
        kind,
        ...(ticketId === undefined ? {} : { ticketId: String(ticketId) }),
        createdAt: Date.now(),
      },
    ]);
    return commitment;
  }

  /** The note behind `commitment`, when this browser has it. */
  find(commitment: string): Note | undefined {
    const wanted = commitment.toLowerCase();
    return this.list().find((note) => note.commitment.toLowerCase() === wanted);
  }

  /** Records which ticket a note belongs to (a new ticket's id is known once it is mined). */
  attach(commitment: string, ticketId: bigint | string): void {
    const wanted = commitment.toLowerCase();
    this.#save(
      this.list().map((note) =>
        note.commitment.toLowerCase() === wanted ? { ...note, ticketId: String(ticketId) } : note,
      ),
    );
  }

  export(): NotesFile {
    return {
      format: "careledger-notes",
      version: 1,
      account: this.account,
      chainId: this.chainId,
      notes: this.list(),
    };
  }

  /**
   * Merges an exported file. Entries whose text and salt do not give their commitment are refused (a
   * note that proves nothing is worse than none). Returns how many were added and refused.
   */
  import(json: string): { added: number; refused: number } {
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch {
      throw new Error("That file is not JSON: choose a file exported from CareLedger.");
    }
    const file = parsed as Partial<NotesFile>;
    if (file.format !== "careledger-notes" || !Array.isArray(file.notes)) {
      throw new Error("That file is not a CareLedger notes export.");
    }
    const known = new Set(this.list().map((note) => note.commitment.toLowerCase()));
    const added: Note[] = [];
    let refused = 0;
    for (const entry of file.notes as unknown[]) {
      if (!isNote(entry) || !proves(entry)) {
        refused += 1;
        continue;
      }
      if (known.has(entry.commitment.toLowerCase())) continue;
      known.add(entry.commitment.toLowerCase());
      added.push(entry);
    }
    this.#save([...this.list(), ...added]);
    return { added: added.length, refused };
  }

  #save(notes: Note[]): void {
    this.#store.setItem(this.#key, JSON.stringify(notes));
  }
}

function isNote(value: unknown): value is Note {
  if (typeof value !== "object" || value === null) return false;
  const note = value as Record<string, unknown>;
  return (
    typeof note.commitment === "string" &&
    typeof note.salt === "string" &&
    typeof note.text === "string" &&
    typeof note.kind === "string" &&
    typeof note.createdAt === "number" &&
    (note.ticketId === undefined || typeof note.ticketId === "string")
  );
}

function proves(note: Note): boolean {
  try {
    return verifyCommitment(note.text, note.salt, note.commitment);
  } catch {
    return false;
  }
}
