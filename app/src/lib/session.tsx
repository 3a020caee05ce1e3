/**
 * The app's connection to the chain: a read client on the configured RPC (everyone, wallet or not), the
 * connected wallet and its account, and `send` for transactions (directly, or signed and relayed when a
 * relayer is configured and the caller asks for gasless).
 */
import { connect as connectCareLedger, relay, type CareLedgerClient } from "careledger";
import {
  BrowserProvider,
  Contract,
  JsonRpcProvider,
  type ContractTransactionReceipt,
  type Interface,
  type Signer,
  type TransactionReceipt,
} from "ethers";
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
  type ReactNode,
} from "react";

import type { AppConfig } from "./config.ts";
import { describeFailure } from "./errors.ts";
import {
  hexChainId,
  switchChain,
  type EIP1193Provider,
  type EIP6963ProviderDetail,
} from "./wallet.ts";

/** Which contract a transaction calls. */
export type Target = "desk" | "escrow" | "feedback";

/** One transaction the app asks for. */
export interface TxRequest {
  /** One of CareLedger's contracts, or another contract (an ERC-20's approve) by address and ABI. */
  target: Target | { address: string; abi: readonly string[] };
  method: string;
  args: readonly unknown[];
  /** Wei sent along (deposits). Never relayed. */
  value?: bigint;
  /** Through the relayer when one is configured (customers' actions). */
  gasless?: boolean;
}

/** Where a transaction is: what the status line shows. */
export type TxPhase =
  | { phase: "idle" }
  | { phase: "signing" }
  | { phase: "pending"; hash: string; gasless: boolean }
  | { phase: "confirmed"; hash: string; gasless: boolean }
  | { phase: "failed"; message: string; hash?: string }
  | { phase: "rejected"; message: string };

export interface Session {
  config: AppConfig;
  /** Reads: the configured RPC, whatever wallet is connected. */
  reader: CareLedgerClient;
  readProvider: JsonRpcProvider;
  wallet: EIP6963ProviderDetail | undefined;
  account: string | undefined;
  /** The wallet's chain id, once connected. */
  walletChainId: number | undefined;
  wrongChain: boolean;
  connect(wallet: EIP6963ProviderDetail): Promise<void>;
  disconnect(): void;
  switchChain(): Promise<void>;
  /** Sends `request`, reporting each phase to `onPhase`; resolves with the receipt when mined. */
  send(
    request: TxRequest,
    onPhase: (phase: TxPhase) => void,
  ): Promise<TransactionReceipt | ContractTransactionReceipt | undefined>;
}

const SessionContext = createContext<Session | undefined>(undefined);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (session === undefined) throw new Error("useSession outside <SessionProvider>");
  return session;
}

