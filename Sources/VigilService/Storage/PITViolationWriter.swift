import Foundation
public import VigilCore
public import VigilPostgres

/// Writes `pit_violations` rows. Ids are deterministic, so `ON CONFLICT DO NOTHING` makes a
/// redelivered write insert nothing twice.
public struct PITViolationWriter: Sendable {
    private let encoder = OutputEncoder()

    /// Creates a writer.
    public init() {}

    static let columns: [(name: String, type: String)] = [
        ("id", "uuid"), ("service_name", "text"), ("feature_name", "text"), ("violation_type", "text"), ("severity", "text"),
        ("description", "text"), ("timestamp", "timestamptz"), ("as_of_timestamp", "timestamptz"), ("detected_at", "timestamptz"),
        ("entity_id", "text"), ("arrival_timestamp", "timestamptz"), ("details", "jsonb"), ("event_id", "text"),
    ]

    /// Inserts the violations of `results` (callers hold the transaction); returns how many rows were new.
    @discardableResult
    public func write(_ results: [PITResult], on connection: PostgresConnection) throws -> Int {
        var rows: [[PostgresValue]] = []
        for result in results {
            for violation in result.violations {
                guard let id = UUID(uuidString: violation.id) else {
                    throw PostgresError(code: .invalidArgument, message: "PIT violation id '\(violation.id.prefix(40))' is not a UUID")
                }
                rows.append([
                    .uuid(id), .text(result.write.serviceName), .text(result.write.featureName), .text(violation.violationType),
                    .text(violation.severity.rawValue), .text(violation.description), .timestamp(result.write.eventTimestamp.date),
                    .timestamp(result.write.asOfTimestamp.date), .timestamp(violation.detectedAt), .text(result.write.entityID),
                    .timestamp(result.arrival.date), .json(String(decoding: try encoder.encode(violation.details), as: UTF8.self)),
                    .text(violation.id),
                ])
            }
        }
        guard !rows.isEmpty else { return 0 }
        return try connection.insert(into: "pit_violations", typedColumns: Self.columns, rows: rows, onConflict: "(id) DO NOTHING")
            .affectedRows
    }
}
