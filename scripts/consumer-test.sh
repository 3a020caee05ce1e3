#!/usr/bin/env bash
# `npm run test:consumer`: the published package, as a stranger's project gets it.
#
# 1. `npm pack` (its `prepack` runs `npm run build`) and check what the tarball holds: dist/,
#    package.json and README.md only; no test contracts, no sources, no Hardhat.
# 2. Install the tarball into a fresh temporary project with `typescript` and `ethers` from the npm
#    registry (and `viem` and `@types/node`, which the README's snippets use), and type-check
#    scripts/consumer/main.ts there with `tsc --strict` (no Node types: only what the package brings).
# 3. The README's examples: extract every `<!-- snippet: … -->` block (scripts/readme/) and type-check
#    each on its own with `tsc --strict` (browser snippets with the DOM's types, back-end ones with
#    Node's).
# 4. Start `npm run node` (127.0.0.1:8545) in the background, deploy with
#    `npm run deploy -- --network localhost`, check deploy/deployments/chain-31337/deployed_addresses.json,
#    run the compiled consumer against the node, and stop the node.
# 5. Follow the README top to bottom (scripts/readme/examples.ts): every `<!-- commands: … -->`
#    block in order (`npm run node` restarts a fresh node), every snippet where it appears.
# The nodes are always stopped and the temporary project removed (trap EXIT), whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

RPC_URL=http://127.0.0.1:8545
work=$(mktemp -d "${TMPDIR:-/tmp}/careledger-consumer.XXXXXX")
node_pgid=""

stop_node() {
  [ -n "$node_pgid" ] || return 0
  kill -TERM -- "-$node_pgid" 2>/dev/null || true
  for _ in $(seq 1 50); do
    kill -0 -- "-$node_pgid" 2>/dev/null || break
    sleep 0.2
  done
  kill -KILL -- "-$node_pgid" 2>/dev/null || true
  wait "$node_pgid" 2>/dev/null || true
  node_pgid=""
}

cleanup() {
  local status=$?
  stop_node
  if [ "$status" -ne 0 ] && [ -f "$work/node.log" ]; then
    echo "consumer-test: failed; the node's last lines:" >&2
    tail -n 30 "$work/node.log" >&2 || true
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Whether a JSON-RPC node answers at $RPC_URL (Node's fetch: curl may not be installed).
rpc_ready() {
  node -e '
    fetch(process.argv[1], {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
    }).then((r) => r.json()).then((j) => process.exit(j.result ? 0 : 1), () => process.exit(1));
  ' "$RPC_URL"
}

echo "consumer-test: packing (builds the package first)"
npm pack --pack-destination "$work" >"$work/pack.log" 2>&1 || { cat "$work/pack.log" >&2; exit 1; }
tarball=$(ls "$work"/careledger-*.tgz)

echo "consumer-test: checking the tarball's contents"
tar -tzf "$tarball" | sort >"$work/contents.txt"
unexpected=$(grep -vE '^package/(dist/.+|package\.json|README\.md|LICENSE)$' "$work/contents.txt" || true)
if [ -n "$unexpected" ]; then
  echo "consumer-test: the tarball holds files outside dist/:" >&2
  echo "$unexpected" >&2
  exit 1
fi
grep -qx 'package/dist/index.js' "$work/contents.txt"
grep -qx 'package/dist/index.d.ts' "$work/contents.txt"
grep -qx 'package/dist/abis.js' "$work/contents.txt"
for mock in contracts/test/*.sol; do
  [ -e "$mock" ] || continue
  name=$(basename "$mock" .sol)
  if grep -q "/${name}\(__factory\)\?\.\(js\|d\.ts\)$" "$work/contents.txt"; then
    echo "consumer-test: the test contract $name is in the tarball" >&2
    exit 1
  fi
done
echo "consumer-test: $(wc -l <"$work/contents.txt") files: dist/, package.json and README.md"

echo "consumer-test: installing the tarball, typescript, ethers, viem and @types/node into a fresh project"
# viem is pinned so that a new release cannot turn CI red overnight; bump it deliberately.
VIEM_VERSION=2.57.20
versions=$(node -e '
  const { devDependencies: d } = JSON.parse(require("fs").readFileSync("package.json", "utf8"));
  console.log(`typescript@${d.typescript} ethers@${d.ethers} @types/node@${d["@types/node"]}`);
')
mkdir -p "$work/app"
cp scripts/consumer/main.ts scripts/consumer/tsconfig.json "$work/app/"
cat >"$work/app/package.json" <<'JSON'
{ "name": "careledger-consumer", "version": "1.0.0", "private": true, "type": "module" }
JSON
# shellcheck disable=SC2086 # the versions are several words on purpose
(cd "$work/app" && npm install --no-audit --no-fund --no-update-notifier --loglevel=error "$tarball" $versions "viem@$VIEM_VERSION")

echo "consumer-test: type-checking the consumer with tsc --strict"
(cd "$work/app" && ./node_modules/.bin/tsc -p tsconfig.json --strict)

echo "consumer-test: extracting the README's snippets and type-checking each with tsc --strict"
snippets=$(node scripts/readme/examples.ts extract "$work/app")
for name in $snippets; do
  echo "consumer-test:   $name"
  (cd "$work/app/snippets/$name" && ../../node_modules/.bin/tsc -p tsconfig.json --strict) || {
    echo "consumer-test: the README's snippet \"$name\" does not compile (README.md: <!-- snippet: $name -->)" >&2
    exit 1
  }
done

if rpc_ready; then
  echo "consumer-test: something already answers at $RPC_URL; stop it first" >&2
  exit 1
fi
echo "consumer-test: starting npm run node"
if command -v setsid >/dev/null; then
  setsid npm run node >"$work/node.log" 2>&1 </dev/null &
else
  set -m
  npm run node >"$work/node.log" 2>&1 </dev/null &
  set +m
fi
# The node runs in its own process group (its pid is the group's id), so stopping the group stops npm,
# its shell and Hardhat together.
node_pgid=$!
for _ in $(seq 1 120); do
  rpc_ready && break
  kill -0 "$node_pgid" 2>/dev/null || { echo "consumer-test: the node exited" >&2; exit 1; }
  sleep 0.5
done
rpc_ready || { echo "consumer-test: the node did not answer within 60 s" >&2; exit 1; }

echo "consumer-test: npm run deploy -- --network localhost"
npm run deploy -- --network localhost </dev/null
deployed=deploy/deployments/chain-31337/deployed_addresses.json
node -e '
  const json = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const keys = ["Forwarder", "SupportDesk", "RefundEscrow", "FeedbackAttestations"].map((f) => `CareLedger#${f}`);
  const missing = keys.filter((k) => !/^0x[0-9a-fA-F]{40}$/.test(json[k] ?? ""));
  if (missing.length > 0) { console.error(`missing in ${process.argv[1]}: ${missing.join(", ")}`); process.exit(1); }
  console.log(`consumer-test: ${process.argv[1]} has ${keys.join(", ")}`);
' "$deployed"

echo "consumer-test: running the consumer against the node"
(cd "$work/app" &&
  CARELEDGER_RPC_URL=$RPC_URL CARELEDGER_DEPLOYED_ADDRESSES=$(cat "$root/$deployed") node dist/main.js)

stop_node

echo "consumer-test: following the README top to bottom (its commands in order, its snippets where they appear)"
node scripts/readme/examples.ts walkthrough "$work/app"

echo "consumer-test: passed"
