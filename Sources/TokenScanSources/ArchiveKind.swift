import TokenFormats
import TokenScanEngine
import TokenScanJudge
import TokenScanModel
import TokenScanSearch
import TokenScanSuppression

/// Recognises archives by their first bytes (never by name: a renamed archive is still entered).
package enum ArchiveKind {
    package static func isZip(_ head: [UInt8]) -> Bool {
        head.count >= 4 && head[0] == 0x50 && head[1] == 0x4B && head[2] == 0x03 && head[3] == 0x04
    }

    /// A tar header: its checksum field matches (ustar or old GNU format).
    package static func isTar(_ head: [UInt8]) -> Bool {
        head.count >= 512 && !head[0..<100].allSatisfy({ $0 == 0 }) && TarReader<MemorySource>.checksumMatches(Array(head[0..<512]))
    }
}
