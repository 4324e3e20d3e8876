import TokenFormats
import TokenScanEngine
import TokenScanModel
import TokenScanSearch

/// Chooses what a group of overlapping hits becomes: the same token found as written and decoded,
/// or a token cut short at a line end and the same token joined across lines, must be one
/// finding, and the right one.
///
/// Every hit of the group is analysed; judgement decides, not position: a joined JWT whose
/// signature has the length its algorithm produces beats the cut-short piece (`truncated`), and a
/// complete JWT beats a join that glued the next line's word onto it. Of the findings left, one
/// whose secret is part of another's longer secret is dropped, and of equal secrets (or of one span
/// a rule matches both as written and decoded) the one found with the fewest layers is kept. A wrapped-line join must prove itself
/// against the line as written (see below).
package enum HitGroup {
    /// Returns the findings kept, each with the hit it came from; `dismissed` hears why each
    /// other hit was not one (counted in the summary).
    package static func resolve(
        _ hits: [SearchHit], analyzer: Analyzer, rules: [CompiledRule], path: String,
        dismissed: (SearchHit, Dismissal) -> Void
    ) -> [(hit: SearchHit, finding: Finding)] {
        var accepted: [(hit: SearchHit, finding: Finding)] = []
        for hit in hits {
            switch analyzer.analyze(hit, rule: rules[hit.ruleIndex].rule, path: path) {
            case .success(let finding): accepted.append((hit, finding))
            // A named value under a name outside the vocabulary was no match: nothing to count.
            case .failure(.unnamed): continue
            // An expired signed URL is counted once: percent-decoded, the same span matches again
            // (also under a layer both share: `\u0026` or `&amp;` between its parameters).
            case .failure(.expiredSignedURL) where !hit.encodings.isEmpty
                && hits.contains { $0.encodings.count < hit.encodings.count && $0.ruleIndex == hit.ruleIndex && $0.byteRange == hit.byteRange }:
                continue
            case .failure(let dismissal): dismissed(hit, dismissal)
            }
        }
        if accepted.count <= 1 { return accepted }
        // Joining a line to the next because it is as long as terminals wrap is a guess. Where the
        // line's own text already is a finding from the same place, the joined token must prove
        // itself: a JWT (its signature length fits its algorithm) or a verified checksum. A
        // secret assignment at the end of a 120-character line is not glued to the next line.
        let asWritten = accepted.filter { $0.hit.encodings.isEmpty }.map(\.hit.byteRange.lowerBound)
        accepted.removeAll { candidate in
            candidate.hit.encodings.contains(SplitTokenJoiner.wrappedLine.rawValue)
                && candidate.finding.jwt == nil && candidate.finding.checksum == nil
                && asWritten.contains(candidate.hit.byteRange.lowerBound)
        }
        // A named value yields to any other rule's finding it overlaps (`user:<JWT>` in a registry
        // credential, `token=<a webhook's secret>`): that rule knows the format.
        let named = accepted.map { rules[$0.hit.ruleIndex].rule.role == .namedValue }
        var kept: [(hit: SearchHit, finding: Finding)] = []
        for (index, candidate) in accepted.enumerated() {
            let covered = accepted.indices.contains { other in
                guard other != index, accepted[other].hit.byteRange.overlaps(candidate.hit.byteRange) else { return false }
                if named[index] != named[other] { return named[index] }
                let longer = accepted[other].hit.secret
                let secret = candidate.hit.secret
                if longer == secret { return other < index }
                // The same text matched as written and, decoded, again by the same rule (a Slack
                // `d` cookie keeps its %2F in the token): the token is what is written, or what
                // the fewest layers undid (a signed URL's `%2F` under JSON's `\u0026`).
                if accepted[other].hit.encodings.count < candidate.hit.encodings.count,
                    accepted[other].hit.ruleIndex == candidate.hit.ruleIndex,
                    accepted[other].hit.byteRange == candidate.hit.byteRange {
                    return true
                }
                return longer.count > secret.count && Matcher.contains(longer, secret)
            }
            if !covered { kept.append(candidate) }
        }
        return kept
    }
}
