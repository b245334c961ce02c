import CLibPQ

/// A column of a result: its name and PostgreSQL type OID.
public struct PostgresColumn: Sendable, Hashable {
    /// The column name as the server reported it.
    public let name: String
    /// The column's type OID (e.g. 25 for `text`, 1184 for `timestamptz`).
    public let typeOID: UInt32
}

/// The outcome of one statement, copied out of libpq's `PGresult` (which is freed at once).
public struct PostgresResult: Sendable {
    /// The result's columns, in order (empty for commands that return no rows).
    public let columns: [PostgresColumn]
    /// The returned rows, in order.
    public let rows: [PostgresRow]
    /// Rows inserted, updated, deleted, selected or copied, as the server reported; 0 otherwise.
    public let affectedRows: Int

    init(columns: [PostgresColumn], rows: [PostgresRow], affectedRows: Int) {
        self.columns = columns
        self.rows = rows
        self.affectedRows = affectedRows
    }

    /// Copies everything out of `result`; the caller still owns and clears it.
    init(copying result: OpaquePointer) {
        let columnCount = Int(PQnfields(result))
        var columns: [PostgresColumn] = []
        columns.reserveCapacity(columnCount)
        for index in 0..<columnCount {
            let name = PQfname(result, Int32(index)).map { String(cString: $0) } ?? "?column?"
            columns.append(PostgresColumn(name: name, typeOID: PQftype(result, Int32(index))))
        }
        let layout = PostgresRow.Layout(columns: columns)
        let rowCount = Int(PQntuples(result))
        var rows: [PostgresRow] = []
        rows.reserveCapacity(rowCount)
        for row in 0..<rowCount {
            var values: [String?] = []
            values.reserveCapacity(columnCount)
            for column in 0..<columnCount {
                if PQgetisnull(result, Int32(row), Int32(column)) != 0 {
                    values.append(nil)
                } else {
                    values.append(PQgetvalue(result, Int32(row), Int32(column)).map { String(cString: $0) })
                }
            }
            rows.append(PostgresRow(layout: layout, values: values))
        }
        self.columns = columns
        self.rows = rows
        self.affectedRows = PQcmdTuples(result).flatMap { Int(String(cString: $0)) } ?? 0
    }
}
