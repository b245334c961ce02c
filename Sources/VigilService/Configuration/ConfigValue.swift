/// Parses the textual forms configuration values take in YAML, environment variables and flags.
enum ConfigValue {
    /// `250ms`, `5s`, `2m`, `1h`, `7d`, or a plain number of seconds.
    static func duration(_ text: String, key: String) throws(ConfigurationError) -> Double {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86_400)]
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        for (suffix, scale) in units where trimmed.hasSuffix(suffix) {
            if let value = Double(trimmed.dropLast(suffix.count)), value.isFinite, value >= 0 { return value * scale }
        }
        if let value = Double(trimmed), value.isFinite, value >= 0 { return value }
        throw ConfigurationError(key: key, "expected a duration such as 250ms, 30s, 5m, 1h or 7d, got '\(text.prefix(40))'")
    }

    /// `512`, `64KiB`, `1MiB`, `10GiB` (also KB/MB/GB as powers of 1000).
    static func bytes(_ text: String, key: String) throws(ConfigurationError) -> Int64 {
        let units: [(String, Int64)] = [("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30), ("TiB", 1 << 40),
                                        ("KB", 1000), ("MB", 1_000_000), ("GB", 1_000_000_000), ("B", 1)]
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        for (suffix, scale) in units where trimmed.hasSuffix(suffix) {
            if let value = Int64(trimmed.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)), value > 0,
               value <= Int64.max / scale { return value * scale }
        }
        if let value = Int64(trimmed), value > 0 { return value }
        throw ConfigurationError(key: key, "expected a size such as 1048576, 512KiB, 1MiB or 10GiB, got '\(text.prefix(40))'")
    }

    static func number(_ text: String, key: String, in range: ClosedRange<Double>) throws(ConfigurationError) -> Double {
        guard let value = Double(text.trimmingCharacters(in: .whitespaces)), value.isFinite, range.contains(value) else {
            throw ConfigurationError(key: key, "expected a number from \(range.lowerBound) to \(range.upperBound), got '\(text.prefix(40))'")
        }
        return value
    }

    static func integer(_ text: String, key: String, in range: ClosedRange<Int>) throws(ConfigurationError) -> Int {
        guard let value = Int(text.trimmingCharacters(in: .whitespaces)), range.contains(value) else {
            throw ConfigurationError(key: key, "expected a whole number from \(range.lowerBound) to \(range.upperBound), got '\(text.prefix(40))'")
        }
        return value
    }

    static func boolean(_ text: String, key: String) throws(ConfigurationError) -> Bool {
        switch text.lowercased() {
        case "true", "yes", "on", "1": return true
        case "false", "no", "off", "0": return false
        default: throw ConfigurationError(key: key, "expected true or false, got '\(text.prefix(40))'")
        }
    }
}

import Foundation
