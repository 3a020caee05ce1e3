/**
 * A test wallet for the browser: an EIP-1193 provider announced through EIP-6963, injected before the
 * page loads. The page side only forwards requests; this Node side signs with a local key (ethers) and
 * passes every other call to the node. `rejectNext()` makes the next signature request fail with 4001,
 * as a person pressing "Reject" would.
 */
import { Wallet, type JsonRpcProvider, type TypedDataField } from "ethers";
import type { BrowserContext } from "playwright-core";

/** The page side: announces the provider and forwards `request` to `window.__careledgerWallet`. */
const PAGE_SCRIPT = `(() => {
  const listeners = {};
  const emit = (event, value) => (listeners[event] || []).forEach((fn) => fn(value));
  const provider = {
    async request({ method, params }) {
      const answer = JSON.parse(await window.__careledgerWallet(JSON.stringify({ method, params: params || [] })));
      if (answer.error) {
        const error = new Error(answer.error.message);
        error.code = answer.error.code;
        if (answer.error.data !== undefined) error.data = answer.error.data;
        throw error;
      }
      if (method === "wallet_switchEthereumChain") emit("chainChanged", params[0].chainId);
      return answer.result;
    },
    on(event, fn) { (listeners[event] = listeners[event] || []).push(fn); },
    removeListener(event, fn) { listeners[event] = (listeners[event] || []).filter((f) => f !== fn); },
  };
  const detail = Object.freeze({
    info: {
      uuid: "5d0e8f6e-careledger-test-wallet",
      name: "CareLedger Test Wallet",
      icon: "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 10 10'%3E%3Crect width='10' height='10' fill='%231f5fa8'/%3E%3C/svg%3E",
      rdns: "org.careledger.testwallet",
    },
    provider,
  });
  const announce = () => window.dispatchEvent(new CustomEvent("eip6963:announceProvider", { detail }));
  window.addEventListener("eip6963:requestProvider", announce);
  announce();
})();`;

export interface TestWallet {
  address: string;
  /** The next signature or transaction request is declined (EIP-1193 code 4001). */
  rejectNext(): void;
}

/** Installs the wallet in every page of `context`, signing as `privateKey`, starting on `chainId`. */
export async function installTestWallet(
  context: BrowserContext,
  provider: JsonRpcProvider,
  privateKey: string,
  chainId: number,
): Promise<TestWallet> {
  const wallet = new Wallet(privateKey, provider);
  let currentChain = chainId;
  let reject = false;
  const SIGNING = new Set(["eth_sendTransaction", "eth_signTypedData_v4", "personal_sign"]);

  const handle = async (method: string, params: unknown[]): Promise<unknown> => {
    if (SIGNING.has(method) && reject) {
      reject = false;
      throw Object.assign(new Error("User rejected the request."), { code: 4001 });
    }
    switch (method) {
      case "eth_requestAccounts":
      case "eth_accounts":
        return [wallet.address];
      case "eth_chainId":
        return `0x${currentChain.toString(16)}`;
      case "wallet_switchEthereumChain": {
        const wanted = Number((params[0] as { chainId: string }).chainId);
        if (wanted !== 31337) throw Object.assign(new Error("Unrecognized chain."), { code: 4902 });
        currentChain = wanted;
        return null;
      }
      case "wallet_addEthereumChain":
        return null;
      case "eth_signTypedData_v4": {
        const typed = JSON.parse(params[1] as string) as {
          domain: Record<string, unknown>;
          types: Record<string, TypedDataField[]>;
          message: Record<string, unknown>;
        };
        const { EIP712Domain: _domain, ...types } = typed.types;
        return wallet.signTypedData(typed.domain, types, typed.message);
      }
      case "personal_sign":
        return wallet.signMessage(params[0] as string);
      case "eth_sendTransaction": {
        const tx = params[0] as Record<string, string | undefined>;
        const sent = await wallet.sendTransaction({
          to: tx.to,
          data: tx.data,
          value: tx.value === undefined ? 0n : BigInt(tx.value),
          ...(tx.gas === undefined ? {} : { gasLimit: BigInt(tx.gas) }),
        });
        return sent.hash;
      }
      default:
        return provider.send(method, params);
    }
  };

  await context.exposeFunction("__careledgerWallet", async (request: string): Promise<string> => {
    const { method, params } = JSON.parse(request) as { method: string; params: unknown[] };
    try {
      return JSON.stringify({ result: await handle(method, params) });
    } catch (error) {
      const record = error as {
        code?: unknown;
        message?: string;
        data?: unknown;
        info?: { error?: { code?: unknown; data?: unknown; message?: string } };
      };
      // Node errors keep the revert data where a wallet would: error.data.
      const inner = record.info?.error;
      return JSON.stringify({
        error: {
          code: typeof record.code === "number" ? record.code : (inner?.code ?? -32603),
          message: inner?.message ?? record.message ?? String(error),
          data: typeof record.data === "string" ? record.data : inner?.data,
        },
      });
    }
  });
  await context.addInitScript(PAGE_SCRIPT);
  return {
    address: wallet.address,
    rejectNext: () => {
      reject = true;
    },
  };
}
