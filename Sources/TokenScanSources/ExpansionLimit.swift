/// The compressed bytes of one input's outermost compressed layer (a gzip stream, or a zip entry),
/// and what the layers nested in it produced, counted together.
///
/// Why: each layer alone stays under the ratio while layers multiply (a `.gz` of a `.gz` of data
/// that compresses 950× is 15,000× its size on disk); nested gzip output is bounded by the ratio
/// times the outermost layer's compressed bytes, whatever lies between (tar entries).
package final class ExpansionBudget {
    /// Compressed bytes the outermost layer read.
    package var compressed: Int
    /// Bytes the nested gzip layers produced, all of them together.
    package var nestedOutput = 0

    package init(compressed: Int = 0) { self.compressed = compressed }
}

/// The bound on how far compressed input may expand, shared by zip entries and gzip streams (files,
/// stdin, and gzip inside archives): at most `maxRatio` times the compressed bytes read, and for a
/// zip entry at most its declared size plus 1 KiB.
///
/// Why: a few megabytes of deflate can hold gigabytes (a 10 MB `.gz` of 10 GB ran for 284 s); real
/// text and logs compress 5–50×, while deflate's own ceiling is about 1,030×, reached only by
/// repeated bytes. Past the bound the input is cut, its findings so far kept, and the cut named on
/// stderr and in `summary.skipped` with the reason below (never a silent loss).
package struct ExpansionLimit: Sendable {
    package let maxRatio: Int
    /// A zip entry's declared uncompressed size (gzip streams declare none up front).
    package let declaredSize: Int?
    /// What is compressed: "zip" or "gzip", for the reason.
    package let format: String

    package init(maxRatio: Int, declaredSize: Int? = nil, format: String) {
        self.maxRatio = maxRatio
        self.declaredSize = declaredSize
        self.format = format
    }

    /// The most output allowed once `compressed` bytes are read.
    package func allowed(compressed: Int) -> Int {
        let (ratioLimit, overflow) = max(compressed, 1).multipliedReportingOverflow(by: maxRatio)
        let byRatio = overflow ? Int.max : ratioLimit
        guard let declaredSize else { return byRatio }
        return min(declaredSize + 1024, byRatio)
    }

    /// Why the input was cut, naming the limit that binds.
    package func reason(compressed: Int) -> String {
        if let declaredSize, declaredSize + 1024 <= allowed(compressed: compressed) {
            return "expands beyond its declared size (\(declaredSize) bytes): possible \(format) bomb, rest not scanned"
        }
        let declared = declaredSize.map { ", declared \($0) uncompressed" } ?? ""
        return "expands to more than \(maxRatio)× its compressed size (\(compressed) bytes\(declared)): possible \(format) bomb, rest not scanned"
    }
}
