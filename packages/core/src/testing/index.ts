export {
  type RevocationListConformanceOptions,
  type RevocationListFactory,
  type RevocationListInstances,
  revocationListConformance,
} from './revocation-list-conformance.js'
export {
  type TokenStoreFactory,
  tokenStoreConformance,
} from './token-store-conformance.js'
