import FoundationEssentials
import TokenFormats
import TokenScanModel

/// Biscuit tokens (`Biscuit`): the blocks' Datalog is the claims. Design §5: a check on `time` is
/// the expiry (`exp`, the earliest over all blocks: attenuation only narrows), a lower bound on
/// it `nbf`; the authority block's rights facts, narrowed by the operations later checks allow,
/// are the scope (`permissions`, judged with `Rules/scopes.toml` as JWT scopes are: any write
/// right is broad). A token without a time check states no expiry.
struct BiscuitDecoder: ClaimsDecoder {
    var validation: String { "biscuit" }
    var ruleID: String { "biscuit" }

    /// The authority field and a block's first bytes (`Biscuit.hasShape`), with or without
    /// `biscuit:`: a value of that shape after `Bearer ` or under a name is a Biscuit to accept or refuse.
    func recognises(_ token: [UInt8]) -> Bool {
        token.count >= BiscuitDecoder.minimumLength && Biscuit.hasShape(token)
    }

    /// Characters of the shortest whole token worth a look: a next public key, a 64-byte
    /// signature and a 32-byte proof alone take about 190.
    static let minimumLength = 100

    func decode(_ token: [UInt8]) -> Result<DecodedToken, ClaimsDecodeError> {
        switch Biscuit.decode(token) {
        case .success(let biscuit):
            var header: [String: JSONValue] = [
                "blocks": .string(String(biscuit.blocks.count)),
                "sealed": .string(biscuit.sealed ? "yes (no further attenuation)" : "no (attenuable)"),
            ]
            if let version = biscuit.blocks.compactMap(\.version).max() { header["version"] = .string(String(version)) }
            if let id = biscuit.rootKeyID { header["rootKeyId"] = .string(String(id)) }
            // Third-party blocks (signed by another key, which the token names): who added them.
            let thirdParty = biscuit.blocks.indices.compactMap { index in biscuit.blocks[index].externalKey.map { "block \(index) (\($0))" } }
            if !thirdParty.isEmpty { header["thirdParty"] = .string(thirdParty.joined(separator: ", ")) }
            let unreadable = biscuit.blocks.indices.filter { biscuit.blocks[$0].unreadable != nil }
            if !unreadable.isEmpty {
                header["unreadable"] = .string(unreadable.map { $0 == 0 ? "authority" : "block \($0)" }.joined(separator: ", "))
            }
            var datalog: [String: JSONValue] = [:]
            for index in biscuit.blocks.indices {
                let name = index == 0 ? "authority" : "block \(index)"
                datalog[name] = .array(biscuit.datalog(block: index).map(JSONValue.string))
            }
            var claims: [String: JSONValue] = ["datalog": .object(datalog)]
            if let expiry = biscuit.expiry { claims["exp"] = .string(RelativeTime.iso8601(Date(timeIntervalSince1970: expiry))) }
            if let notBefore = biscuit.notBefore { claims["nbf"] = .string(RelativeTime.iso8601(Date(timeIntervalSince1970: notBefore))) }
            let rights = biscuit.rights
            if !rights.isEmpty { claims["permissions"] = .array(rights.map(JSONValue.string)) }
            let attenuated = biscuit.blocks.count > 1 ? ", \(biscuit.blocks.count - 1) attenuation block\(biscuit.blocks.count == 2 ? "" : "s")" : ""
            return .success(DecodedToken(
                format: "biscuit", name: "Biscuit token (\(biscuit.sealed ? "sealed" : "attenuable")\(attenuated))",
                header: header, claims: claims, encrypted: false,
                missingExpiry: "no check on `time` in any block"))
        case .failure(.notBiscuit):
            return .failure(ClaimsDecodeError(
                dismissal: .malformed, message: "it is not base64 of a protobuf that starts with a Biscuit's authority block", shapeOnly: true))
        case .failure(.truncated):
            return .failure(ClaimsDecodeError(
                dismissal: .truncated, message: "it ends before its proof (the next private key or the final signature): a Biscuit cut short"))
        case .failure(.malformed(let why)):
            return .failure(ClaimsDecodeError(dismissal: .malformed, message: why))
        }
    }
}
