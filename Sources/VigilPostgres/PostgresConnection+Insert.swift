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

    /// Rows per statement of ``insert(into:typedColumns:rows:onConflict:)``.
    static let preferredRowsPerArrayStatement = 5_000

    /// Inserts `rows` with one statement per chunk that carries one array parameter per column
    /// (see ``PostgresArrayInsert``). Semantics as ``insert(into:columns:rows:onConflict:returning:)``:
    /// chunks of one call run in one transaction, and the result's `affectedRows` is the total.
    @discardableResult
    public func insert(
        into table: String, typedColumns: [(name: String, type: String)], rows: [[PostgresValue]], onConflict: String? = nil
    ) throws -> PostgresResult {
        let whole = PostgresArrayInsert(into: table, typedColumns: typedColumns, rows: rows, onConflict: onConflict)
        let chunks = stride(from: 0, to: rows.count, by: Self.preferredRowsPerArrayStatement).map {
            PostgresArrayInsert(into: table, typedColumns: typedColumns, rows: Array(rows[$0..<min($0 + Self.preferredRowsPerArrayStatement, rows.count)]),
                                onConflict: onConflict)
        }
        _ = try whole.sql(parameterOffset: 0)  // validates names, types and row shapes, also when there are no rows
        let runChunks = { (connection: PostgresConnection) throws -> PostgresResult in
            var affected = 0
            for chunk in chunks {
                let (sql, parameters) = try chunk.statement(parameterOffset: 0)
                affected += try connection.query(sql, parameters).affectedRows
            }
            return PostgresResult(columns: [], rows: [], affectedRows: affected)
        }
        if chunks.count > 1, transactionStatus != PQTRANS_INTRANS, transactionStatus != PQTRANS_INERROR {
            return try transaction(runChunks)
        }
        return try runChunks(self)
    }

    /// Runs several array inserts as one statement (all but the last as data-modifying `WITH`
    /// clauses): one round trip, atomic without `BEGIN`/`COMMIT`. Inserts with more rows than one
    /// statement should carry run one by one inside a transaction instead. Returns the last
    /// insert's affected rows.
    @discardableResult
    public func insert(_ inserts: [PostgresArrayInsert]) throws -> Int {
        let present = inserts.filter { !$0.rows.isEmpty }
        guard !present.isEmpty else { return 0 }
        if present.contains(where: { $0.rows.count > Self.preferredRowsPerArrayStatement }) {
            let run = { (connection: PostgresConnection) throws -> Int in
                var last = 0
                for insert in present {
                    last = try connection.insert(into: insert.table, typedColumns: insert.typedColumns, rows: insert.rows,
                                                 onConflict: insert.onConflict).affectedRows
                }
                return last
            }
            if transactionStatus == PQTRANS_INTRANS || transactionStatus == PQTRANS_INERROR { return try run(self) }
            return try transaction(run)
        }
        var clauses: [String] = []
        var parameters: [PostgresValue] = []
        for insert in present {
            let (sql, values) = try insert.statement(parameterOffset: parameters.count)
            clauses.append(sql)
            parameters += values
        }
        let last = clauses.removeLast()
        let sql = clauses.isEmpty ? last
            : "WITH " + clauses.enumerated().map { "w\($0.offset) AS (\($0.element))" }.joined(separator: ", ") + " " + last
        return try query(sql, parameters).affectedRows
    }

    /// `name`, `name[]`, or `name(precision)`: letters, digits, `_`, spaces, parentheses and commas only.
    static func isPlainType(_ type: String) -> Bool {
        !type.isEmpty && type.utf8.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                || " _[](),".utf8.contains(byte)
        }
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

/// Rows to insert with one array parameter per column:
/// `INSERT INTO t (a, b) SELECT u.c1, u.c2 FROM unnest($1::uuid[], $2::text[]) AS u(c1, c2)`.
///
/// The statement text depends only on the table and columns, and it has as many parameters as
/// columns, not rows × columns: PostgreSQL parses and plans a few hundred bytes instead of a
/// `VALUES` list with thousands of placeholders, which made the multi-row form cost the decision
/// log 25–30 µs per row. `typedColumns` pairs each column with its SQL type (`uuid`, `text`,
/// `int8`, `float8`, `bool`, `timestamptz`, `jsonb`, `text[]`, …); an array-typed column travels
/// as a text array of array literals and is cast back per row. `table` and the column names are
/// validated and quoted; `onConflict` is a trusted fragment from code (`"(id) DO NOTHING"`).
public struct PostgresArrayInsert: Sendable {
    public var table: String
    public var typedColumns: [(name: String, type: String)]
    public var rows: [[PostgresValue]]
    public var onConflict: String?

    public init(into table: String, typedColumns: [(name: String, type: String)], rows: [[PostgresValue]], onConflict: String? = nil) {
        self.table = table
        self.typedColumns = typedColumns
        self.rows = rows
        self.onConflict = onConflict
    }

    /// The statement and its parameters, numbered from `parameterOffset + 1`.
    public func statement(parameterOffset: Int) throws -> (sql: String, parameters: [PostgresValue]) {
        let text = try sql(parameterOffset: parameterOffset)
        let parameters = (0..<typedColumns.count).map { column in
            PostgresValue.text(PostgresValue.arrayLiteral(rows.map { $0[column].textEncoding }))
        }
        return (text, parameters)
    }

    /// The statement text, after checking the names, types and row shapes.
    func sql(parameterOffset: Int) throws -> String {
        guard !typedColumns.isEmpty else {
            throw PostgresError(code: .invalidArgument, message: "insert into \(table) needs at least one column")
        }
        if let bad = rows.firstIndex(where: { $0.count != typedColumns.count }) {
            throw PostgresError(
                code: .invalidArgument,
                message: "insert into \(table): row \(bad) has \(rows[bad].count) values for \(typedColumns.count) columns")
        }
        for column in typedColumns where !PostgresConnection.isPlainType(column.type) {
            throw PostgresError(code: .invalidArgument, message: "insert into \(table): column \(column.name) has an unsupported type '\(column.type)'")
        }
        let names = try typedColumns.map { try PostgresIdentifier.quoted($0.name) }
        let aliases = (1...typedColumns.count).map { "c\($0)" }
        let selected = zip(aliases, typedColumns).map { alias, column in
            column.type.hasSuffix("[]") ? "u.\(alias)::\(column.type)" : "u.\(alias)"
        }
        let arrays = typedColumns.enumerated().map { index, column in
            column.type.hasSuffix("[]") ? "$\(parameterOffset + index + 1)::text[]" : "$\(parameterOffset + index + 1)::\(column.type)[]"
        }
        var sql = "INSERT INTO \(try PostgresIdentifier.quoted(table)) (\(names.joined(separator: ", "))) SELECT "
            + selected.joined(separator: ", ") + " FROM unnest(\(arrays.joined(separator: ", "))) AS u(\(aliases.joined(separator: ", ")))"
        if let onConflict { sql += " ON CONFLICT \(onConflict)" }
        return sql
    }
}
