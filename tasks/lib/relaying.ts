/**
 * `--relayer`: every call a customer makes can be gasless. The customer (`--from`) signs an ERC-2771
 * forward request with the package's `relay`, and the relayer account submits it through CareLedger's
 * forwarder and pays the gas; the contracts still see the customer as the caller.
 */
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { ContractTransaction, ContractTransactionResponse } from "ethers";

import { relay } from "../../src/index.js";

import type { Session } from "./session.js";
import { resolveSigner } from "./session.js";

/** The option of tasks a customer may run. */
export interface RelayerArgs {
  /** The account (address or index) that relays and pays the gas; "" = the signer sends it itself. */
  relayer: string;
}

/**
 * A contract method as TypeChain types it: callable, and able to build its transaction without
 * sending it (for the forward request's calldata).
 */
export interface SendableMethod<A extends unknown[]> {
  (...args: A): Promise<ContractTransactionResponse>;
  populateTransaction(...args: A): Promise<ContractTransaction>;
}

/** How a customer's call goes out: directly, or signed by the customer and relayed. */
export class CustomerSender {
  readonly relayer: HardhatEthersSigner | undefined;
  readonly #session: Session;
  readonly #signer: HardhatEthersSigner;

  private constructor(
    session: Session,
    signer: HardhatEthersSigner,
    relayer: HardhatEthersSigner | undefined,
  ) {
    this.#session = session;
    this.#signer = signer;
    this.relayer = relayer;
  }

  /** The sender of a session opened with a signer; `--relayer` resolved among the network's accounts. */
  static async of(session: Session, option: string): Promise<CustomerSender> {
    const signer = session.signer;
    if (signer === undefined) throw new Error("open the session with a signer first");
    const relayer =
      option.trim() === ""
        ? undefined
        : await resolveSigner(session.connection, option, session.networkName, "--relayer");
    return new CustomerSender(session, signer, relayer);
  }

  /** `description`, or "… through the relayer" when relayed (for the progress line). */
  describe(description: string): string {
    return this.relayer === undefined ? description : `${description} through the relayer`;
  }

  /**
   * The submit function for `TaskRun.send`: `method(...args)` sent by the signer, or the same call
   * signed by the signer and submitted by the relayer. Relaying estimates the call as the signer
   * first (`signForwardRequest`), so a call that would revert fails with the contract's own error.
   */
  submit<A extends unknown[]>(
    method: SendableMethod<A>,
    ...args: A
  ): () => Promise<ContractTransactionResponse> {
    const relayer = this.relayer;
    if (relayer === undefined) return () => method(...args);
    return async () => {
      const { to, data } = await method.populateTransaction(...args);
      return await relay(this.#session.client, this.#signer, to, data, { relayer });
    };
  }

  /** The detail line a relayed call prints (none when it was not relayed). */
  details(): Array<[string, string]> {
    return this.relayer === undefined
      ? []
      : [
          [
            "gas paid by",
            `${this.relayer.address} (relayer; ${this.#signer.address} signed, gaslessly)`,
          ],
        ];
  }
}
