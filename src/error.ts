/**
 * The error the package throws for misuse it can name (no deployment on a chain, a malformed salt, a
 * runner without a provider...). Reverts of the contracts stay ethers errors: decode them with
 * `decodeRevert`.
 */
export class CareLedgerError extends Error {
  override readonly name = "CareLedgerError";
}
