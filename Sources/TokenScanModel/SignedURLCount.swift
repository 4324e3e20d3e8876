/// How reports say how many expired signed URLs a scan saw (`ScanSummary.expiredSignedURLs`): one
/// wording for the text report's summary line and for stderr beside the other formats.
public enum SignedURLCount {
    public static func phrase(_ count: Int) -> String {
        "\(count) expired signed URL\(count == 1 ? "" : "s") seen (not findings: the provider refuses them)"
    }
}
