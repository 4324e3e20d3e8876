/// A compact-serialised JWT (JWS, three segments) or JWE (five segments), decoded.
///
/// Decoding is strict on purpose: text that merely looks like a JWT (bad base64url, a header or
/// payload that is not a JSON object) is not a JWT, and reporting it as one would be noise.
public struct JWT: Sendable, Equatable {
    public enum Form: String, Sendable, Codable { case jws, jwe }

    public let form: Form
    public let header: [String: JSONValue]
    /// The payload's claims; empty for a JWE (its payload is encrypted).
    public let claims: [String: JSONValue]
    /// The decoded signature; empty for an unsigned JWS.
    public let signature: [UInt8]
    /// `base64url(header) "." base64url(payload)`, the bytes a JWS signature covers.
    public let signingInput: [UInt8]
    /// For a nested JWT (`cty: JWT`, RFC 7519 §5.2): the inner token's header; `claims` are the
    /// inner token's claims.
    public var nestedHeader: [String: JSONValue]? = nil

    public var algorithm: String? { header["alg"]?.string }
    public var isUnsigned: Bool { form == .jws && (signature.isEmpty || algorithm?.lowercased() == "none") }

    /// True when the signature cannot be whole: its length is not one its algorithm produces (an
    /// HS256 MAC is 32 bytes, an ES256 signature 64, an RSA signature the modulus size). A JWT cut
    /// by a log line limit, a copy-paste or a line wrap is not a usable credential, and its
    /// complete form is what a split-token join finds.
    public var signatureLooksTruncated: Bool {
        guard form == .jws, !signature.isEmpty, let algorithm = algorithm?.uppercased() else { return false }
        let length = signature.count
        switch algorithm {
        case "HS256": return length != 32
        case "HS384": return length != 48
        case "HS512": return length != 64
        case "ES256", "ES256K": return length != 64
        case "ES384": return length != 96
        case "ES512": return length != 132
        case "EDDSA", "ED25519": return length != 64 && length != 114
        case "RS256", "RS384", "RS512", "PS256", "PS384", "PS512": return length < 128 || length % 64 != 0
        default: return false
        }
    }

    public enum DecodeError: Error, Sendable, Equatable {
        case segmentCount(Int)
        case badBase64(segment: Int)
        case notJSONObject(segment: Int)
        case missingAlgorithm
        /// It has the shape of a JWT, but a part is beyond a decoding limit, so its claims were not
        /// read. `header`: the decoded header, when the limit was hit after it. Such a token is
        /// still reported: it leaked whatever it holds.
        case limitExceeded(DecodeLimit, header: [String: JSONValue]?)
    }

    /// A limit that stopped decoding. Why limits: decoding runs on text an attacker may write; a
    /// 50 MB claims set or 100,000 nested brackets must cost bounded time, memory and stack.
    public enum DecodeLimit: Sendable, Equatable {
        /// The header (segment 0) or the claims (segment 1) nest deeper than `limit` levels.
        case depth(segment: Int, limit: Int)
        /// The header or the claims decode to about `bytes` bytes, more than `limit`.
        case size(segment: Int, bytes: Int, limit: Int)
        /// The token is longer than its rule's `maxLength`: only its first `limit` bytes were seen.
        case length(limit: Int)
    }

    /// The largest header or claims set decoded (the built-in rules see at most 16 KiB tokens;
    /// this bounds `tokenscan decode` and user rules with a larger `maxLength`).
    public static let maxSegmentBytes = 1 << 20
    /// The deepest nesting of header or claims decoded (real claims nest a few levels).
    public static let maxDepth = 32

    /// Decodes one level only (the inner token of a nested JWT must not nest again).
    private static func decodeFlat(_ token: [UInt8]) -> Result<JWT, DecodeError> {
        let segments = token.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard segments.count == 3 else { return .failure(.segmentCount(segments.count)) }
        guard case .success(let header) = object(segments[0], index: 0), header["alg"]?.string != nil,
            case .success(let claims) = object(segments[1], index: 1)
        else { return .failure(.notJSONObject(segment: 1)) }
        return .success(JWT(form: .jws, header: header, claims: claims, signature: [], signingInput: []))
    }

    public static func decode(_ token: some Collection<UInt8>) -> Result<JWT, DecodeError> {
        let bytes = Array(token)
        let segments = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        switch segments.count {
        case 3: return decodeJWS(bytes, segments)
        case 5: return decodeJWE(segments)
        default: return .failure(.segmentCount(segments.count))
        }
    }

