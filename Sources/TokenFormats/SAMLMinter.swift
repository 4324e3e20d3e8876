import FoundationEssentials

/// SAML 2.0 messages as identity providers write them (SAML 2.0 Core; the element order of its
/// schema), the same for the same seed, for rule examples, tests and the labelled corpus.
///
/// The signature is not a signature: `DigestValue`, `SignatureValue`, the `X509Certificate` (DER's
/// first bytes, then random ones) and an encrypted assertion's cipher values are deterministic
/// random bytes; no key exists for them, and a scanner cannot check them without the identity
/// provider's certificate anyway. What is real is the layout and the claims.
extension TokenMinter {
    /// How an identity provider prefixes the SAML namespaces: `saml2:`/`saml2p:` (Okta,
    /// Shibboleth, Spring Security), `saml:`/`samlp:` (OneLogin, SimpleSAMLphp, Keycloak), or
    /// default namespaces without prefixes (Microsoft Entra ID, AD FS).
    public enum SAMLStyle: String, Sendable, CaseIterable {
        case saml2, saml, unprefixed
        var assertion: String { self == .unprefixed ? "" : "\(rawValue):" }
        var proto: String { self == .unprefixed ? "" : "\(rawValue)p:" }
    }

    /// How a message is carried: HTTP-POST's base64, RFC 7522's base64url, or base64 percent-encoded
    /// in a form body.
    public enum SAMLEncoding: Sendable { case base64, base64url, formEncoded }

    /// One `<Assertion>`: issued at `issued` (Unix seconds), valid from `notBefore` (conditions) to
    /// `notOnOrAfter` (conditions) and `confirmedUntil` (the bearer confirmation's own limit); nil
    /// leaves the attribute out. `attributes` go into one `<AttributeStatement>`. `signed: false`
    /// leaves out the assertion's own signature (some identity providers sign only the response).
    public static func samlAssertion(
        issuer: String = "https://idp.example.com/saml2/idp", audience: String = "https://sp.example.com/saml/metadata",
        subject: String = "alice@example.com", issued: Double, notBefore: Double? = nil, notOnOrAfter: Double? = nil,
        confirmedUntil: Double? = nil, attributes: [(name: String, values: [String])] = [], style: SAMLStyle = .saml2,
        signed: Bool = true, seed: String
    ) -> String {
        let a = style.assertion
        let namespace = style == .unprefixed ? "xmlns=\"\(SAML.assertionNamespace)\"" : "xmlns:\(style.rawValue)=\"\(SAML.assertionNamespace)\""
        let id = samlID(seed: "\(seed)/assertion")
        var xml = "<\(a)Assertion \(namespace) ID=\"\(id)\" IssueInstant=\"\(samlTime(issued))\" Version=\"2.0\">"
        xml += "<\(a)Issuer>\(xmlEscaped(issuer))</\(a)Issuer>"
        if signed { xml += samlSignature(reference: id, seed: seed) }
        xml += "<\(a)Subject><\(a)NameID Format=\"urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress\">\(xmlEscaped(subject))</\(a)NameID>"
        xml += "<\(a)SubjectConfirmation Method=\"urn:oasis:names:tc:SAML:2.0:cm:bearer\"><\(a)SubjectConfirmationData"
        if let confirmedUntil { xml += " NotOnOrAfter=\"\(samlTime(confirmedUntil))\"" }
        xml += " Recipient=\"\(xmlEscaped(audience))/acs\"/></\(a)SubjectConfirmation></\(a)Subject>"
        xml += "<\(a)Conditions"
        if let notBefore { xml += " NotBefore=\"\(samlTime(notBefore))\"" }
        if let notOnOrAfter { xml += " NotOnOrAfter=\"\(samlTime(notOnOrAfter))\"" }
        xml += "><\(a)AudienceRestriction><\(a)Audience>\(xmlEscaped(audience))</\(a)Audience></\(a)AudienceRestriction></\(a)Conditions>"
        xml += "<\(a)AuthnStatement AuthnInstant=\"\(samlTime(issued))\" SessionIndex=\"\(samlID(seed: "\(seed)/session"))\">"
        xml += "<\(a)AuthnContext><\(a)AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</\(a)AuthnContextClassRef></\(a)AuthnContext></\(a)AuthnStatement>"
        if !attributes.isEmpty {
            xml += "<\(a)AttributeStatement>"
            for attribute in attributes {
                xml += "<\(a)Attribute Name=\"\(xmlEscaped(attribute.name))\" NameFormat=\"urn:oasis:names:tc:SAML:2.0:attrname-format:uri\">"
                for value in attribute.values {
                    xml += "<\(a)AttributeValue xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"xs:string\">\(xmlEscaped(value))</\(a)AttributeValue>"
                }
                xml += "</\(a)Attribute>"
            }
            xml += "</\(a)AttributeStatement>"
        }
        return xml + "</\(a)Assertion>"
    }

