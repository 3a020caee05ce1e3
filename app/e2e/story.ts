/**
 * End to end, in headless Chromium (Debian's, driven by playwright-core): the local stack (node,
 * Ignition deployment, seed, relayer, built app) and two browser contexts with a test wallet each.
 *
 * Dan, a customer without a wei, opens a ticket gaslessly through the relayer; Maya, the merchant's
 * admin, sees it in her queue, replies and resolves it; Dan's open page shows the change live; Dan asks
 * for a refund, Maya approves it and Dan's balance changes; Dan rates, and the merchant's histogram
 * counts it. Refusals show their sentences: Carol's ticket is not Dan's, an amount above the reserve is
 * stopped by the form, and a declined signature is a calm note. Every wait is on a state of the page.
 *
 * On failure: screenshots of both pages in app/test-results/. On success: the README's screenshots of
 * each view at desktop and phone width in docs/app/.
 */
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import path from "node:path";

import { connect } from "careledger";
import { formatEther } from "ethers";
import { chromium, type Browser, type Page } from "playwright-core";

import { ROOT, startStack, type Stack } from "../scripts/stack.ts";

import { installTestWallet } from "./wallet.ts";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const RESULTS = path.join(ROOT, "app", "test-results");
const SHOTS = path.join(ROOT, "docs", "app");
const DESKTOP = { width: 1280, height: 860 };
const PHONE = { width: 390, height: 844 };

let passed = 0;
let failed = 0;
const step = async (name: string, run: () => Promise<void>): Promise<void> => {
  const started = Date.now();
  await run();
  passed += 1;
  console.log(`ok ${passed} - ${name} (${Date.now() - started} ms)`);
};

/** Waits until `page` shows `text` (a string or a pattern) in an element matching `selector`. */
async function shows(page: Page, selector: string, text: string | RegExp): Promise<void> {
  await page.locator(selector, { hasText: text }).first().waitFor({ state: "visible" });
}

async function connectWallet(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Connect wallet" }).click();
  await page.getByRole("button", { name: "CareLedger Test Wallet" }).click();
  await page.getByRole("button", { name: "Disconnect" }).waitFor();
}

