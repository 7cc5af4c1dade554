export {
  createCredentialsInventory,
  describeAuth,
  type CredentialDeclaration,
  type CredentialEntry,
  type CredentialSource,
  type CredentialsInventory,
  type CredentialsInventoryOptions,
} from './credentials/credentials-inventory.ts';
export { credentialsToIcs, type CredentialsIcsOptions } from './credentials/credentials-ics.ts';
export { runCli, type CliIo } from './cli/run-cli.ts';
