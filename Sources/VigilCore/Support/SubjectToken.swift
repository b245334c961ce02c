/// Makes a value safe as one NATS subject token: `.`, `*`, `>`, whitespace and control characters
/// become `_`, an empty value becomes `_`, and the result is at most 128 UTF-8 bytes.
public enum SubjectToken {
    /// The sanitized token.
    public static func sanitize(_ value: String) -> String {
        var out = ""
        out.unicodeScalars.reserveCapacity(value.unicodeScalars.count)
        var bytes = 0
        for scalar in value.unicodeScalars {
            let safe: Unicode.Scalar
            switch scalar {
            case ".", "*", ">": safe = "_"
            default:
                safe = scalar.properties.isWhitespace || scalar.properties.generalCategory == .control ? "_" : scalar
            }
            bytes += String(safe).utf8.count
            if bytes > 128 { break }
            out.unicodeScalars.append(safe)
        }
        return out.isEmpty ? "_" : out
    }
}
