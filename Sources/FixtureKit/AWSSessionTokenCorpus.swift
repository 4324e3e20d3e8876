import Foundation
import TokenFormats

/// Issue #20's AWS session tokens (`aws/`): STS session tokens where a log audit meets them —
/// `AWS_SESSION_TOKEN=` in env files, the shared credentials file, `aws sts assume-role` output,
/// `X-Amz-Security-Token` headers in `curl -v` traces and botocore debug logs, and the
/// percent-encoded query parameter in access logs — each beside a look-alike of its own format
/// (placeholders, environment references, a token cut short, a masked one, the request's SigV4
/// signature). A secret access key beside its token is one finding with it, at the token
/// (design §5), so the keys are labelled neither tokens nor look-alikes.
///
/// Formats: STS `Credentials` (https://docs.aws.amazon.com/STS/latest/APIReference/API_Credentials.html),
/// the shared credentials file (https://docs.aws.amazon.com/sdkref/latest/guide/file-format.html),
/// SigV4 request elements (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-signing-elements.html).
extension NamedValueWriter {
    /// A secret access key: 40 characters of base64 (30 random bytes).
    mutating func awsSecretAccessKey() -> String { draw { Data($0.bytes(30)).base64EncodedString() } }

    /// The access key id of temporary credentials: `ASIA` and 16 of [A-Z2-7] (not a secret).
    mutating func awsTemporaryKeyID() -> String { "ASIA" + random.string(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") }

    /// What stands where a session token would: a placeholder, an environment reference, a token
    /// cut short (shorter than any STS issues), or one masked by a logger.
    mutating func awsSessionLookAlike() -> (kind: LabelledCorpus.LookAlikeKind, value: String) {
        fakeSerial += 1
        switch fakeSerial % 4 {
        case 0: return (.placeholder, random.pick(["YOUR_SESSION_TOKEN", "your-session-token-here", String(repeating: "x", count: 120)]))
        case 1: return (.environmentReference, random.pick(["${AWS_SESSION_TOKEN}", "$AWS_SESSION_TOKEN", "%AWS_SESSION_TOKEN%"]))
        case 2: return (.truncatedProvider, String(awsSessionToken().prefix(random.int(40...90))))
        default: return (.masked, "IQoJb3JpZ2luX2Vj" + String(repeating: "*", count: random.int(8...40)))
        }
    }

    /// Session tokens in each format, 13 a file, each beside a look-alike.
    mutating func awsSessionTokens() {
        func secret(_ label: String) -> Secret { Secret(value: awsSessionToken(), kind: "opaque", rule: "named-value", label: "aws:" + label) }
        func write(_ path: String, _ entry: (inout NamedValueWriter, Int, Piece, Piece) -> Piece, label: String, encode: Bool = false) {
            var doc = Doc(path)
            for index in 0..<13 {
                let token: Piece = encode ? Piece.token(secret(label)).percentEncoded() : .token(secret(label))
                let fake = awsSessionLookAlike()
                let lookAlike: Piece = encode ? Piece.lookAlike(fake.kind, fake.value).percentEncoded() : .lookAlike(fake.kind, fake.value)
                doc.put(entry(&self, index, token, lookAlike))
            }
            docs.append(doc)
        }
        write("aws/env/session.env", { _, _, token, fake in
            Piece("AWS_REGION=eu-west-1\nAWS_SESSION_TOKEN=") + token + "\n# staging\nAWS_SESSION_TOKEN=" + fake + "\n"
        }, label: "env")
        write("aws/config/credentials", { writer, index, token, fake in
            Piece("[role-\(index)]\naws_access_key_id = \(writer.awsTemporaryKeyID())\naws_secret_access_key = \(writer.awsSecretAccessKey())\naws_session_token = ")
                + token + "\n\n[template-\(index)]\naws_session_token = " + fake + "\n\n"
        }, label: "credentials")
        write("aws/cli/assume-role.jsonl", { writer, index, token, fake in
            let expiration = "2026-01-03T1\(index % 10):00:00+00:00"
            return Piece("{\"Credentials\":{\"AccessKeyId\":\"\(writer.awsTemporaryKeyID())\",\"SecretAccessKey\":\"\(writer.awsSecretAccessKey())\",\"SessionToken\":\"")
                + token + "\",\"Expiration\":\"\(expiration)\"},\"AssumedRoleUser\":{\"Arn\":\"arn:aws:sts::123456789012:assumed-role/deploy/ci-\(index)\"}}\n"
                + "{\"Credentials\":{\"AccessKeyId\":\"\(writer.awsTemporaryKeyID())\",\"SessionToken\":\"" + fake + "\"}}\n"
        }, label: "assume-role")
        write("aws/traces/curl-v.txt", { _, _, token, fake in
            Piece("> POST / HTTP/1.1\n> Host: sts.amazonaws.com\n> x-amz-security-token: ") + token + "\n>\n< HTTP/1.1 200 OK\n> x-amz-security-token: " + fake + "\n"
        }, label: "curl-v")
        write("aws/logs/botocore.log", { writer, index, token, fake in
            let stamp = "2026-01-03 10:\(10 + index):00,123 - MainThread - botocore.endpoint - DEBUG - Making request with params: "
            let signature = writer.random.string(64, NamedValueWriter.hex)
            return Piece(stamp + "{'headers': {'X-Amz-Date': b'20260103T10\(10 + index)00Z', 'X-Amz-Security-Token': b'") + token
                + "', 'Authorization': b'AWS4-HMAC-SHA256 Credential=\(writer.awsTemporaryKeyID())/20260103/us-east-1/sts/aws4_request, SignedHeaders=host;x-amz-date;x-amz-security-token, Signature="
                + .lookAlike(.hexHash, signature) + "'}}\n" + Piece(stamp + "{'headers': {'X-Amz-Security-Token': b'") + fake + "'}}\n"
        }, label: "botocore")
        write("aws/logs/access.log", { _, index, token, fake in
            let stamp = "10.0.4.17 - - [03/Jan/2026:10:\(10 + index):00 +0000] \"GET /reports/q4.csv?X-Amz-Security-Token="
            return Piece(stamp) + token + "&response-content-disposition=attachment HTTP/1.1\" 403 243\n" + Piece(stamp) + fake + " HTTP/1.1\" 403 243\n"
        }, label: "access-log", encode: true)
    }
}
