/**
 * The one authentication the webhook service knows: a Sign-In with Ethereum (EIP-4361) message, signed
 * by the merchant's admin or one of its agents as the desk says right now (`merchantAdmin`, `isAgent`).
 *
 * Checked: the statement (it names the action, so a message signed for one action cannot authorize
 * another), domain (`WEBHOOKS_DOMAIN`), chain id, time window (issued-at, expiration, not-before), nonce
 * (issued by `/siwe/nonce`, used once), and the signature (EOAs and ERC-1271/6492 contract wallets).
 */
import { supportDeskAbi } from "careledger/abis";
import { createPublicClient, http, type Address, type Hex } from "viem";
import { parseSiweMessage, validateSiweMessage } from "viem/siwe";

import type { Deployment } from "../deployment.ts";
import type { Store } from "./store.ts";

export type Authorization = { signer: Address } | { status: 400 | 401 | 403; error: string };

/** What a signed request carries besides its own fields. */
export interface SignedBody {
  message?: unknown;
  signature?: unknown;
}

export type Authorize = (
  body: SignedBody,
  statement: string,
  merchantId: number,
) => Promise<Authorization>;

export function siweAuthorizer(options: {
  store: Store;
  deployment: Deployment;
  domain: string;
}): Authorize {
  const { store, deployment, domain } = options;
  const chain = createPublicClient({ transport: http(deployment.rpcUrl) });

  /** Whether `account` is merchant `merchantId`'s admin or agent on chain now. */
  async function isStaff(merchantId: number, account: Address): Promise<boolean> {
    const [admin, agent] = await Promise.all([
      chain.readContract({
        abi: supportDeskAbi,
        address: deployment.supportDesk.address,
        functionName: "merchantAdmin",
        args: [merchantId],
      }),
      chain.readContract({
        abi: supportDeskAbi,
        address: deployment.supportDesk.address,
        functionName: "isAgent",
        args: [merchantId, account],
      }),
    ]);
    return admin.toLowerCase() === account.toLowerCase() || agent;
  }

  return async (body, statement, merchantId) => {
    if (
      typeof body.message !== "string" ||
      typeof body.signature !== "string" ||
      !/^0x[0-9a-fA-F]+$/.test(body.signature)
    ) {
      return {
        status: 400,
        error: "message (an EIP-4361 message) and signature (hex) are required",
      };
    }
    const fields = parseSiweMessage(body.message);
    if (fields.statement !== statement)
      return { status: 400, error: `the statement must be: ${statement}` };
    if (fields.chainId !== deployment.chainId)
      return { status: 400, error: `chain id must be ${deployment.chainId}` };
    if (fields.address === undefined || fields.nonce === undefined)
      return { status: 400, error: "address and nonce are required" };
    if (!validateSiweMessage({ message: fields, domain, time: new Date() })) {
      return {
        status: 401,
        error: `the message is for another domain than ${domain}, or expired, or not valid yet`,
      };
    }
    // The nonce is consumed before the signature is checked, so a message can never be used twice.
    const consumed = await store.query(
      "DELETE FROM careledger_webhooks.nonce WHERE nonce = $1 AND expires_at > now() RETURNING nonce",
      [fields.nonce],
    );
    if (consumed.length === 0)
      return { status: 401, error: "unknown, used or expired nonce: get one from /siwe/nonce" };
    const valid = await chain.verifySiweMessage({
      message: body.message,
      signature: body.signature as Hex,
      domain,
    });
    if (!valid) return { status: 401, error: "the signature does not match the message's address" };
    const signer = fields.address;
    if (!(await isStaff(merchantId, signer))) {
      return {
        status: 403,
        error: `${signer} is neither the admin nor an agent of merchant ${merchantId}`,
      };
    }
    return { signer };
  };
}
