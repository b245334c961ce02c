import Foundation
import VigilPostgres

/// A page of rows, newest first, and the cursor for the next one (nil on the last page). The JSON
/// shape is `{"violations": [...], "next_cursor": ...}` for every violation log.
public struct KeysetPage<Item: Encodable & Sendable & Equatable>: Sendable, Encodable, Equatable {
    /// Newest first.
    public var violations: [Item]
    /// Pass as `cursor` to read on; nil when there is nothing more.
    public var nextCursor: String?

    /// Creates a page.
    public init(violations: [Item], nextCursor: String?) {
        self.violations = violations
        self.nextCursor = nextCursor
    }

    enum CodingKeys: String, CodingKey {
        case violations
        case nextCursor = "next_cursor"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(violations, forKey: .violations)
        try container.encode(nextCursor, forKey: .nextCursor)
    }
}

/// Keyset paging, newest first, on (`timeColumn`, `id`): a page costs the same however deep it is,
/// and rows inserted meanwhile never shift later pages. Shared by the policy and PIT violation logs.
struct KeysetQuery {
    /// The timestamp column pages are ordered by.
    let timeColumn: String
    private var conditions: [String] = []
    private var parameters: [PostgresValue] = []

    init(timeColumn: String) {
        self.timeColumn = timeColumn
    }

    /// Adds `column op $n` with `value` as its parameter.
    mutating func add(_ column: String, _ op: String, _ value: PostgresValue) {
        parameters.append(value)
        conditions.append("\(column) \(op) $\(parameters.count)")
    }

    /// Runs `SELECT columns FROM table` with the filters, after `cursor`, and maps at most `limit`
    /// (clamped to 1...1000) rows with `item`.
    func page<Item>(columns: String, from table: String, after cursor: ViolationCursor?, limit: Int,
                    on connection: PostgresConnection, _ item: (PostgresRow) throws -> (Item, id: UUID)) throws -> KeysetPage<Item> {
        var conditions = self.conditions
        var parameters = self.parameters
        if let cursor {
            parameters += [.int(cursor.micros), .uuid(cursor.id)]
            let n = parameters.count
            conditions.append("(\(timeColumn), id) < (timestamptz 'epoch' + $\(n - 1) * interval '1 microsecond', $\(n))")
        }
        let limit = max(1, min(limit, 1000))
        // One extra row tells whether another page exists without a COUNT.
        let sql = """
            SELECT \(columns), ((extract(epoch FROM \(timeColumn)) * 1000000)::numeric)::int8 AS keyset_micros
            FROM \(table) \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))
            ORDER BY \(timeColumn) DESC, id DESC LIMIT \(limit + 1)
            """
        let rows = try connection.query(sql, parameters).rows
        var items: [Item] = []
        var last: ViolationCursor?
        for row in rows.prefix(limit) {
            let (value, id) = try item(row)
            items.append(value)
            last = ViolationCursor(micros: Int64(try row.int("keyset_micros")), id: id)
        }
        return KeysetPage(violations: items, nextCursor: rows.count > limit ? last?.token : nil)
    }
}
