/// Makes a value safe as one NATS subject token: `.`, `*`, `>`, whitespace and control characters
/// become `_`, an empty value becomes `_`, and the result is at most 128 UTF-8 bytes.
public enum SubjectToken {
    /// The sanitized token.
    public static func sanitize(_ value: String) -> String {
        if isSafeASCII(value) { return value }
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

    /// True for 1–128 bytes of printable ASCII other than `.`, `*` and `>`: the common case, which
    /// the scalar-by-scalar path would return unchanged.
    private static func isSafeASCII(_ value: String) -> Bool {
        value.utf8.withContiguousStorageIfAvailable { bytes in
            guard !bytes.isEmpty, bytes.count <= 128 else { return false }
            for byte in bytes where byte <= 0x20 || byte >= 0x7F || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "*")
                || byte == UInt8(ascii: ">") {
                return false
            }
            return true
        } ?? false
    }
}
