/**
 * The relayer's core, without HTTP: checks a customer's signed ERC-2771 forward request, simulates it,
 * and submits it through CareLedger's forwarder, paying the gas from its own key. It never holds a
 * customer's key: it only forwards what the customer signed.
 */
import {
  ERC2771Forwarder__factory,
  FORWARD_REQUEST_TYPES,
  decodeRevert,
  type CareLedgerAddresses,
  type DecodedRevert,
  type ERC2771Forwarder,
  type ForwardRequestData,
} from "careledger";
import {
  getAddress,
  isAddress,
  isHexString,
  verifyTypedData,
  type Provider,
  type TypedDataDomain,
  type Wallet,
} from "ethers";

import type { Logger } from "./log.ts";

/** Why a request was refused, as an HTTP status and a sentence a person can act on. */
export class RelayRefusal extends Error {
  override readonly name = "RelayRefusal";
  readonly status: number;
  readonly code: string;
  readonly revert: (DecodedRevert & { data: string }) | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(
    status: number,
    code: string,
    message: string,
    extra: { revert?: DecodedRevert & { data: string }; retryAfterSeconds?: number } = {},
  ) {
    super(message);
    this.status = status;
    this.code = code;
    this.revert = extra.revert;
    this.retryAfterSeconds = extra.retryAfterSeconds;
  }
}

export interface RelayerOptions {
  provider: Provider;
  /** The relayer's funded key, connected to `provider`. */
  wallet: Wallet;
  addresses: CareLedgerAddresses;
  /** At most `limit` requests per signer per `windowMs`. */
  rateLimit: { limit: number; windowMs: number };
  /** The largest inner-call gas a request may ask for: the relayer pays for it. */
  maxGas: bigint;
  logger: Logger;
  /** The clock, for the rate limit (tests move it). Default `Date.now`. */
  now?: () => number;
}

/** What the relayer knows of a transaction it sent. */
export interface RelayedStatus {
  hash: string;
  status: "pending" | "mined" | "failed" | "unknown";
  blockNumber?: number;
  from?: string;
  to?: string;
}

/** How many earlier nonces are tried to tell a replayed request from a bad signature. */
const REPLAY_LOOKBACK = 32n;

/** A request as it comes over the wire: integers as decimal strings (JSON has no bigint). */
export function parseForwardRequest(body: unknown): ForwardRequestData {
  if (typeof body !== "object" || body === null) {
    throw new RelayRefusal(
      400,
      "malformed",
      "the body must be a JSON object: a signed ForwardRequest",
    );
  }
  const record = body as Record<string, unknown>;
  const field = (name: string): unknown => {
    const value = record[name];
    if (value === undefined)
      throw new RelayRefusal(400, "malformed", `the request has no "${name}"`);
    return value;
  };
  const address = (name: string): string => {
    const value = field(name);
    if (typeof value !== "string" || !isAddress(value)) {
      throw new RelayRefusal(400, "malformed", `"${name}" must be an address`);
    }
    return getAddress(value);
  };
  const integer = (name: string): bigint => {
    const value = field(name);
    if ((typeof value !== "string" && typeof value !== "number") || !/^\d+$/.test(String(value))) {
      throw new RelayRefusal(400, "malformed", `"${name}" must be a non-negative integer`);
    }
    return BigInt(value);
  };
  const hex = (name: string): string => {
    const value = field(name);
    if (typeof value !== "string" || !isHexString(value)) {
      throw new RelayRefusal(400, "malformed", `"${name}" must be 0x-prefixed hex`);
    }
    return value;
  };
  const deadline = integer("deadline");
  if (deadline >= 2n ** 48n) {
    throw new RelayRefusal(400, "malformed", `"deadline" must fit in a uint48`);
  }
  return {
    from: address("from"),
    to: address("to"),
    value: integer("value"),
    gas: integer("gas"),
    deadline: Number(deadline),
    data: hex("data"),
    signature: hex("signature"),
  };
}

/** One sentence for a contract's error: which contract refused, what, with which values. */
export function revertSentence(decoded: DecodedRevert): string {
  const args = Object.entries(decoded.args)
    .map(([name, value]) => `${name} ${String(value)}`)
    .join(", ");
  return `${decoded.contract} refused the call: ${decoded.name}${args === "" ? "" : ` (${args})`}`;
}