    private static func object(_ segment: ArraySlice<UInt8>, index: Int) -> Result<[String: JSONValue], DecodeError> {
        let size = segment.count / 4 * 3
        if size > maxSegmentBytes {
            // Too large to decode; still a JWT part if it starts like a base64url JSON object.
            guard startsLikeJSONObject(segment) else { return .failure(.notJSONObject(segment: index)) }
            return .failure(.limitExceeded(.size(segment: index, bytes: size, limit: maxSegmentBytes), header: nil))
        }
        guard !segment.isEmpty, let decoded = Base64.decode(segment) else { return .failure(.badBase64(segment: index)) }
        if JSONValue.exceedsDepth(decoded, maxDepth) {
            guard decoded.first == UInt8(ascii: "{") else { return .failure(.notJSONObject(segment: index)) }
            return .failure(.limitExceeded(.depth(segment: index, limit: maxDepth), header: nil))
        }
        guard let object = JSONValue.parse(decoded)?.object else { return .failure(.notJSONObject(segment: index)) }
        return .success(object)
    }

    /// Whether a base64url segment decodes to text that starts with `{` (looked at its first
    /// 4 KiB only).
    package static func startsLikeJSONObject(_ segment: ArraySlice<UInt8>) -> Bool {
        let prefix = segment.prefix(4096)
        guard let decoded = Base64.decode(prefix.prefix(prefix.count / 4 * 4)) else { return false }
        return decoded.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) == UInt8(ascii: "{")
    }

    /// A token cut short at its rule's `maxLength` (`prefix` holds its first bytes): its header
    /// is decoded when complete, the claims are not. `.limitExceeded(.length)` when it has the
    /// shape of a JWT (a header with `alg`, then claims that start as a JSON object, or a JWE
    /// header with `enc`), else the reason it is not one.
    public static func decodeTruncated(_ prefix: some Collection<UInt8>, limit: Int) -> Result<JWT, DecodeError> {
        let bytes = Array(prefix)
        let segments = bytes.split(separator: UInt8(ascii: "."), maxSplits: 2, omittingEmptySubsequences: false)
        guard segments.count >= 2 else { return .failure(.segmentCount(segments.count)) }
        let header: [String: JSONValue]
        switch object(segments[0], index: 0) {
        case .success(let value): header = value
        case .failure(let error): return .failure(error)
        }
        guard header["alg"]?.string != nil else { return .failure(.missingAlgorithm) }
        // A JWE's second part is its encrypted key; a JWS's is its claims, a JSON object.
        guard header["enc"]?.string != nil || startsLikeJSONObject(segments[1]) else { return .failure(.notJSONObject(segment: 1)) }
        return .failure(.limitExceeded(.length(limit: limit), header: header))
    }

    private static func decodeJWS(_ bytes: [UInt8], _ segments: [ArraySlice<UInt8>]) -> Result<JWT, DecodeError> {
        let header: [String: JSONValue]
        let claims: [String: JSONValue]
        switch object(segments[0], index: 0) {
        case .success(let value): header = value
        case .failure(let error): return .failure(error)
        }
        guard header["alg"]?.string != nil else { return .failure(.missingAlgorithm) }
        var nestedHeader: [String: JSONValue]?
        switch object(segments[1], index: 1) {
        case .success(let value): claims = value
        case .failure(.limitExceeded(let limit, _)):
            return .failure(.limitExceeded(limit, header: header))
        case .failure(let error):
            // A nested JWT's payload is itself a compact JWT (at most one level, as issuers use it).
            guard header["cty"]?.string?.uppercased() == "JWT", let inner = Base64.decode(segments[1]),
                case .success(let nested) = decodeFlat(inner)
            else { return .failure(error) }
            claims = nested.claims
            nestedHeader = nested.header
        }
        guard let signature = Base64.decode(segments[2]) else { return .failure(.badBase64(segment: 2)) }
        let signingInput = Array(bytes[bytes.startIndex..<segments[1].endIndex])
        var jwt = JWT(form: .jws, header: header, claims: claims, signature: signature, signingInput: signingInput)
        jwt.nestedHeader = nestedHeader
        return .success(jwt)
    }

    private static func decodeJWE(_ segments: [ArraySlice<UInt8>]) -> Result<JWT, DecodeError> {
        let header: [String: JSONValue]
        switch object(segments[0], index: 0) {
        case .success(let value): header = value
        case .failure(let error): return .failure(error)
        }
        guard header["alg"]?.string != nil, header["enc"]?.string != nil else { return .failure(.missingAlgorithm) }
        // Encrypted key (empty for "dir"), IV, ciphertext, tag: base64url; the ciphertext never empty.
        for index in 1..<5 where Base64.decode(segments[index]) == nil || (index == 3 && segments[index].isEmpty) {
            return .failure(.badBase64(segment: index))
        }
        return .success(JWT(form: .jwe, header: header, claims: [:], signature: [], signingInput: []))
    }
}