    /// An `<EncryptedAssertion>` (XML Encryption: an RSA-OAEP-wrapped AES-256-GCM key and the
    /// ciphertext of an assertion about `plaintextLength` bytes long).
    public static func samlEncryptedAssertion(plaintextLength: Int = 2400, style: SAMLStyle = .saml2, seed: String) -> String {
        let a = style.assertion
        let namespace = style == .unprefixed ? "xmlns=\"\(SAML.assertionNamespace)\"" : "xmlns:\(style.rawValue)=\"\(SAML.assertionNamespace)\""
        let key = standardBase64(bytes(count: 256, seed: "saml/\(seed)/key"))
        let data = standardBase64(bytes(count: 12 + plaintextLength + 16, seed: "saml/\(seed)/data"))
        return "<\(a)EncryptedAssertion \(namespace)><xenc:EncryptedData xmlns:xenc=\"http://www.w3.org/2001/04/xmlenc#\" Type=\"http://www.w3.org/2001/04/xmlenc#Element\">"
            + "<xenc:EncryptionMethod Algorithm=\"http://www.w3.org/2009/xmlenc11#aes256-gcm\"/>"
            + "<ds:KeyInfo xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><xenc:EncryptedKey><xenc:EncryptionMethod Algorithm=\"http://www.w3.org/2009/xmlenc11#rsa-oaep\"/>"
            + "<xenc:CipherData><xenc:CipherValue>\(key)</xenc:CipherValue></xenc:CipherData></xenc:EncryptedKey></ds:KeyInfo>"
            + "<xenc:CipherData><xenc:CipherValue>\(data)</xenc:CipherValue></xenc:CipherData></xenc:EncryptedData></\(a)EncryptedAssertion>"
    }

    /// A `<Response>` carrying `assertion` (XML from `samlAssertion` or `samlEncryptedAssertion`,
    /// written with the same `style`), or none; `status` is the top-level status code's last part
    /// (`Success`, `Requester`, `Responder`) and `subStatus` a second-level one (`AuthnFailed`).
    public static func samlResponse(
        assertion: String?, issuer: String = "https://idp.example.com/saml2/idp", destination: String = "https://sp.example.com/saml/acs",
        issued: Double, status: String = "Success", subStatus: String? = nil, xmlDeclaration: Bool = true,
        style: SAMLStyle = .saml2, seed: String
    ) -> String {
        let p = style.proto, a = style.assertion
        let namespaces = style == .unprefixed
            ? "xmlns=\"\(SAML.protocolNamespace)\""
            : "xmlns:\(style.rawValue)p=\"\(SAML.protocolNamespace)\""
        var xml = xmlDeclaration ? "<?xml version=\"1.0\" encoding=\"UTF-8\"?>" : ""
        xml += "<\(p)Response \(namespaces) Destination=\"\(xmlEscaped(destination))\" ID=\"\(samlID(seed: "\(seed)/response"))\""
        xml += " InResponseTo=\"\(samlID(seed: "\(seed)/request"))\" IssueInstant=\"\(samlTime(issued))\" Version=\"2.0\">"
        let issuerNamespace = style == .unprefixed ? " xmlns=\"\(SAML.assertionNamespace)\"" : " xmlns:\(style.rawValue)=\"\(SAML.assertionNamespace)\""
        xml += "<\(a)Issuer\(issuerNamespace)>\(xmlEscaped(issuer))</\(a)Issuer>"
        xml += "<\(p)Status><\(p)StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:\(status)\""
        if let subStatus {
            xml += "><\(p)StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:\(subStatus)\"/></\(p)StatusCode>"
        } else {
            xml += "/>"
        }
        if status != "Success" { xml += "<\(p)StatusMessage>Authentication failed</\(p)StatusMessage>" }
        xml += "</\(p)Status>"
        return xml + (assertion ?? "") + "</\(p)Response>"
    }

