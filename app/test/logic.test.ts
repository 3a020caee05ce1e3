/** The app's logic without a browser: formatting, validation, error sentences, the notes vault, the queue. */
import {
  RefundStatus,
  RefundEscrow__factory,
  SupportDesk__factory,
  TicketStatus,
  makeCommitment,
} from "careledger";
import { parseEther } from "ethers";
import { describe, expect, it } from "vitest";

import { configFrom } from "../src/lib/config.ts";
import { isBreached, nextDeadline, openRefundState, type TicketRow } from "../src/lib/data.ts";
import { describeFailure, isUserRejection } from "../src/lib/errors.ts";
import {
  deadlineView,
  formatBps,
  formatDuration,
  formatEth,
  statusLabel,
} from "../src/lib/format.ts";
import { NotesVault } from "../src/lib/notes.ts";
import {
  checkDeadlinePassed,
  checkRating,
  checkRefundAmount,
  checkText,
  parseAmount,
} from "../src/lib/validate.ts";

const CUSTOMER = "0x1111111111111111111111111111111111111111";

describe("format", () => {
  it("writes durations, deadlines, amounts and states", () => {
    expect(formatDuration(59)).toBe("59 s");
    expect(formatDuration(249)).toBe("4 min 09 s");
    expect(formatDuration(3 * 3600 + 5 * 60)).toBe("3 h 05 min");
    expect(formatDuration(2 * 86400 + 3 * 3600 + 7)).toBe("2 d 3 h");
    expect(deadlineView(1_000 + 7_500, 1_000)).toEqual({ text: "2 h 05 min left", missed: false });
    expect(deadlineView(1_000, 1_720)).toEqual({ text: "missed 12 min 00 s ago", missed: true });
    expect(deadlineView(0, 5)).toEqual({ text: "no deadline", missed: false });
    expect(deadlineView(1, 5, true)).toEqual({ text: "met", missed: false });
    expect(formatEth(parseEther("0.25"))).toBe("0.25 ETH");
    expect(formatEth(parseEther("2"))).toBe("2 ETH");
    expect(formatEth(1n)).toBe("0 ETH");
    expect(formatBps(9250)).toBe("92.5%");
    expect(formatBps(10000)).toBe("100%");
    expect(statusLabel(TicketStatus.AwaitingCustomer)).toBe("Awaiting customer");
    expect(statusLabel(TicketStatus.InProgress)).toBe("In progress");
    expect(statusLabel(9)).toBe("Unknown (9)");
  });
});

describe("validate", () => {
  it("checks forms before anything is signed", () => {
    expect(checkText("  ")).toBe("Write the message first.");
    expect(checkText("late parcel")).toBeUndefined();
    expect(parseAmount("0.05")).toBe(parseEther("0.05"));
    expect(parseAmount("0")).toBeUndefined();
    expect(parseAmount("1e3")).toBeUndefined();
    expect(checkRefundAmount("abc", parseEther("1"))).toBe(
      "Enter an amount in ETH greater than 0, for example 0.05.",
    );
    expect(checkRefundAmount("2", parseEther("1.5"))).toBe(
      "The merchant's reserve holds only 1.5 ETH: ask for at most that.",
    );
    expect(checkRefundAmount("1.5", parseEther("1.5"))).toBeUndefined();
    expect(checkRating(0)).toBe("Choose a rating from 1 to 5 stars.");
    expect(checkRating(6)).toBe("Choose a rating from 1 to 5 stars.");
    expect(checkRating(2.5)).toBe("Choose a rating from 1 to 5 stars.");
    expect(checkRating(5)).toBeUndefined();
    expect(checkDeadlinePassed(100, 100)).toBe(
      "No deadline has been missed yet: there is nothing to claim.",
    );
    expect(checkDeadlinePassed(100, 101)).toBeUndefined();
  });
});

