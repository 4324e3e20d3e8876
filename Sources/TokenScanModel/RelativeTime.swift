import FoundationEssentials
import TokenFormats

/// Human phrasing of time differences for reasons: "in 3 days", "2 years ago".
public enum RelativeTime {
    public static func describe(_ seconds: TimeInterval) -> String {
        let magnitude = abs(seconds)
        let (value, unit): (Int, String)
        switch magnitude {
        case ..<60: (value, unit) = (Int(magnitude), "second")
        case ..<3600: (value, unit) = (Int(magnitude / 60), "minute")
        case ..<86_400: (value, unit) = (Int(magnitude / 3600), "hour")
        case ..<(86_400 * 60): (value, unit) = (Int(magnitude / 86_400), "day")
        case ..<(86_400 * 730): (value, unit) = (Int(magnitude / (86_400 * 30.44)), "month")
        default: (value, unit) = (Int(magnitude / (86_400 * 365.25)), "year")
        }
        let phrase = "\(value) \(unit)\(value == 1 ? "" : "s")"
        return seconds >= 0 ? "in \(phrase)" : "\(phrase) ago"
    }

    public static func iso8601(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}
