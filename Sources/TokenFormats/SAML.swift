/// A SAML 2.0 bearer assertion as tokenscan finds it: a `<Response>` of the HTTP-POST binding
/// (base64, percent-encoded in form bodies), an assertion alone (raw XML in logs and fixtures, or
/// base64url in an RFC 7522 `saml2-bearer` grant), taken apart as far as its judgement needs.
///
/// Read from SAML 2.0 Core (OASIS saml-core-2.0-os): §2.3.3 `<Assertion>` (`IssueInstant`,
/// `<Issuer>`), §2.4 `<Subject>` (`<NameID>`, `<SubjectConfirmation Method>` and its
/// `<SubjectConfirmationData NotBefore NotOnOrAfter>`), §2.5 `<Conditions NotBefore NotOnOrAfter>`
/// and `<AudienceRestriction><Audience>`, §2.7.3 `<AttributeStatement>` (`<Attribute Name>` and
/// `<AttributeValue>`), §2.3.4 `<EncryptedAssertion>`, §3.2.2 `<Response>` and `<Status>`; SAML 2.0
/// Bindings §3.5 (HTTP-POST: the message base64-encoded in the `SAMLResponse` form field) and
/// RFC 7522 §2.1 (the assertion base64url-encoded in the `assertion` parameter).
///
/// Why: whoever holds an unexpired bearer assertion can present it (replay protection is the
/// service provider's, and many keep none); its times, audience and role attributes are its
/// claims. Messages that carry no assertion (AuthnRequests, logout messages, a failed response,
/// metadata) grant nothing.
public struct SAMLMessage: Sendable, Equatable {
    /// How the message was written where it was found.
    public enum Encoding: String, Sendable {
        case xml, base64, base64url
    }

    /// The document element: `Response` or `Assertion` (or `EncryptedAssertion`).
    public var root: String
    public var encoding: Encoding
    /// Whether the text was percent-encoded (a form body, `SAMLResponse=PHNhbWxw…%3D`).
    public var percentEncoded: Bool
    /// The last part of a response's top-level status code (`Success`, `Requester` …).
    public var status: String?
    /// The first assertion readable in the message.
    public var assertion: SAMLAssertion?
    /// Encrypted assertions (`<EncryptedAssertion>`): their claims cannot be read.
    public var encryptedAssertions: Int
    /// Readable assertions in the message.
    public var assertions: Int
}

/// What one `<Assertion>` states (SAML 2.0 Core §2.3–§2.7). Times are seconds since 1970.
public struct SAMLAssertion: Sendable, Equatable {
    public struct Attribute: Sendable, Equatable {
        public var name: String
        public var friendlyName: String?
        public var values: [String]
    }

    public var issuer: String?
    /// The subject's `<NameID>` (who the assertion speaks for).
    public var subject: String?
    /// `<SubjectConfirmation Method>`: `urn:oasis:names:tc:SAML:2.0:cm:bearer` for a bearer assertion.
    public var confirmationMethods: [String]
    public var audiences: [String]
    public var issueInstant: Double?
    /// The latest `NotBefore` of the conditions and the subject confirmations.
    public var notBefore: Double?
    /// The earliest `NotOnOrAfter` of the conditions and the subject confirmations: after it no
    /// relying party that checks the assertion accepts it.
    public var notOnOrAfter: Double?
    public var attributes: [Attribute]
    /// Whether an XML signature (`<ds:Signature>`) is on the assertion itself.
    public var signed: Bool
}

public enum SAML {
    public static let assertionNamespace = "urn:oasis:names:tc:SAML:2.0:assertion"
    public static let protocolNamespace = "urn:oasis:names:tc:SAML:2.0:protocol"
    static let signatureNamespace = "http://www.w3.org/2000/09/xmldsig#"

    public enum DecodeError: Error, Sendable, Equatable {
        /// Neither XML nor base64 (or percent-encoded base64) of XML.
        case notXML
        /// The XML was refused or could not be read (a DTD, an entity, a bound, cut short).
        case xml(XMLReader.Failure)
        /// A well-formed document that is no SAML 2.0 response or assertion: an AuthnRequest, a
        /// logout message, metadata (`EntityDescriptor`), another vocabulary's XML (its element,
        /// and whether its namespace is one of SAML's).
        case notAssertion(String, saml: Bool)
        /// A response that holds no assertion (its status: a failed login, `Requester`, `AuthnFailed` …).
        case noAssertion(status: String?)
    }

    /// The bytes of text an encoded value stands for: percent-decoded where it is (a form body),
    /// then base64 (either alphabet); raw XML as it is. Nil when it is none of these.
    public static func unwrap(_ token: [UInt8], limits: XMLReader.Limits = SAML.defaultLimits)
        -> (xml: [UInt8], encoding: SAMLMessage.Encoding, percentEncoded: Bool)?
    {
        var text = token
        while let last = text.last, last == 0x0A || last == 0x0D || last == 0x20 { text.removeLast() }
        if text.first == UInt8(ascii: "<") { return (text, .xml, false) }
        // Base64 takes four characters for three bytes, a percent escape three for one.
        guard text.count <= limits.maxBytes * 4 else { return nil }
        let percentEncoded = text.contains(UInt8(ascii: "%"))
        if percentEncoded { text = PercentEncoding.decode(String(decoding: text, as: UTF8.self)) }
        let urlSafe = text.contains(UInt8(ascii: "-")) || text.contains(UInt8(ascii: "_"))
        guard !(urlSafe && (text.contains(UInt8(ascii: "+")) || text.contains(UInt8(ascii: "/")))),
              let xml = Base64.decode(text) else { return nil }
        var start = xml.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        while start < xml.count && (xml[start] == 0x20 || xml[start] == 0x0A || xml[start] == 0x0D || xml[start] == 0x09) { start += 1 }
        guard start < xml.count, xml[start] == UInt8(ascii: "<") else { return nil }
        return (xml, urlSafe ? .base64url : .base64, percentEncoded)
    }