describe("error sentences", () => {
  const desk = SupportDesk__factory.createInterface();
  const escrow = RefundEscrow__factory.createInterface();

  it("turns the contracts' errors into sentences, never hex", () => {
    const notCustomer = { data: desk.encodeErrorResult("DeskNotCustomer", [3, CUSTOMER]) };
    expect(describeFailure(notCustomer)).toEqual({
      kind: "error",
      message: "Only the customer who opened ticket #3 can do that; 0x1111…1111 did not open it.",
    });
    const reserve = {
      error: {
        data: escrow.encodeErrorResult("InsufficientReserve", [parseEther("1"), parseEther("5")]),
      },
    };
    expect(describeFailure(reserve).message).toBe(
      "The merchant's reserve holds only 1 ETH, less than the 5 ETH asked.",
    );
    const required = { data: desk.encodeErrorResult("DeskReceiptRequired", [2]) };
    expect(describeFailure(required).message).toBe(
      "Merchant 2 opens tickets only with an order receipt: add the receipt file from the shop.",
    );
    const transition = {
      data: desk.encodeErrorResult("DeskInvalidTransition", [4, TicketStatus.Closed, CUSTOMER]),
    };
    expect(describeFailure(transition).message).toBe(
      "Ticket #4 is closed: that step is not possible now.",
    );
  });

  it("says a declined signature calmly", () => {
    expect(isUserRejection({ code: 4001, message: "User rejected the request." })).toBe(true);
    expect(isUserRejection({ code: "ACTION_REJECTED" })).toBe(true);
    expect(isUserRejection({ error: { code: 4001 } })).toBe(true);
    expect(isUserRejection(new Error("boom"))).toBe(false);
    expect(describeFailure({ code: 4001 })).toEqual({
      kind: "rejected",
      message: "You declined in your wallet: nothing was sent.",
    });
  });

  it("passes the relayer's sentences through", () => {
    expect(
      describeFailure(new Error("the request's deadline has passed: sign it again")).message,
    ).toBe("the request's deadline has passed: sign it again");
  });
});

describe("notes vault", () => {
  const store = (): Pick<Storage, "getItem" | "setItem"> => {
    const map = new Map<string, string>();
    return {
      getItem: (key) => map.get(key) ?? null,
      setItem: (key, value) => void map.set(key, value),
    };
  };

  it("keeps texts and salts, exports them and imports only entries that prove their hash", () => {
    const vault = new NotesVault(store(), 31337, CUSTOMER);
    const commitment = vault.commit("my parcel is late", "ticket");
    vault.attach(commitment, 7n);
    const note = vault.find(commitment);
    expect(note?.text).toBe("my parcel is late");
    expect(note?.ticketId).toBe("7");
    expect(makeCommitment("my parcel is late", note?.salt).commitment).toBe(commitment);

    const file = vault.export();
    expect(file.format).toBe("careledger-notes");
    expect(file.notes).toHaveLength(1);
    const forged = { ...file.notes[0]!, text: "I was promised a full refund" };
    const other = new NotesVault(store(), 31337, CUSTOMER);
    expect(other.import(JSON.stringify({ ...file, notes: [file.notes[0], forged] }))).toEqual({
      added: 1,
      refused: 1,
    });
    expect(other.list().map((entry) => entry.text)).toEqual(["my parcel is late"]);
    expect(other.import(JSON.stringify(file))).toEqual({ added: 0, refused: 0 });
    expect(() => other.import("{}")).toThrow("That file is not a CareLedger notes export.");
    expect(() => other.import("not json")).toThrow(
      "That file is not JSON: choose a file exported from CareLedger.",
    );
  });
});

describe("ticket deadlines", () => {
  const ticket = (
    id: number,
    status: TicketStatus,
    first: number,
    resolution: number,
    responded = false,
  ): TicketRow => ({
    id: BigInt(id),
    customer: CUSTOMER,
    merchantId: 1,
    status,
    priority: 1,
    assignee: "0x0000000000000000000000000000000000000000",
    firstResponseDueAt: first,
    resolutionDueAt: resolution,
    firstResponded: responded,
    firstResponseMissed: false,
    resolutionMissed: false,
    openedAt: 0,
  });

  it("runs against the first response until it is given, then the resolution, none when finished", () => {
    expect(nextDeadline(ticket(1, TicketStatus.Open, 500, 9000))).toBe(500);
    expect(nextDeadline(ticket(2, TicketStatus.InProgress, 100, 800, true))).toBe(800);
    expect(nextDeadline(ticket(3, TicketStatus.Resolved, 50, 60, true))).toBe(0);
    expect(nextDeadline(ticket(5, TicketStatus.AwaitingCustomer, 10, 20, true))).toBe(0);
  });
});