export function SessionProvider({
  config,
  children,
}: {
  config: AppConfig;
  children: ReactNode;
}): ReactNode {
  const readProvider = useMemo(
    () =>
      new JsonRpcProvider(config.rpcUrl, config.chainId, {
        staticNetwork: true,
        pollingInterval: 1000,
      }),
    [config],
  );
  const [reader, setReader] = useState<CareLedgerClient | undefined>(undefined);
  const [wallet, setWallet] = useState<EIP6963ProviderDetail | undefined>(undefined);
  const [account, setAccount] = useState<string | undefined>(undefined);
  const [walletChainId, setWalletChainId] = useState<number | undefined>(undefined);

  useEffect(() => {
    let live = true;
    // With an indexer configured, the package's history reads (timeline, report, ticket lists, a
    // merchant's refunds) ask it first and fall back to logs whenever it is unreachable or behind the
    // chain.
    void connectCareLedger(readProvider, config.chainId, config.addresses, {
      indexer: config.indexerUrl,
    }).then((client) => {
      if (live) setReader(client);
    });
    return () => {
      live = false;
    };
  }, [readProvider, config]);

  // Follow the wallet: account and chain changes (EIP-1193 events).
  useEffect(() => {
    const provider = wallet?.provider;
    if (provider?.on === undefined) return;
    const onAccounts = (accounts: string[]): void => setAccount(accounts[0]);
    const onChain = (chainId: string): void => setWalletChainId(Number(chainId));
    provider.on("accountsChanged", onAccounts as (...args: never[]) => void);
    provider.on("chainChanged", onChain as (...args: never[]) => void);
    return () => {
      provider.removeListener?.("accountsChanged", onAccounts as (...args: never[]) => void);
      provider.removeListener?.("chainChanged", onChain as (...args: never[]) => void);
    };
  }, [wallet]);

  const connect = useCallback(async (detail: EIP6963ProviderDetail): Promise<void> => {
    const accounts = (await detail.provider.request({ method: "eth_requestAccounts" })) as string[];
    const chainId = (await detail.provider.request({ method: "eth_chainId" })) as string;
    setWallet(detail);
    setAccount(accounts[0]);
    setWalletChainId(Number(chainId));
  }, []);

  const disconnect = useCallback(() => {
    setWallet(undefined);
    setAccount(undefined);
    setWalletChainId(undefined);
  }, []);

  const doSwitch = useCallback(async (): Promise<void> => {
    if (wallet === undefined) return;
    // The plain EIP-1193 shape switchChain needs (mipd may type the provider as viem's).
    await switchChain(wallet.provider as unknown as EIP1193Provider, config);
    setWalletChainId(Number((await wallet.provider.request({ method: "eth_chainId" })) as string));
  }, [wallet, config]);

  const send = useCallback(
    async (request: TxRequest, onPhase: (phase: TxPhase) => void) => {
      if (wallet === undefined || account === undefined || reader === undefined) {
        onPhase({ phase: "failed", message: "Connect a wallet first." });
        return undefined;
      }
      const gasless =
        request.gasless === true && config.relayerUrl !== undefined && request.value === undefined;
      let hash: string | undefined;
      try {
        onPhase({ phase: "signing" });
        const chainId = (await wallet.provider.request({ method: "eth_chainId" })) as string;
        if (chainId.toLowerCase() !== hexChainId(config.chainId)) {
          onPhase({
            phase: "failed",
            message: `Your wallet is on another chain: switch it to ${config.chainName} first.`,
          });
          return undefined;
        }
        const signer: Signer = await new BrowserProvider(wallet.provider, config.chainId).getSigner(
          account,
        );
        const contract =
          typeof request.target === "string"
            ? reader[request.target]
            : new Contract(request.target.address, request.target.abi, readProvider);
        let response;
        if (gasless && typeof request.target === "string") {
          const data = (contract.interface as Interface).encodeFunctionData(request.method, [
            ...request.args,
          ]);
          response = await relay(reader, signer, await contract.getAddress(), data, {
            relayerUrl: config.relayerUrl as string,
          });
        } else {
          const connected = contract.connect(signer) as unknown as Record<
            string,
            (
              ...args: unknown[]
            ) => Promise<{ hash: string; wait(): Promise<TransactionReceipt | null> }>
          >;
          const method = connected[request.method];
          if (method === undefined) throw new Error(`no method ${request.method}`);
          response = await method(
            ...request.args,
            ...(request.value === undefined ? [] : [{ value: request.value }]),
          );
        }
        hash = response.hash;
        onPhase({ phase: "pending", hash, gasless });
        // Wait on the read provider: it polls the same node the relayer or the wallet sent to.
        const receipt = await waitForReceipt(readProvider, hash);
        if (receipt === null || receipt.status !== 1) {
          onPhase({ phase: "failed", hash, message: "The transaction was mined but failed." });
          return undefined;
        }
        onPhase({ phase: "confirmed", hash, gasless });
        return receipt;
      } catch (error) {
        const failure = describeFailure(error);
        onPhase(
          failure.kind === "rejected"
            ? { phase: "rejected", message: failure.message }
            : {
                phase: "failed",
                message: failure.message,
                ...(hash === undefined ? {} : { hash }),
              },
        );
        return undefined;
      }
    },
    [wallet, account, reader, config, readProvider],
  );

  if (reader === undefined) {
    return <p className="loading">Connecting to {config.chainName}…</p>;
  }
  const session: Session = {
    config,
    reader,
    readProvider,
    wallet,
    account,
    walletChainId,
    wrongChain: walletChainId !== undefined && walletChainId !== config.chainId,
    connect,
    disconnect,
    switchChain: doSwitch,
    send,
  };
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

/** Polls for `hash`'s receipt (every 500 ms, at most two minutes): simple, and right after a relayer's answer too. */
async function waitForReceipt(
  provider: JsonRpcProvider,
  hash: string,
): Promise<TransactionReceipt | null> {
  const started = Date.now();
  while (Date.now() - started < 120_000) {
    const receipt = await provider.getTransactionReceipt(hash);
    if (receipt !== null) return receipt;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return null;
}
