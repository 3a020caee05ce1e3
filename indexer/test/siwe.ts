/** Sign-In with Ethereum for the tests: a nonce from the webhook service, a message, its signature. */
import assert from "node:assert/strict";

import type { Hex } from "viem";
import type { HDAccount } from "viem/accounts";
import { createSiweMessage } from "viem/siwe";

import { getJson } from "./harness.ts";

export interface Signed {
  message: string;
  signature: Hex;
}

/** An EIP-4361 message for the service at `serviceUrl` with `statement`, signed by `account`. */
export async function signIn(
  serviceUrl: string,
  chainId: number,
  account: HDAccount,
  statement: string,
  options: { nonce?: string; domain?: string } = {},
): Promise<Signed> {
  const nonce =
    options.nonce ?? (await getJson<{ nonce: string }>(`${serviceUrl}/siwe/nonce`)).nonce;
  const message = createSiweMessage({
    domain: options.domain ?? new URL(serviceUrl).host,
    address: account.address,
    statement,
    uri: serviceUrl,
    version: "1",
    chainId,
    nonce,
    issuedAt: new Date(Date.now() - 1_000),
    expirationTime: new Date(Date.now() + 300_000),
  });
  return { message, signature: await account.signMessage({ message }) };
}

/** POSTs (or sends with `method`) `body` as JSON and returns the status and the parsed answer. */
export async function sendJson<T>(
  url: string,
  body: unknown,
  method = "POST",
): Promise<{ status: number; body: T }> {
  const response = await fetch(url, {
    method,
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: (text === "" ? {} : JSON.parse(text)) as T };
}

/**
 * Registers `receiver` as a webhook endpoint of merchant `merchantId`, signed in as `account` (the
 * merchant's admin or an agent); keeps the endpoint's secret on the receiver and returns its id.
 */
export async function registerEndpoint(
  serviceUrl: string,
  chainId: number,
  account: HDAccount,
  merchantId: number,
  receiver: { url: string; secret: string },
): Promise<string> {
  const answer = await sendJson<{ id: string; secret: string }>(`${serviceUrl}/endpoints`, {
    merchantId,
    url: receiver.url,
    ...(await signIn(
      serviceUrl,
      chainId,
      account,
      `Register webhook endpoint ${receiver.url} for CareLedger merchant ${merchantId}`,
    )),
  });
  assert.equal(answer.status, 201, JSON.stringify(answer.body));
  receiver.secret = answer.body.secret;
  return answer.body.id;
}
