import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { network } from "hardhat";

import CareLedgerModule from "../../deploy/CareLedger.js";
import {
  ERC2771Forwarder__factory,
  FeedbackAttestations__factory,
  RefundEscrow__factory,
  SupportDesk__factory,
  type ERC2771Forwarder,
  type FeedbackAttestations,
  type RefundEscrow,
  type SupportDesk,
} from "../../typechain-types/index.js";

/** One test file's network connection (`network.create()`), with ethers, helpers and Ignition. */
export type Connection = Awaited<ReturnType<typeof network.create>>;

/** The named people of the test suites. */
export interface Actors {
  deployer: HardhatEthersSigner;
  /** The default arbiter that the deployment gives new merchants. */
  arbiter: HardhatEthersSigner;
  /** Merchant 1's admin. */
  admin: HardhatEthersSigner;
  /** Merchant 1's agents. */
  agent: HardhatEthersSigner;
  agent2: HardhatEthersSigner;
  customer: HardhatEthersSigner;
  customer2: HardhatEthersSigner;
  stranger: HardhatEthersSigner;
  /** Pays gas for others' signed requests through the forwarder. */
  relayer: HardhatEthersSigner;
  /** Merchant 2's admin, to check that merchants are isolated. */
  otherAdmin: HardhatEthersSigner;
}

export interface CareLedger {
  forwarder: ERC2771Forwarder;
  desk: SupportDesk;
  escrow: RefundEscrow;
  feedback: FeedbackAttestations;
}

export type CareLedgerFixture = CareLedger & Actors;

/** Names the first ten accounts of the connection. */
export async function actorsOf(connection: Connection): Promise<Actors> {
  const signers = await connection.ethers.getSigners();
  const at = (index: number): HardhatEthersSigner => {
    const signer = signers[index];
    if (signer === undefined) throw new Error(`the test network needs account #${index}`);
    return signer;
  };
  return {
    deployer: at(0),
    arbiter: at(1),
    admin: at(2),
    agent: at(3),
    agent2: at(4),
    customer: at(5),
    customer2: at(6),
    stranger: at(7),
    relayer: at(8),
    otherAdmin: at(9),
  };
}

/**
 * Deploys CareLedger through the real Ignition module (the same one `npm run deploy` uses), with the
 * `arbiter` actor as the default arbiter, and returns typed contracts and the actors. Wrap the returned
 * function in `loadFixture`, once per file:
 *
 * ```ts
 * const connection = await network.create();
 * const deployCareLedgerFixture = careLedgerFixture(connection);
 * const { desk, customer } = await connection.networkHelpers.loadFixture(deployCareLedgerFixture);
 * ```
 */
export function careLedgerFixture(connection: Connection): () => Promise<CareLedgerFixture> {
  return async function deployCareLedgerFixture(): Promise<CareLedgerFixture> {
    const actors = await actorsOf(connection);
    const deployed = await connection.ignition.deploy(CareLedgerModule, {
      parameters: { CareLedger: { defaultArbiter: actors.arbiter.address } },
      defaultSender: actors.deployer.address,
    });
    const runner = actors.deployer;
    return {
      ...actors,
      forwarder: ERC2771Forwarder__factory.connect(await deployed.forwarder.getAddress(), runner),
      desk: SupportDesk__factory.connect(await deployed.desk.getAddress(), runner),
      escrow: RefundEscrow__factory.connect(await deployed.escrow.getAddress(), runner),
      feedback: FeedbackAttestations__factory.connect(await deployed.feedback.getAddress(), runner),
    };
  };
}
