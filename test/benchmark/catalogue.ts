import { expect } from "chai";

import { logShapeOf, shapeOf } from "../../scripts/benchmark/analysis.js";
import { OPERATIONS, PART, needs } from "../../scripts/benchmark/catalogue.js";
import { lowerBound } from "../../scripts/benchmark/evm-gas.js";

describe("benchmark: the catalogue's lower-bound needs (scripts/benchmark/catalogue.ts)", function () {
  it("reads each event's topics and data bytes from the contracts' ABIs", function () {
    // TicketStatusChanged(uint256 indexed, Status, Status, address indexed, bytes32): signature + 2
    // indexed topics, three words of data.
    expect(logShapeOf("SupportDesk.TicketStatusChanged")).to.deep.equal({
      name: "SupportDesk.TicketStatusChanged",
      topics: 3,
      dataBytes: 96,
    });
    // PolicySet(uint32 indexed, Policy, address indexed): the 7-field struct is 7 words of data.
    expect(logShapeOf("SupportDesk.PolicySet")).to.deep.equal({
      name: "SupportDesk.PolicySet",
      topics: 3,
      dataBytes: 224,
    });
    // ExecutedForwardRequest(address indexed signer, uint256 nonce, bool success).
    expect(logShapeOf("ERC2771Forwarder.ExecutedForwardRequest")).to.deep.equal({
      name: "ERC2771Forwarder.ExecutedForwardRequest",
      topics: 2,
      dataBytes: 64,
    });
  });

  it("refuses an event the ABI does not have", function () {
    expect(() => logShapeOf("SupportDesk.TicketTeleported")).to.throw(
      "the benchmark's catalogue names SupportDesk.TicketTeleported, which the ABI does not have",
    );
  });

  it("names only events that exist, for every operation, relayed too", function () {
    for (const operation of OPERATIONS) {
      expect(() => shapeOf(needs(PART.relay, operation.needs)), operation.id).not.to.throw();
    }
  });

  it("prices a typical status change: base, calldata, role read, ticket write, event, memory", function () {
    const awaitCustomer = OPERATIONS.find((operation) => operation.id === "desk.awaitCustomer");
    expect(awaitCustomer).not.to.equal(undefined);
    // awaitCustomer(uint256 ticketId = 1, bytes32 noteHash = 0xff..ff): 68 bytes, 31 of them zero.
    const calldata = new Uint8Array(68).fill(0xff);
    calldata.fill(0, 4, 35);
    const bound = lowerBound(shapeOf(awaitCustomer?.needs ?? needs()), calldata);
    // 21,000 + 4 * (31 + 4 * 37) + 2,100 + 5,000 + (375 + 3 * 375 + 96 * 8) + 9 (3 words of memory).
    expect(bound.gas).to.equal(21_000 + 716 + 2_100 + 5_000 + 2_268 + 9);
  });
});
