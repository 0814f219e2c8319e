import { InvalidSignatureError } from '../errors.js'
import { fromBackend } from '../unavailable.js'

/**
 * Whether a secret-scanning report is GitHub's: which public keys reports are signed with,
 * each imported once, and GitHub's DER-encoded ECDSA P-256 / SHA-256 signature checked over
 * the raw body. Web Crypto only, so it runs wherever core runs.
 */

/** One public key reports are signed with. */
export interface SecretScanningPublicKey {
  /** GitHub's `key_identifier`: what the `Github-Public-Key-Identifier` header names. */
  keyIdentifier: string
  /** The ECDSA P-256 public key as PEM (`-----BEGIN PUBLIC KEY-----`, SPKI), as GitHub lists it. */
  key: string
}

/** Supplies public keys, for instance by fetching GitHub's list (`githubPublicKeys`). */
export interface SecretScanningKeySource {
  /**
   * The keys to check signatures with. `refresh: true` when a report names an identifier not
   * among the keys last returned (GitHub rotated its key): a source may then load them again.
   */
  keys(options?: { refresh?: boolean }): Promise<readonly SecretScanningPublicKey[]>
}

/**
 * Throws `InvalidSignatureError` (401) unless `signature` (the `Github-Public-Key-Signature`
 * header) is a signature of `body` by the key `keyIdentifier` names; `UnavailableError` (503)
 * when the keys cannot be loaded or imported.
 */
export type ReportSignatureCheck = (
  keyIdentifier: string | null | undefined,
  signature: string | null | undefined,
  body: Uint8Array,
) => Promise<void>

/** Web Crypto's key type, named through `crypto.subtle` so that Node's typings (no DOM lib) find it too. */
type CryptoKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>

/**
 * The `publicKeys` option as a key source: a fixed list is checked here (each entry a PEM
 * public key, at least one), anything else must have `keys()`. Throws `TypeError` otherwise.
 */
export function keySourceOption(publicKeys: unknown): SecretScanningKeySource {
  if (Array.isArray(publicKeys)) {
    const keys = publicKeys.map(fixedPublicKey)
    if (keys.length === 0) throw new TypeError('publicKeys must not be empty')
    return { keys: () => Promise.resolve(keys) }
  }
  if (typeof (publicKeys as SecretScanningKeySource | undefined)?.keys !== 'function') {
    throw new TypeError('publicKeys must be an array of public keys or a source with keys()')
  }
  return publicKeys as SecretScanningKeySource
}

function fixedPublicKey(entry: SecretScanningPublicKey | null, i: number): SecretScanningPublicKey {
  if (
    entry === null ||
    typeof entry !== 'object' ||
    typeof entry.keyIdentifier !== 'string' ||
    entry.keyIdentifier === '' ||
    typeof entry.key !== 'string' ||
    pemBody(entry.key) === undefined
  ) {
    throw new TypeError(`publicKeys[${i}] must be { keyIdentifier, key } with key a PEM public key`)
  }
  return { keyIdentifier: entry.keyIdentifier, key: entry.key }
}

/** Builds the signature check over `source`; each public key is imported once, not per report. */
export function createReportSignatureCheck(source: SecretScanningKeySource): ReportSignatureCheck {
  const importKey = createKeyImporter()
  return async function checkReportSignature(keyIdentifier, signature, body) {
    if (typeof keyIdentifier !== 'string' || keyIdentifier.trim() === '') {
      throw new InvalidSignatureError('The Github-Public-Key-Identifier header is missing.')
    }
    if (typeof signature !== 'string' || signature.trim() === '') {
      throw new InvalidSignatureError('The Github-Public-Key-Signature header is missing.')
    }
    const raw = rawSignature(signature.trim())
    if (!raw) {
      throw new InvalidSignatureError(
        'The Github-Public-Key-Signature header is not a base64 DER ECDSA signature.',
      )
    }
    const entry = await findPublicKey(source, keyIdentifier.trim())
    const key = await fromBackend(
      () => importKey(entry),
      'The public key of this report could not be imported.',
    )
    const valid = await crypto.subtle.verify(
      { name: 'ECDSA', hash: 'SHA-256' },
      key,
      raw,
      body as Uint8Array<ArrayBuffer>,
    )
    if (!valid) throw new InvalidSignatureError('The report signature does not verify.')
  }
}

