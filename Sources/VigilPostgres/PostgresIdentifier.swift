/// Validates and quotes SQL identifiers (tables, columns, channels) that are spliced into SQL
/// text, where parameters cannot be used.
enum PostgresIdentifier {
    /// `name` or `schema.name` as quoted identifiers. Quoting makes them case-sensitive, so
    /// pass names as they are stored (lower case unless created quoted).
    static func quoted(_ name: String) throws -> String {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count) else { throw invalid(name) }
        return try parts.map { part in
            guard isPlain(part) else { throw invalid(name) }
            return "\"\(part)\""
        }.joined(separator: ".")
    }

    /// Letters, digits, `_`, `$`; not starting with a digit or `$`; at most 63 bytes
    /// (PostgreSQL's NAMEDATALEN), so nothing needs escaping.
    private static func isPlain(_ part: Substring) -> Bool {
        guard let first = part.unicodeScalars.first, part.utf8.count <= 63 else { return false }
        guard first == "_" || (first.isASCII && first.properties.isAlphabetic) else { return false }
        return part.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_" || scalar == "$")
        }
    }

    private static func invalid(_ name: String) -> PostgresError {
        // The rejected text is the caller's own identifier, not data, so it is safe to show.
        PostgresError(code: .invalidArgument, message: "invalid SQL identifier \"\(name)\" (use letters, digits, _ and at most one '.')")
    }
}