    /// A SAML message of another kind, for look-alikes: an `AuthnRequest`, a `LogoutRequest`, a
    /// `LogoutResponse` (all sent through the same bindings) or an `EntityDescriptor` (metadata,
    /// with a certificate).
    public static func samlOtherMessage(_ root: String, style: SAMLStyle = .saml2, issued: Double, seed: String) -> String {
        let p = style.proto, a = style.assertion
        let namespaces = style == .unprefixed
            ? "xmlns=\"\(SAML.protocolNamespace)\""
            : "xmlns:\(style.rawValue)p=\"\(SAML.protocolNamespace)\" xmlns:\(style.rawValue)=\"\(SAML.assertionNamespace)\""
        let issuer = style == .unprefixed
            ? "<Issuer xmlns=\"\(SAML.assertionNamespace)\">https://sp.example.com/saml/metadata</Issuer>"
            : "<\(a)Issuer>https://sp.example.com/saml/metadata</\(a)Issuer>"
        let common = "ID=\"\(samlID(seed: "\(seed)/id"))\" Version=\"2.0\" IssueInstant=\"\(samlTime(issued))\""
        switch root {
        case "EntityDescriptor":
            let certificate = standardBase64([0x30, 0x82, 0x03, 0x1F] + bytes(count: 795, seed: "saml/\(seed)/cert"))
            return "<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" entityID=\"https://idp.example.com/saml2/idp\">"
                + "<md:IDPSSODescriptor protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\"><md:KeyDescriptor use=\"signing\">"
                + "<ds:KeyInfo xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:X509Data><ds:X509Certificate>\(certificate)</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"
                + "<md:SingleSignOnService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\" Location=\"https://idp.example.com/saml2/sso\"/></md:IDPSSODescriptor></md:EntityDescriptor>"
        case "LogoutResponse":
            return "<\(p)LogoutResponse \(namespaces) \(common) InResponseTo=\"\(samlID(seed: "\(seed)/request"))\">\(issuer)"
                + "<\(p)Status><\(p)StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:Success\"/></\(p)Status></\(p)LogoutResponse>"
        case "LogoutRequest":
            return "<\(p)LogoutRequest \(namespaces) \(common)>\(issuer)<\(style == .unprefixed ? "" : a)NameID\(style == .unprefixed ? " xmlns=\"\(SAML.assertionNamespace)\"" : "")>alice@example.com</\(style == .unprefixed ? "" : a)NameID></\(p)LogoutRequest>"
        default:
            return "<\(p)AuthnRequest \(namespaces) \(common) AssertionConsumerServiceURL=\"https://sp.example.com/saml/acs\""
                + " ProtocolBinding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\">\(issuer)"
                + "<\(p)NameIDPolicy Format=\"urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified\" AllowCreate=\"true\"/></\(p)AuthnRequest>"
        }
    }

    /// `xml` as the binding carries it.
    public static func samlEncode(_ xml: String, _ encoding: SAMLEncoding) -> String {
        switch encoding {
        case .base64url: return Base64.urlEncode(Array(xml.utf8))
        case .base64: return standardBase64(Array(xml.utf8))
        case .formEncoded:
            var out = ""
            for character in standardBase64(Array(xml.utf8)) {
                switch character {
                case "+": out += "%2B"
                case "/": out += "%2F"
                case "=": out += "%3D"
                default: out.append(character)
                }
            }
            return out
        }
    }

    /// Base64 with `+`, `/` and padding (what the HTTP-POST binding sends).
    public static func standardBase64(_ bytes: [UInt8]) -> String {
        var text = String(Base64.urlEncode(bytes).map { $0 == "-" ? "+" : $0 == "_" ? "/" : $0 })
        text += String(repeating: "=", count: (4 - text.utf8.count % 4) % 4)
        return text
    }

    /// A `<ds:Signature>` over the element with ID `reference` (RSA-SHA256, exclusive C14N), its
    /// digest, value and certificate deterministic random bytes.
    static func samlSignature(reference: String, seed: String) -> String {
        let digest = standardBase64(bytes(count: 32, seed: "saml/\(seed)/digest"))
        let value = standardBase64(bytes(count: 256, seed: "saml/\(seed)/signature"))
        let certificate = standardBase64([0x30, 0x82, 0x02, 0xA1] + bytes(count: 673, seed: "saml/\(seed)/cert"))
        return "<ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:SignedInfo>"
            + "<ds:CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/>"
            + "<ds:SignatureMethod Algorithm=\"http://www.w3.org/2001/04/xmldsig-more#rsa-sha256\"/>"
            + "<ds:Reference URI=\"#\(reference)\"><ds:Transforms><ds:Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/>"
            + "<ds:Transform Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/></ds:Transforms>"
            + "<ds:DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/><ds:DigestValue>\(digest)</ds:DigestValue></ds:Reference></ds:SignedInfo>"
            + "<ds:SignatureValue>\(value)</ds:SignatureValue>"
            + "<ds:KeyInfo><ds:X509Data><ds:X509Certificate>\(certificate)</ds:X509Certificate></ds:X509Data></ds:KeyInfo></ds:Signature>"
    }

    /// An XML ID (an NCName: `_` and hex, as most identity providers make them).
    static func samlID(seed: String) -> String {
        "_" + bytes(count: 16, seed: "saml/\(seed)").map { String($0 >> 4, radix: 16) + String($0 & 15, radix: 16) }.joined()
    }

    /// `xs:dateTime` in UTC, as identity providers write it.
    public static func samlTime(_ seconds: Double) -> String {
        Date(timeIntervalSince1970: seconds).formatted(.iso8601)
    }

    static func xmlEscaped(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(character)
            }
        }
        return out
    }
}
