/**
 * Wallets: EIP-6963 discovery (every installed wallet announces itself; mipd keeps the list), with the
 * legacy `window.ethereum` as a fallback, and the chain check with an offer to switch or add the chain.
 */
import { createStore, type EIP6963ProviderDetail } from "mipd";

import type { AppConfig } from "./config.ts";

/** What the app needs of an EIP-1193 provider (what ethers' BrowserProvider takes). */
export interface EIP1193Provider {
  request(args: { method: string; params?: unknown[] | Record<string, unknown> }): Promise<unknown>;
  on?(event: string, listener: (...args: never[]) => void): unknown;
  removeListener?(event: string, listener: (...args: never[]) => void): unknown;
}

// mipd types the provider as viem's by default; the app speaks plain EIP-1193 through ethers.
declare module "mipd" {
  interface Register {
    provider: EIP1193Provider;
  }
}

export type { EIP6963ProviderDetail };

/** The wallets announced so far; `subscribe` hears about later ones. */
export const walletStore = createStore();

/** The announced wallets, or the injected `window.ethereum` when no wallet speaks EIP-6963. */
export function discoveredWallets(): readonly EIP6963ProviderDetail[] {
  const announced = walletStore.getProviders();
  if (announced.length > 0) return announced;
  const injected = (globalThis as { ethereum?: EIP1193Provider }).ethereum;
  if (injected === undefined) return [];
  return [
    {
      info: {
        uuid: "injected",
        name: "Browser wallet",
        icon: "data:image/svg+xml,%3Csvg xmlns=%22http://www.w3.org/2000/svg%22/%3E",
        rdns: "injected",
      },
      // mipd types the provider as viem's EIP1193Provider when viem is installed (the indexer workspace
      // brings it), as the plain one above otherwise; both are the same object at run time.
      provider: injected as unknown as EIP6963ProviderDetail["provider"],
    },
  ];
}

/** `0x7a69` for 31337: the form wallets take chain ids in. */
export function hexChainId(chainId: number): `0x${string}` {
  return `0x${chainId.toString(16)}`;
}

/** EIP-3085's code for "this chain is unknown to the wallet". */
const UNRECOGNIZED_CHAIN = 4902;

/** Asks the wallet to switch to the app's chain, adding it first when the wallet does not know it. */
export async function switchChain(provider: EIP1193Provider, config: AppConfig): Promise<void> {
  const chainId = hexChainId(config.chainId);
  try {
    await provider.request({ method: "wallet_switchEthereumChain", params: [{ chainId }] });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const nested = (error as { data?: { originalError?: { code?: unknown } } }).data?.originalError
      ?.code;
    if (code !== UNRECOGNIZED_CHAIN && nested !== UNRECOGNIZED_CHAIN) throw error;
    await provider.request({
      method: "wallet_addEthereumChain",
      params: [
        {
          chainId,
          chainName: config.chainName,
          rpcUrls: [config.rpcUrl],
          nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
        },
      ],
    });
  }
}
