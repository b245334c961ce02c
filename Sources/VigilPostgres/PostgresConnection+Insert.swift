import CLibPQ

extension PostgresConnection {
    /// PostgreSQL's wire protocol caps a statement at 65,535 parameters.
    static let maximumParameters = 65_535
    /// Rows per statement; ~1,000 is where multi-row INSERT throughput levels off (NOTES.md).
    static let preferredRowsPerStatement = 1_000

    /// Inserts `rows` with one multi-row parameterized INSERT per chunk.
    ///
    /// `table` and `columns` are validated and quoted identifiers. `onConflict` and
    /// `returning` are trusted SQL fragments from code, never from input: `onConflict: "(id)
    /// DO NOTHING"` becomes `ON CONFLICT (id) DO NOTHING`, `returning: "id"` becomes
    /// `RETURNING id`. With several chunks and no open transaction the chunks run in one
    /// transaction, so a failure inserts nothing. Returns the concatenated RETURNING rows and
    /// the total affected rows.
    @discardableResult
    public func insert(
        into table: String, columns: [String], rows: [[PostgresValue]],
        onConflict: String? = nil, returning: String? = nil
    ) throws -> PostgresResult {
        guard !columns.isEmpty else {
            throw PostgresError(code: .invalidArgument, message: "insert into \(table) needs at least one column")
        }
        if let bad = rows.firstIndex(where: { $0.count != columns.count }) {
            throw PostgresError(
                code: .invalidArgument,
                message: "insert into \(table): row \(bad) has \(rows[bad].count) values for \(columns.count) columns")
        }
        let head = "INSERT INTO \(try PostgresIdentifier.quoted(table)) ("
            + (try columns.map(PostgresIdentifier.quoted).joined(separator: ", ")) + ") VALUES "
        var tail = ""
        if let onConflict { tail += " ON CONFLICT \(onConflict)" }
        if let returning { tail += " RETURNING \(returning)" }
        let chunkSize = max(1, min(Self.preferredRowsPerStatement, Self.maximumParameters / columns.count))
        let chunks = stride(from: 0, to: rows.count, by: chunkSize).map { rows[$0..<min($0 + chunkSize, rows.count)] }
        let runChunks = { (connection: PostgresConnection) throws -> PostgresResult in
            var collected: [PostgresRow] = []
            var columnsOut: [PostgresColumn] = []
            var affected = 0
            for chunk in chunks {
                let sql = head + Self.placeholders(rows: chunk.count, columns: columns.count) + tail
                let result = try connection.query(sql, chunk.flatMap { $0 })
                collected += result.rows
                columnsOut = result.columns
                affected += result.affectedRows
            }
            return PostgresResult(columns: columnsOut, rows: collected, affectedRows: affected)
        }
        if chunks.count > 1, transactionStatus != PQTRANS_INTRANS, transactionStatus != PQTRANS_INERROR {
            return try transaction(runChunks)
        }
        return try runChunks(self)
    }

    /// `($1, $2), ($3, $4), ...`
    private static func placeholders(rows: Int, columns: Int) -> String {
        var text = ""
        text.reserveCapacity(rows * columns * 7)
        var next = 1
        for row in 0..<rows {
            text += row == 0 ? "(" : ", ("
            for column in 0..<columns {
                if column > 0 { text += ", " }
                text += "$\(next)"
                next += 1
            }
            text += ")"
        }
        return text
    }
}
