// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Toolchain} from "../contracts/Toolchain.sol";
import {TestBase} from "./utils/TestBase.sol";

contract ToolchainTest is TestBase {
    Toolchain internal toolchain;

    function setUp() public {
        toolchain = new Toolchain();
    }

    function testFuzz_add_accumulates(uint128 a, uint128 b) public {
        a = uint128(_bound(a, 1, type(uint128).max));
        b = uint128(_bound(b, 1, type(uint128).max));
        toolchain.add(a);
        toolchain.add(b);
        vm.assertEq(toolchain.total(), uint256(a) + uint256(b), "total");
    }

    function test_add_revertWhen_zero() public {
        vm.expectRevert(abi.encodeWithSelector(Toolchain.ToolchainZeroAmount.selector));
        toolchain.add(0);
    }
}
