import Foundation
public import VigilCore
public import VigilPostgres

/// Writes `policy_violations` rows in batches. Row ids are deterministic, so `ON CONFLICT DO
/// NOTHING` makes a redelivered decision insert nothing twice.
public struct ViolationWriter: Sendable {
    private let encoder = OutputEncoder()

    /// Creates a writer.
    public init() {}

    static let columns: [(name: String, type: String)] = [
        ("id", "uuid"), ("decision_id", "text"), ("policy_name", "text"), ("violation_type", "text"), ("severity", "text"),
        ("description", "text"), ("created_at", "timestamptz"), ("portfolio_id", "text"), ("enforcement_level", "text"),
        ("suggested_adjustment", "jsonb"), ("event_id", "text"),
    ]

    /// Inserts `records`; returns how many rows were new.
    @discardableResult
    public func write(_ records: [ViolationRecord], on connection: PostgresConnection) throws -> Int {
        guard !records.isEmpty else { return 0 }
        return try connection.insert([insert(records)])
    }

    /// The insert of `records`, to run alone or in one statement with others.
    public func insert(_ records: [ViolationRecord]) throws -> PostgresArrayInsert {
        let rows: [[PostgresValue]] = try records.map { record in
            let violation = record.violation
            let adjustment: PostgresValue = try violation.suggestedAdjustment.map {
                .json(String(decoding: try encoder.encode($0), as: UTF8.self))
            } ?? .null
            return [
                .uuid(record.id), .text(record.decisionID), .text(violation.policyName), .text(violation.violationType),
                .text(violation.severity.rawValue), .text(violation.description), .timestamp(record.createdAt),
                .text(record.portfolioID), .text(violation.advisory ? "advisory" : "strict"), adjustment, .text(record.eventID),
            ]
        }
        return PostgresArrayInsert(into: "policy_violations", typedColumns: Self.columns, rows: rows, onConflict: "(id) DO NOTHING")
    }
}
