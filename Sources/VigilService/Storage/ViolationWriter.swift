import Foundation
public import VigilCore
public import VigilPostgres

/// Writes `policy_violations` rows in batches. Row ids are deterministic, so `ON CONFLICT DO
/// NOTHING` makes a redelivered decision insert nothing twice.
public struct ViolationWriter: Sendable {
    private let encoder = OutputEncoder()

    /// Creates a writer.
    public init() {}

    /// Inserts `records` in one transaction; returns how many rows were new.
    @discardableResult
    public func write(_ records: [ViolationRecord], on connection: PostgresConnection) throws -> Int {
        guard !records.isEmpty else { return 0 }
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
        let result = try connection.insert(
            into: "policy_violations",
            columns: ["id", "decision_id", "policy_name", "violation_type", "severity", "description", "created_at",
                      "portfolio_id", "enforcement_level", "suggested_adjustment", "event_id"],
            rows: rows, onConflict: "(id) DO NOTHING")
        return result.affectedRows
    }
}
