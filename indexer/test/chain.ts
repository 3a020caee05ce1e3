/** Sends CareLedger transactions from Hardhat's well-known test accounts with viem, for the tests. */
import { feedbackAttestationsAbi, refundEscrowAbi, supportDeskAbi } from "careledger/abis";
import {
  createPublicClient,
  createWalletClient,
  http,
  keccak256,
  toHex,
  type Address,
  type Hex,
  type PublicClient,
} from "viem";
import { mnemonicToAccount, type HDAccount } from "viem/accounts";

import { readFileSync } from "node:fs";
import path from "node:path";

/** Hardhat's default accounts (the well-known test mnemonic; these keys hold nothing anywhere). */
const MNEMONIC = "test test test test test test test test test test test junk";

export const hashOf = (text: string): Hex => keccak256(toHex(text));

export interface Contracts {
  desk: Address;
  escrow: Address;
  feedback: Address;
}

/** What Ignition recorded in `deploymentDir` (`CareLedger#SupportDesk`…: address). */
export function recordedAddresses(deploymentDir: string): Record<string, Address> {
  return JSON.parse(
    readFileSync(path.join(deploymentDir, "deployed_addresses.json"), "utf8"),
  ) as Record<string, Address>;
}

export function contractsOf(deploymentDir: string): Contracts {
  const recorded = recordedAddresses(deploymentDir);
  return {
    desk: recorded["CareLedger#SupportDesk"]!,
    escrow: recorded["CareLedger#RefundEscrow"]!,
    feedback: recorded["CareLedger#FeedbackAttestations"]!,
  };
}

export class Chain {
  readonly public: PublicClient;
  readonly url: string;
  readonly contracts: Contracts;
  readonly chainId: number;

  constructor(url: string, chainId: number, contracts: Contracts) {
    this.url = url;
    this.chainId = chainId;
    this.contracts = contracts;
    this.public = createPublicClient({ transport: http(url) });
  }

  account(index: number): HDAccount {
    return mnemonicToAccount(MNEMONIC, { addressIndex: index });
  }

  async #send(
    index: number,
    address: Address,
    abi: readonly unknown[],
    functionName: string,
    args: readonly unknown[],
    value?: bigint,
  ) {
    const wallet = createWalletClient({
      account: this.account(index),
      transport: http(this.url),
      chain: {
        id: this.chainId,
        name: "test",
        nativeCurrency: { name: "ETH", symbol: "ETH", decimals: 18 },
        rpcUrls: { default: { http: [this.url] } },
      },
    });
    const hash = await wallet.writeContract({ address, abi, functionName, args, value } as never);
    const receipt = await this.public.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success") throw new Error(`${functionName} reverted`);
    return receipt;
  }

  desk(index: number, functionName: string, args: readonly unknown[]) {
    return this.#send(index, this.contracts.desk, supportDeskAbi, functionName, args);
  }
  escrow(index: number, functionName: string, args: readonly unknown[], value?: bigint) {
    return this.#send(index, this.contracts.escrow, refundEscrowAbi, functionName, args, value);
  }
  feedback(index: number, functionName: string, args: readonly unknown[]) {
    return this.#send(index, this.contracts.feedback, feedbackAttestationsAbi, functionName, args);
  }

  /**
   * Registers a merchant (profile `profile`) with account `admin` as its admin and names account `agent`
   * its agent; `merchantId` is the id it gets (merchants are numbered from 1 in registration order).
   */
  async merchantWithAgent(
    merchantId: number,
    admin: number,
    agent: number,
    profile: string,
  ): Promise<void> {
    await this.desk(admin, "registerMerchant", [this.account(admin).address, hashOf(profile)]);
    await this.desk(admin, "setAgent", [merchantId, this.account(agent).address, true]);
  }

  async read(functionName: string, args: readonly unknown[]): Promise<unknown> {
    return this.public.readContract({
      abi: supportDeskAbi,
      address: this.contracts.desk,
      functionName,
      args,
    } as never);
  }

  async mine(blocks: number): Promise<void> {
    for (let i = 0; i < blocks; i++)
      await this.public.request({ method: "evm_mine" as never, params: [] as never });
  }

  async head(): Promise<number> {
    return Number(await this.public.getBlockNumber({ cacheTime: 0 }));
  }
}
