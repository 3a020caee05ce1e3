/** The shell: header with navigation and the wallet, the wrong-chain banner, and the hash routes. */
import { useEffect, useState, useSyncExternalStore, type ReactNode } from "react";

import { Address } from "./components.tsx";
import { describeFailure } from "./lib/errors.ts";
import { useSession } from "./lib/session.tsx";
import { discoveredWallets, walletStore } from "./lib/wallet.ts";
import { CustomerView } from "./views/Customer.tsx";
import { MerchantConsole } from "./views/Merchant.tsx";
import { PublicMerchant } from "./views/Public.tsx";
import { TicketPage } from "./views/Ticket.tsx";

/** The route: `#/customer`, `#/ticket/3`, `#/merchant/1`, `#/merchant/1/ticket/3`, `#/m/1`. */
export function useRoute(): string[] {
  const [hash, setHash] = useState(() => window.location.hash);
  useEffect(() => {
    const onChange = (): void => setHash(window.location.hash);
    window.addEventListener("hashchange", onChange);
    return () => window.removeEventListener("hashchange", onChange);
  }, []);
  return hash
    .replace(/^#\/?/, "")
    .split("/")
    .filter((part) => part !== "");
}

export function App(): ReactNode {
  const route = useRoute();
  const section = route[0] ?? "customer";
  // Move focus to the main heading when the view changes (keyboard and screen-reader users).
  useEffect(() => {
    document.querySelector<HTMLElement>("main h1")?.focus();
  }, [route.join("/")]);
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <a className="brand" href="#/customer">
          CareLedger
        </a>
        <nav aria-label="Views">
          <a
            href="#/customer"
            aria-current={section === "customer" || section === "ticket" ? "page" : undefined}
          >
            My tickets
          </a>
          <a href="#/merchant/1" aria-current={section === "merchant" ? "page" : undefined}>
            Merchant console
          </a>
          <a href="#/m/1" aria-current={section === "m" ? "page" : undefined}>
            Merchant page
          </a>
        </nav>
        <WalletButton />
      </header>
      <ChainBanner />
      <main id="main" className="page">
        <View route={route} />
      </main>
    </>
  );
}

function View({ route }: { route: string[] }): ReactNode {
  const [section = "customer", a, b, c] = route;
  if (section === "ticket" && a !== undefined)
    return <TicketPage ticketId={BigInt(a)} role="customer" />;
  if (section === "merchant") {
    const merchantId = Number(a ?? "1");
    if (b === "ticket" && c !== undefined) {
      return <TicketPage ticketId={BigInt(c)} role="merchant" merchantId={merchantId} />;
    }
    return <MerchantConsole merchantId={merchantId} />;
  }
  if (section === "m") return <PublicMerchant merchantId={Number(a ?? "1")} />;
  return <CustomerView />;
}

function WalletButton(): ReactNode {
  const session = useSession();
  const wallets = useSyncExternalStore(walletStore.subscribe, discoveredWallets, discoveredWallets);
  const [open, setOpen] = useState(false);
  const [message, setMessage] = useState<string | undefined>(undefined);
  if (session.account !== undefined) {
    return (
      <div className="wallet">
        <span>
          {session.wallet?.info.name}: <Address address={session.account} />
        </span>
        <button type="button" className="secondary" onClick={session.disconnect}>
          Disconnect
        </button>
      </div>
    );
  }
  return (
    <div className="wallet">
      <button type="button" aria-expanded={open} onClick={() => setOpen(!open)}>
        Connect wallet
      </button>
      {open ? (
        <div className="wallet-list" role="group" aria-label="Wallets found in this browser">
          {wallets.length === 0 ? (
            <p>No wallet found in this browser. Install one (any EIP-1193 wallet) and reload.</p>
          ) : (
            wallets.map((wallet) => (
              <button
                type="button"
                key={wallet.info.uuid}
                onClick={() => {
                  setMessage(undefined);
                  session.connect(wallet).then(
                    () => setOpen(false),
                    (error: unknown) => setMessage(describeFailure(error).message),
                  );
                }}
              >
                <img src={wallet.info.icon} alt="" width={20} height={20} /> {wallet.info.name}
              </button>
            ))
          )}
          {message === undefined ? null : <p role="status">{message}</p>}
        </div>
      ) : null}
    </div>
  );
}

function ChainBanner(): ReactNode {
  const session = useSession();
  const [message, setMessage] = useState<string | undefined>(undefined);
  const gasless = session.config.relayerUrl !== undefined;
  if (!session.wrongChain) {
    return gasless ? (
      <p className="banner info">
        Gasless: your actions as a customer are relayed, you pay no gas.
      </p>
    ) : null;
  }
  return (
    <div className="banner warning" role="alert">
      <p>
        Your wallet is on chain {session.walletChainId}; CareLedger here runs on{" "}
        {session.config.chainName} (chain {session.config.chainId}).
      </p>
      <button
        type="button"
        onClick={() =>
          session.switchChain().then(
            () => setMessage(undefined),
            (error: unknown) => setMessage(describeFailure(error).message),
          )
        }
      >
        Switch to {session.config.chainName}
      </button>
      {message === undefined ? null : <p role="status">{message}</p>}
    </div>
  );
}
