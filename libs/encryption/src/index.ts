export { SecretBox, SecretOpenError } from './secret-box';
export { keyListProblems, parseKeyList, keyIdPattern, type EncryptionKey } from './key-ring';
