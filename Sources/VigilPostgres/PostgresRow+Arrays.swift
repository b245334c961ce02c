extension PostgresRow {
    /// A one-dimensional `text[]` column (any element type cast to text), e.g. `{a,"b c"}`.
    /// Throws a decode error naming the column when it is NULL or missing.
    public func stringArray(_ column: String) throws -> [String] {
        Self.parseTextArray(try string(column))
    }

    /// Parses PostgreSQL's text form of a one-dimensional array. Quoted elements keep commas,
    /// braces and escaped quotes; an unquoted `NULL` element becomes an empty string.
    static func parseTextArray(_ text: String) -> [String] {
        guard text.count >= 2 else { return [] }
        var items: [String] = []
        var current = ""
        var quoted = false, escaped = false, sawQuote = false
        for char in text.dropFirst().dropLast() {
            if escaped {
                current.append(char)
                escaped = false
                continue
            }
            switch char {
            case "\\" where quoted: escaped = true
            case "\"": quoted.toggle(); sawQuote = true
            case "," where !quoted:
                items.append(!sawQuote && current == "NULL" ? "" : current)
                current = ""
                sawQuote = false
            default: current.append(char)
            }
        }
        if !current.isEmpty || sawQuote { items.append(!sawQuote && current == "NULL" ? "" : current) }
        return items
    }
}
