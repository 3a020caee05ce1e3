// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {RefundEscrow} from "@openzeppelin/contracts-v4/utils/escrow/RefundEscrow.sol";

/// @title Oz4RefundEscrow (gas benchmark reference only, never deployed or published)
/// @notice OpenZeppelin 4.9's `RefundEscrow`, unchanged, under a name of its own: compiled as a root it would
/// share our escrow's name, and TypeChain's index would then export whichever of the two it wrote last.
contract Oz4RefundEscrow is RefundEscrow {
    /// @param beneficiary_ Who receives the deposits once the escrow is closed.
    constructor(address payable beneficiary_) RefundEscrow(beneficiary_) {}
}