async function main(): Promise<void> {
  mkdirSync(RESULTS, { recursive: true });
  const port = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
  const logs: string[] = [];
  let stack: Stack | undefined;
  let browser: Browser | undefined;
  const pages: Page[] = [];
  try {
    stack = await startStack({
      chainPort: port("E2E_CHAIN_PORT", 38545),
      relayerPort: port("E2E_RELAYER_PORT", 38787),
      appPort: port("E2E_APP_PORT", 34173),
      mode: "preview",
      log: (line) => logs.push(line),
    });
    const { appUrl, provider, seeded } = stack;
    const maya = seeded.people.find((person) => person.name === "Maya");
    assert.ok(maya !== undefined);
    const dan = seeded.gaslessCustomer;

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      chromiumSandbox: false,
      args: [
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    const customerContext = await browser.newContext({ viewport: DESKTOP });
    const merchantContext = await browser.newContext({ viewport: DESKTOP });
    for (const context of [customerContext, merchantContext]) context.setDefaultTimeout(60_000);
    // Dan's wallet starts on Ethereum mainnet: the app must notice and offer the switch.
    const danWallet = await installTestWallet(customerContext, provider, dan.privateKey, 1);
    await installTestWallet(merchantContext, provider, maya.privateKey, 31337);
    const customer = await customerContext.newPage();
    const merchant = await merchantContext.newPage();
    pages.push(customer, merchant);

    let ticketId = "";

    await step(
      "the customer connects through EIP-6963 and is offered the switch to the app's chain",
      async () => {
        await customer.goto(`${appUrl}#/customer`);
        await connectWallet(customer);
        await shows(customer, '[role="alert"]', "Your wallet is on chain 1");
        await customer.getByRole("button", { name: /Switch to Hardhat/ }).click();
        await customer.locator(".banner.warning").waitFor({ state: "detached" });
        await shows(customer, "[data-testid=balance]", "0 ETH");
      },
    );

    await step(
      "the customer opens a ticket gaslessly: confirmed with its hash, and Dan still has 0 ETH",
      async () => {
        await customer.getByLabel("Order reference").fill("ORDER-2001");
        await customer.getByLabel("What happened").fill("The stove leaks gas at the valve.");
        await customer.getByRole("button", { name: "Open ticket" }).click();
        await customer.waitForURL(/#\/ticket\/\d+$/);
        ticketId = customer.url().replace(/^.*#\/ticket\//, "");
        await shows(customer, "[data-testid=ticket-status]", "Open");
        // The customer's own text is shown from the browser's notes, next to its on-chain hash.
        await shows(customer, ".timeline", "The stove leaks gas at the valve.");
        assert.equal(await provider.getBalance(dan.address), 0n);
        assert.equal(String(await stack!.provider.getTransactionCount(dan.address)), "0");
      },
    );

    await step("the merchant sees it in the queue, replies and resolves it", async () => {
      await merchant.goto(`${appUrl}#/merchant/1`);
      await connectWallet(merchant);
      await shows(merchant, "#queue", "Queue (3)");
      await shows(merchant, "table tbody tr", `Ticket #${ticketId}`);
      assert.equal(await merchant.locator("table tbody tr").count(), 3);
      await merchant.getByRole("link", { name: `Ticket #${ticketId}` }).click();
      await merchant.getByLabel("Reply to the customer").fill("A new valve ships today.");
      await merchant.getByRole("button", { name: "Send reply" }).click();
      await shows(merchant, ".tx-confirmed", "Confirmed");
      await shows(merchant, "[data-testid=ticket-status]", "In progress");
      await merchant.getByLabel("Resolution note").fill("Valve replaced.");
      await merchant.getByRole("button", { name: "Resolve ticket" }).click();
      await shows(merchant, "[data-testid=ticket-status]", "Resolved");
    });

    await step(
      "the customer's open page shows the reply and the resolution live, without a reload",
      async () => {
        await shows(customer, "[data-testid=ticket-status]", "Resolved");
        await shows(customer, ".timeline", "In progress → Resolved");
        await shows(customer, ".timeline", "Message");
      },
    );

    await step("a refund above the reserve is stopped by the form with its sentence", async () => {
      await customer.getByLabel("Refund amount (ETH)").fill("5");
      await customer.getByLabel("Reason for the refund").fill("The stove was unusable for a week.");
      await customer.getByRole("button", { name: "Request refund" }).click();
      await shows(
        customer,
        ".field-error",
        "The merchant's reserve holds only 1 ETH: ask for at most that.",
      );
    });

    await step("a declined signature is a calm note, and nothing is sent", async () => {
      await customer.getByLabel("Refund amount (ETH)").fill("0.05");
      danWallet.rejectNext();
      await customer.getByRole("button", { name: "Request refund" }).click();
      await shows(customer, ".tx-rejected", "You declined in your wallet: nothing was sent.");
      await shows(customer, ".refunds, .muted", "No refund requested.");
    });

    await step(
      "the customer requests a refund gaslessly; the merchant approves; the customer's balance changes",
      async () => {
        await customer.getByRole("button", { name: "Request refund" }).click();
        await shows(customer, ".refunds", "Refund #1: 0.05 ETH — Requested");
        // The console lists it among the open refunds (merchantRefunds), linked to its ticket.
        await merchant.goto(`${appUrl}#/merchant/1`);
        await shows(
          merchant,
          "section[aria-labelledby=refund-requests]",
          `Refund #1 on ticket #${ticketId}: 0.05 ETH, answer due `,
        );
        await merchant.getByRole("link", { name: `Refund #1 on ticket #${ticketId}` }).click();
        await merchant.getByRole("button", { name: "Approve refund #1" }).click();
        await shows(customer, ".refunds", "Refund #1: 0.05 ETH — Paid");
        assert.equal(formatEther(await provider.getBalance(dan.address)), "0.05");
        await customer.goto(`${appUrl}#/customer`);
        await shows(customer, "[data-testid=balance]", "0.05 ETH");
      },
    );

    await step("the customer rates 5 stars; the merchant's histogram counts it", async () => {
      await merchant.goto(`${appUrl}#/m/1`);
      await shows(
        merchant,
        "figcaption",
        "5 stars: 0, 4 stars: 1, 3 stars: 0, 2 stars: 0, 1 star: 0",
      );
      await customer.goto(`${appUrl}#/ticket/${ticketId}`);
      await customer.getByLabel("5 stars").check();
      await customer.getByLabel("Comment (optional)").fill("Fast and fair.");
      await customer.getByRole("button", { name: "Rate", exact: true }).click();
      await shows(customer, ".timeline", "Rated 5 of 5");
      await shows(
        merchant,
        "figcaption",
        "5 stars: 1, 4 stars: 1, 3 stars: 0, 2 stars: 0, 1 star: 0",
      );
    });

    await step("acting on another customer's ticket shows the contract's sentence", async () => {
      // Carol's first ticket (the seed's second): Dan may not cancel it.
      await customer.goto(`${appUrl}#/ticket/2`);
      await shows(customer, ".hint", "This is not your ticket");
      await customer.getByRole("button", { name: "Cancel ticket" }).click();
      await shows(
        customer,
        ".tx-failed",
        `Only the customer who opened ticket #2 can do that; ${dan.address.slice(0, 6)}…${dan.address.slice(-4)} did not open it.`,
      );
      const reader = await connect(provider, 31337n, stack!.addresses);
      assert.equal(await reader.desk.statusOf(2), 1n);
    });

    await step("the merchant console's report and reserve reflect the day", async () => {
      await merchant.goto(`${appUrl}#/merchant/1`);
      await shows(merchant, "[data-testid=eth-reserve]", "0.95 ETH");
      await shows(merchant, "#queue", "Queue (2)");
      await shows(
        merchant,
        "section[aria-labelledby=refund-requests]",
        "No refund waits for an answer.",
      );
    });

    // The README's pictures: each view, desktop and phone.
    mkdirSync(SHOTS, { recursive: true });
    const views: [string, Page, string, string][] = [
      ["customer", customer, `${appUrl}#/customer`, "#my-tickets"],
      ["ticket", customer, `${appUrl}#/ticket/${ticketId}`, ".timeline"],
      ["merchant", merchant, `${appUrl}#/merchant/1`, "#queue"],
      ["public", merchant, `${appUrl}#/m/1`, "figcaption"],
    ];
    for (const [name, page, url, ready] of views) {
      for (const [size, viewport] of [
        ["desktop", DESKTOP],
        ["phone", PHONE],
      ] as const) {
        await page.setViewportSize(viewport);
        await page.goto(url);
        await page.locator(ready).first().waitFor();
        await page.screenshot({ path: path.join(SHOTS, `${name}-${size}.png`) });
      }
    }
    console.log(`screenshots written to ${path.relative(ROOT, SHOTS)}/`);
  } catch (error) {
    failed += 1;
    console.error(
      `not ok - ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    for (const [index, page] of pages.entries()) {
      await page
        .screenshot({
          path: path.join(RESULTS, `failure-${index === 0 ? "customer" : "merchant"}.png`),
          fullPage: true,
        })
        .catch(() => undefined);
    }
    console.error(
      "the stack's last lines:\n" +
        logs
          .filter((line) => !line.startsWith("[node]"))
          .slice(-40)
          .join("\n"),
    );
  } finally {
    await browser?.close();
    await stack?.stop();
  }
  console.log(`e2e: ${passed} passed, ${failed} failed`);
  process.exitCode = failed === 0 ? 0 : 1;
}

await main();