describe("merchant queue", () => {
  it("marks a ticket breached once its next deadline has passed, not at the deadline itself", () => {
    const queued = { status: TicketStatus.Open, nextDeadline: 90 };
    expect(isBreached(queued, 90)).toBe(false);
    expect(isBreached(queued, 91)).toBe(true);
  });

  it("never marks a ticket without a running deadline, unless the customer escalated it", () => {
    expect(isBreached({ status: TicketStatus.AwaitingCustomer, nextDeadline: null }, 1e12)).toBe(
      false,
    );
    expect(isBreached({ status: TicketStatus.Escalated, nextDeadline: null }, 0)).toBe(true);
    expect(isBreached({ status: TicketStatus.Escalated, nextDeadline: 500 }, 100)).toBe(true);
  });
});

describe("open refunds", () => {
  // 2026-01-01 00:00 UTC.
  const due = 1_767_225_600;

  it("says when the merchant's answer is due, and that anyone may execute it once it is late", () => {
    const refund = { status: RefundStatus.Requested, deadline: due };
    expect(openRefundState(refund, due)).toBe("answer due 2026-01-01 00:00 UTC");
    expect(openRefundState(refund, due + 1)).toBe(
      "answer was due 2026-01-01 00:00 UTC: anyone may now execute it",
    );
  });

  it("says until when a rejection may be disputed, and that anyone may finalize it after", () => {
    const refund = { status: RefundStatus.Rejected, deadline: due };
    expect(openRefundState(refund, due)).toBe(
      "rejected; the customer may dispute until 2026-01-01 00:00 UTC",
    );
    expect(openRefundState(refund, due + 1)).toBe(
      "rejected; the dispute window closed 2026-01-01 00:00 UTC: anyone may finalize it",
    );
  });

  it("says a disputed refund waits for the arbiter", () => {
    expect(openRefundState({ status: RefundStatus.Disputed, deadline: null }, due)).toBe(
      "disputed: the arbiter decides",
    );
  });
});

describe("config", () => {
  it("reads the indexer's URL, empty meaning none", () => {
    const addresses = JSON.stringify({
      "CareLedger#Forwarder": "0x5fbdb2315678afecb367f032d93f642f64180aa3",
      "CareLedger#SupportDesk": "0xe7f1725e7734ce288f8367e1bb143e90bb3f0512",
      "CareLedger#RefundEscrow": "0x9fe46736679d2d9a65f0992f32272de9f8c7fa6c",
      "CareLedger#FeedbackAttestations": "0xcf7ed3acca5a467e9e704c703e8d87f634fb0fc9",
    });
    const env = { VITE_CHAIN_ID: "31337", VITE_CARELEDGER_ADDRESSES: addresses };
    expect(
      configFrom({ ...env, VITE_CARELEDGER_INDEXER_URL: "http://127.0.0.1:42069" }).indexerUrl,
    ).toBe("http://127.0.0.1:42069");
    expect(configFrom({ ...env, VITE_CARELEDGER_INDEXER_URL: "" }).indexerUrl).toBeUndefined();
  });

  it("reads the addresses from Ignition's JSON and the relayer URL", () => {
    const config = configFrom({
      VITE_CHAIN_ID: "31337",
      VITE_RPC_URL: "http://127.0.0.1:8545",
      VITE_RELAYER_URL: "http://127.0.0.1:8787",
      VITE_CARELEDGER_ADDRESSES: JSON.stringify({
        "CareLedger#Forwarder": "0x5fbdb2315678afecb367f032d93f642f64180aa3",
        "CareLedger#SupportDesk": "0xe7f1725e7734ce288f8367e1bb143e90bb3f0512",
        "CareLedger#RefundEscrow": "0x9fe46736679d2d9a65f0992f32272de9f8c7fa6c",
        "CareLedger#FeedbackAttestations": "0xcf7ed3acca5a467e9e704c703e8d87f634fb0fc9",
      }),
    });
    expect(config.addresses.supportDesk).toBe("0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512");
    expect(config.relayerUrl).toBe("http://127.0.0.1:8787");
    expect(config.indexerUrl).toBeUndefined();
    expect(config.addresses.deploymentBlock).toBe(0);
    expect(() => configFrom({ VITE_CHAIN_ID: "31337" })).toThrow(
      /no CareLedger deployment is recorded for chain 31337/,
    );
  });
});
