export { createIdentity, identityStartupWarnings, keySetUrl, type Identity, type IdentityDeps } from './identity.js';
export type { RequestHeaders, Viewer } from './viewer.js';