    /// The prefixes SAML's own documents and identity providers use, for an assertion printed
    /// without the response that declares them.
    public static let conventionalPrefixes = [
        "saml": assertionNamespace, "saml2": assertionNamespace, "samlp": protocolNamespace, "saml2p": protocolNamespace,
        "ds": signatureNamespace, "xenc": "http://www.w3.org/2001/04/xmlenc#", "xs": "http://www.w3.org/2001/XMLSchema",
        "xsi": "http://www.w3.org/2001/XMLSchema-instance",
    ]

    public static var defaultLimits: XMLReader.Limits {
        var limits = XMLReader.Limits()
        limits.conventionalPrefixes = conventionalPrefixes
        return limits
    }

    public static func decode(_ token: [UInt8], limits: XMLReader.Limits = SAML.defaultLimits) -> Result<SAMLMessage, DecodeError> {
        guard let (xml, encoding, percentEncoded) = unwrap(token, limits: limits) else { return .failure(.notXML) }
        let root: XMLReader.Element
        switch XMLReader.parse(xml, limits: limits) {
        case .success(let element): root = element
        case .failure(let failure): return .failure(.xml(failure))
        }
        var message = SAMLMessage(root: root.name, encoding: encoding, percentEncoded: percentEncoded, status: nil, assertion: nil, encryptedAssertions: 0, assertions: 0)
        switch (root.namespace, root.name) {
        case (protocolNamespace, "Response"):
            message.status = root.child("Status", in: protocolNamespace)?.child("StatusCode", in: protocolNamespace)?
                .attributes["Value"].map { String($0.split(separator: ":").last ?? "") }
            let assertions = root.children("Assertion", in: assertionNamespace)
            message.assertions = assertions.count
            message.encryptedAssertions = root.children("EncryptedAssertion", in: assertionNamespace).count
            message.assertion = assertions.first.map(read)
            guard message.assertions + message.encryptedAssertions > 0 else { return .failure(.noAssertion(status: message.status)) }
        case (assertionNamespace, "Assertion"):
            message.assertions = 1
            message.assertion = read(root)
        case (assertionNamespace, "EncryptedAssertion"):
            message.encryptedAssertions = 1
        default:
            return .failure(.notAssertion(root.name, saml: root.namespace.hasPrefix("urn:oasis:names:tc:SAML:")))
        }
        return .success(message)
    }

    /// An assertion's claims (SAML 2.0 Core §2.3.3–§2.7.3).
    static func read(_ element: XMLReader.Element) -> SAMLAssertion {
        let ns = assertionNamespace
        var assertion = SAMLAssertion(
            issuer: element.child("Issuer", in: ns)?.trimmedText, subject: nil, confirmationMethods: [], audiences: [],
            issueInstant: element.attributes["IssueInstant"].flatMap(time), notBefore: nil, notOnOrAfter: nil, attributes: [],
            signed: element.child("Signature", in: signatureNamespace) != nil)
        var notBefore: [Double] = [], notOnOrAfter: [Double] = []
        func times(_ element: XMLReader.Element) {
            if let value = element.attributes["NotBefore"].flatMap(time) { notBefore.append(value) }
            if let value = element.attributes["NotOnOrAfter"].flatMap(time) { notOnOrAfter.append(value) }
        }
        if let subject = element.child("Subject", in: ns) {
            assertion.subject = subject.child("NameID", in: ns)?.trimmedText
            for confirmation in subject.children("SubjectConfirmation", in: ns) {
                if let method = confirmation.attributes["Method"] { assertion.confirmationMethods.append(method) }
                for data in confirmation.children("SubjectConfirmationData", in: ns) { times(data) }
            }
        }
        if let conditions = element.child("Conditions", in: ns) {
            times(conditions)
            for restriction in conditions.children("AudienceRestriction", in: ns) {
                assertion.audiences += restriction.children("Audience", in: ns).map(\.trimmedText)
            }
        }
        assertion.notBefore = notBefore.max()
        assertion.notOnOrAfter = notOnOrAfter.min()
        for statement in element.children("AttributeStatement", in: ns) {
            for attribute in statement.children("Attribute", in: ns) {
                guard let name = attribute.attributes["Name"] else { continue }
                assertion.attributes.append(SAMLAssertion.Attribute(
                    name: name, friendlyName: attribute.attributes["FriendlyName"],
                    values: attribute.children("AttributeValue", in: ns).map(\.trimmedText)))
            }
        }
        return assertion
    }

    /// An `xs:dateTime` as SAML writes it (UTC, `2026-01-01T00:00:00Z`, fractions allowed).
    static func time(_ text: String) -> Double? { ClaimTime.rfc3339(Array(text.utf8)) }
}
