/**
 * A browser wallet for the README's front-end snippets when they run in Node (`node --import`): it
 * defines `window.ethereum`, an EIP-1193 provider that forwards every request to the node at
 * `CARELEDGER_RPC_URL` and shares one account, `CARELEDGER_WALLET_ACCOUNT` (one of the node's
 * unlocked accounts, so the node signs, as a wallet would after the user clicks "confirm").
 * Imports nothing, so it runs from the consumer project as it is.
 */
interface RpcRequest {
  method: string;
  params?: unknown[] | Record<string, unknown>;
}

const url = process.env.CARELEDGER_RPC_URL ?? "http://127.0.0.1:8545";
const account = process.env.CARELEDGER_WALLET_ACCOUNT;
if (account === undefined) throw new Error("wallet-shim: set CARELEDGER_WALLET_ACCOUNT");

let id = 0;

async function forward(request: RpcRequest): Promise<unknown> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: ++id,
      method: request.method,
      params: request.params ?? [],
    }),
  });
  const json = (await response.json()) as {
    result?: unknown;
    error?: { code: number; message: string; data?: unknown };
  };
  if (json.error !== undefined) {
    // EIP-1193: reject with an error carrying the JSON-RPC code and data (ethers and viem read them).
    throw Object.assign(new Error(json.error.message), json.error);
  }
  return json.result;
}

const ethereum = {
  async request(request: RpcRequest): Promise<unknown> {
    // The wallet shares one account, as a user would pick one.
    if (request.method === "eth_requestAccounts" || request.method === "eth_accounts") {
      return [account];
    }
    return await forward(request);
  },
  on(): void {},
  removeListener(): void {},
};

Object.assign(globalThis, { window: { ethereum } });