/** The revert data in an error thrown by a provider call, with its decoding, when it is CareLedger's. */
function decodedWithData(error: unknown): (DecodedRevert & { data: string }) | undefined {
  const decoded = decodeRevert(error);
  if (decoded === undefined) return undefined;
  const data =
    typeof error === "object" && error !== null && "data" in error && typeof error.data === "string"
      ? error.data
      : "";
  return { ...decoded, data };
}

export class Relayer {
  readonly forwarder: ERC2771Forwarder;
  readonly #options: RelayerOptions;
  readonly #targets: ReadonlySet<string>;
  readonly #recent = new Map<string, number[]>();
  readonly #sent = new Map<string, { from: string; to: string }>();
  #domain: Promise<TypedDataDomain> | undefined;
  /** Sends are serialised: each waits for the one before, so nonces are handed out in order. */
  #queue: Promise<unknown> = Promise.resolve();
  #nonce: number | undefined;
  #inFlight = 0;

  constructor(options: RelayerOptions) {
    this.#options = options;
    this.forwarder = ERC2771Forwarder__factory.connect(options.addresses.forwarder, options.wallet);
    // Only CareLedger's three contracts: the forwarder would happily call anything that trusts it, and
    // the relayer's gas is not for anyone else's contracts.
    this.#targets = new Set(
      [
        options.addresses.supportDesk,
        options.addresses.refundEscrow,
        options.addresses.feedbackAttestations,
      ].map((address) => getAddress(address)),
    );
  }

  /** How many requests are being checked or sent right now (shutdown waits for them). */
  get inFlight(): number {
    return this.#inFlight;
  }

  async health(): Promise<Record<string, unknown>> {
    const { provider, wallet } = this.#options;
    const [network, block, balance] = await Promise.all([
      provider.getNetwork(),
      provider.getBlockNumber(),
      provider.getBalance(wallet.address),
    ]);
    return {
      ok: true,
      chainId: Number(network.chainId),
      blockNumber: block,
      relayer: wallet.address,
      balanceWei: balance.toString(),
      forwarder: this.#options.addresses.forwarder,
      targets: [...this.#targets],
    };
  }

  /**
   * Checks `request` and submits it. Resolves with the transaction hash once the transaction is sent
   * (not mined: `status` tells when it is). Throws `RelayRefusal` for every refusal.
   */
  async relay(request: ForwardRequestData): Promise<string> {
    this.#inFlight += 1;
    try {
      this.#checkTarget(request);
      this.#checkRate(request.from);
      await this.#checkRequest(request);
      await this.#simulate(request);
      const hash = await this.#send(request);
      this.#sent.set(hash, { from: request.from, to: request.to });
      this.#options.logger.info("relayed", { hash, from: request.from, to: request.to });
      return hash;
    } finally {
      this.#inFlight -= 1;
    }
  }

  /** Whether a transaction the relayer sent is pending, mined or failed. */
  async status(hash: string): Promise<RelayedStatus> {
    const known = this.#sent.get(hash);
    const receipt = await this.#options.provider.getTransactionReceipt(hash);
    if (receipt === null) {
      const transaction = await this.#options.provider.getTransaction(hash);
      return { hash, status: transaction === null ? "unknown" : "pending", ...known };
    }
    return {
      hash,
      status: receipt.status === 1 ? "mined" : "failed",
      blockNumber: receipt.blockNumber,
      ...known,
    };
  }

  #checkTarget(request: ForwardRequestData): void {
    if (!this.#targets.has(getAddress(request.to))) {
      throw new RelayRefusal(
        403,
        "foreign-target",
        `${request.to} is not one of CareLedger's contracts: this relayer pays only for calls to ` +
          `the SupportDesk, the RefundEscrow and FeedbackAttestations`,
      );
    }
    if (request.value !== 0n) {
      throw new RelayRefusal(
        403,
        "value",
        "the request sends ETH along (value > 0): the relayer pays gas, not the customer's payments",
      );
    }
    if (request.gas > this.#options.maxGas) {
      throw new RelayRefusal(
        403,
        "gas",
        `the request asks for ${request.gas} gas, more than this relayer pays for (${this.#options.maxGas})`,
      );
    }
  }

  #checkRate(signer: string): void {
    const { limit, windowMs } = this.#options.rateLimit;
    const now = (this.#options.now ?? Date.now)();
    const key = signer.toLowerCase();
    const recent = (this.#recent.get(key) ?? []).filter((time) => time > now - windowMs);
    if (recent.length >= limit) {
      const oldest = recent[0] ?? now;
      const retryAfterSeconds = Math.max(1, Math.ceil((oldest + windowMs - now) / 1000));
      this.#recent.set(key, recent);
      throw new RelayRefusal(
        429,
        "rate-limited",
        `${signer} has sent ${limit} requests in the last ${Math.round(windowMs / 1000)} seconds: ` +
          `try again in ${retryAfterSeconds} seconds`,
        { retryAfterSeconds },
      );
    }
    recent.push(now);
    this.#recent.set(key, recent);
  }

  async #checkRequest(request: ForwardRequestData): Promise<void> {
    const { provider } = this.#options;
    const [block, valid, nonce, domain] = await Promise.all([
      provider.getBlock("latest"),
      this.forwarder.verify(request),
      this.forwarder.nonces(request.from),
      this.#forwarderDomain(),
    ]);
    const now = block?.timestamp ?? Math.floor(Date.now() / 1000);
    // The forwarder accepts a request while block.timestamp <= deadline; the next block is later.
    if (request.deadline <= now) {
      throw new RelayRefusal(
        403,
        "expired",
        `the request's deadline (${new Date(request.deadline * 1000).toISOString()}) has passed: sign it again`,
      );
    }
    if (valid) return;
    // `verify` says no without saying why: the signature either belongs to an earlier nonce (the
    // request was already relayed) or to nobody.
    const signerAt = (n: bigint): string => {
      try {
        return verifyTypedData(
          domain,
          { ForwardRequest: [...FORWARD_REQUEST_TYPES.ForwardRequest] },
          { ...request, nonce: n },
          request.signature,
        );
      } catch {
        return "";
      }
    };
    for (let earlier = nonce - 1n; earlier >= 0n && earlier >= nonce - REPLAY_LOOKBACK; earlier--) {
      if (signerAt(earlier) === request.from) {
        throw new RelayRefusal(
          409,
          "replayed",
          `this request was already relayed: it was signed for nonce ${earlier} of ${request.from}, ` +
            `whose next nonce is ${nonce}`,
        );
      }
    }
    throw new RelayRefusal(
      401,
      "bad-signature",
      `the signature is not ${request.from}'s signature of this request (nonce ${nonce})`,
    );
  }

  /**
   * Runs the inner call as the signer would make it (the contracts see the same `_msgSender()`), so a
   * revert comes back with the contract's own error: through the forwarder it would be `FailedCall()`.
   */
  async #simulate(request: ForwardRequestData): Promise<void> {
    try {
      await this.#options.provider.call({
        from: request.from,
        to: request.to,
        data: request.data,
        value: request.value,
        gasLimit: request.gas,
      });
    } catch (error) {
      const revert = decodedWithData(error);
      throw new RelayRefusal(
        422,
        "reverts",
        revert === undefined
          ? `the call would revert: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`
          : revertSentence(revert),
        revert === undefined ? {} : { revert },
      );
    }
  }

  /** Sends `execute(request)`, one at a time, with a nonce the relayer tracks itself. */
  #send(request: ForwardRequestData): Promise<string> {
    const run = async (): Promise<string> => {
      const { wallet, provider } = this.#options;
      this.#nonce ??= await provider.getTransactionCount(wallet.address, "pending");
      const nonce = this.#nonce;
      try {
        const response = await this.forwarder.execute(request, { value: request.value, nonce });
        this.#nonce = nonce + 1;
        return response.hash;
      } catch (error) {
        // The node's view of the nonce is the truth after a failed send (it may or may not have
        // taken the nonce): ask again next time.
        this.#nonce = undefined;
        const revert = decodedWithData(error);
        throw new RelayRefusal(
          revert === undefined ? 502 : 422,
          "send-failed",
          revert === undefined
            ? `the relayer could not send the transaction: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`
            : revertSentence(revert),
          revert === undefined ? {} : { revert },
        );
      }
    };
    const result = this.#queue.then(run, run);
    this.#queue = result.catch(() => undefined);
    return result;
  }

  #forwarderDomain(): Promise<TypedDataDomain> {
    this.#domain ??= this.forwarder.eip712Domain().then((domain) => ({
      name: domain.name,
      version: domain.version,
      chainId: domain.chainId,
      verifyingContract: domain.verifyingContract,
    }));
    return this.#domain;
  }
}