/**
 * The key `identifier` names: among the keys at hand, else among the keys loaded again (GitHub
 * may have rotated); an identifier in neither is `InvalidSignatureError`.
 */
async function findPublicKey(
  source: SecretScanningKeySource,
  identifier: string,
): Promise<SecretScanningPublicKey> {
  const find = (keys: readonly SecretScanningPublicKey[]) =>
    keys.find((entry) => entry.keyIdentifier === identifier)
  const entry = find(await loadKeys(source, false)) ?? find(await loadKeys(source, true))
  if (!entry) throw new InvalidSignatureError('The report is signed with an unknown public key.')
  return entry
}

function loadKeys(
  source: SecretScanningKeySource,
  refresh: boolean,
): Promise<readonly SecretScanningPublicKey[]> {
  return fromBackend(
    () => source.keys(refresh ? { refresh } : undefined),
    'The secret-scanning public keys cannot be loaded.',
  )
}

/**
 * Imports a listed key, once per identifier and PEM: a new PEM under the same identifier is
 * imported again, and a failed import is forgotten so that the next report tries again.
 */
function createKeyImporter(): (entry: SecretScanningPublicKey) => Promise<CryptoKey> {
  const imported = new Map<string, { pem: string; key: Promise<CryptoKey> }>()
  return (entry) => {
    const known = imported.get(entry.keyIdentifier)
    if (known?.pem === entry.key) return known.key
    const key = importPublicKey(entry.key)
    imported.set(entry.keyIdentifier, { pem: entry.key, key })
    key.catch(() => imported.delete(entry.keyIdentifier))
    return key
  }
}

function pemBody(pem: string): Uint8Array<ArrayBuffer> | undefined {
  const match = /-----BEGIN PUBLIC KEY-----([A-Za-z0-9+/=\s]+)-----END PUBLIC KEY-----/.exec(pem)
  if (!match) return undefined
  return base64Bytes(match[1]!.replace(/\s+/g, ''))
}

function importPublicKey(pem: string): Promise<CryptoKey> {
  const der = pemBody(pem)
  if (!der) return Promise.reject(new TypeError('key must be a PEM public key'))
  return crypto.subtle.importKey('spki', der, { name: 'ECDSA', namedCurve: 'P-256' }, false, [
    'verify',
  ])
}

function base64Bytes(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return undefined
  const binary = atob(text)
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}

/**
 * GitHub signs with ASN.1 DER (`SEQUENCE { INTEGER r, INTEGER s }`); Web Crypto verifies the
 * IEEE P1363 form, `r || s` with each 32 bytes. `undefined` for anything else.
 */
function rawSignature(base64: string): Uint8Array<ArrayBuffer> | undefined {
  const der = base64Bytes(base64)
  if (!der || der.length < 8 || der[0] !== 0x30) return undefined
  let offset = 2
  let length = der[1]!
  if (length === 0x81) {
    length = der[2]!
    offset = 3
  } else if (length > 0x7f) return undefined
  if (offset + length !== der.length) return undefined
  const raw = new Uint8Array(64)
  for (const half of [0, 1]) {
    if (der[offset] !== 0x02) return undefined
    const size = der[offset + 1]!
    const start = offset + 2
    if (size === 0 || size > 33 || start + size > der.length) return undefined
    let integer = der.subarray(start, start + size)
    while (integer.length > 0 && integer[0] === 0) integer = integer.subarray(1)
    if (integer.length > 32) return undefined
    raw.set(integer, half * 32 + 32 - integer.length)
    offset = start + size
  }
  return offset === der.length ? raw : undefined
}
