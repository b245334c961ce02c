import Foundation
public import VigilCore
public import VigilPostgres

/// Reads and writes `feature_contracts`.
public struct FeatureContractRepository: Sendable {
    /// Creates a repository.
    public init() {}

    private static let columns = """
        feature_name, value_type, minimum, maximum, nullable, expected_latency_seconds, timestamp_granularity_seconds, description
        """

    /// Every contract, in name order.
    public func list(on connection: PostgresConnection) throws -> [FeatureContract] {
        try connection.query("SELECT \(Self.columns) FROM feature_contracts ORDER BY feature_name").rows.map(Self.contract)
    }

    /// One contract, or nil.
    public func get(_ feature: String, on connection: PostgresConnection) throws -> FeatureContract? {
        try connection.query("SELECT \(Self.columns) FROM feature_contracts WHERE feature_name = $1", [.text(feature)])
            .rows.first.map(Self.contract)
    }

    /// Inserts or replaces `contracts` in one transaction (a file applies whole or not at all);
    /// returns, per feature, whether it was new. Callers validate first.
    @discardableResult
    public func upsert(_ contracts: [FeatureContract], on connection: PostgresConnection) throws -> [String: Bool] {
        try connection.transaction { connection in
            var created: [String: Bool] = [:]
            for contract in contracts {
                func number(_ value: Double?) -> PostgresValue { value.map { .double($0) } ?? .null }
                // xmax = 0 only on a freshly inserted row version: it tells insert from update.
                let result = try connection.query("""
                    INSERT INTO feature_contracts (feature_name, value_type, minimum, maximum, nullable, expected_latency_seconds,
                        timestamp_granularity_seconds, description)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                    ON CONFLICT (feature_name) DO UPDATE SET value_type = EXCLUDED.value_type, minimum = EXCLUDED.minimum,
                        maximum = EXCLUDED.maximum, nullable = EXCLUDED.nullable,
                        expected_latency_seconds = EXCLUDED.expected_latency_seconds,
                        timestamp_granularity_seconds = EXCLUDED.timestamp_granularity_seconds,
                        description = EXCLUDED.description, updated_at = now()
                    RETURNING (xmax = 0) AS created
                    """, [.text(contract.featureName), .text(contract.valueType.rawValue), number(contract.minimum),
                          number(contract.maximum), .bool(contract.nullable), number(contract.expectedLatencySeconds),
                          number(contract.timestampGranularitySeconds), contract.description.map { .text($0) } ?? .null])
                created[contract.featureName] = try result.rows.first?.bool("created") ?? false
            }
            return created
        }
    }

    /// Deletes a contract; returns whether it existed.
    public func delete(_ feature: String, on connection: PostgresConnection) throws -> Bool {
        try connection.execute("DELETE FROM feature_contracts WHERE feature_name = $1", [.text(feature)]) > 0
    }

    static func contract(_ row: PostgresRow) throws -> FeatureContract {
        func number(_ column: String) throws -> Double? { try row.isNull(column) ? nil : try row.double(column) }
        let name = try row.string("feature_name")
        let typeText = try row.string("value_type")
        guard let type = FeatureContract.ValueType(rawValue: typeText) else {
            throw InputError(.invalidValue, field: "value_type", "contract '\(name.prefix(100))' has unknown value type '\(typeText.prefix(20))'")
        }
        return FeatureContract(
            featureName: name, valueType: type, minimum: try number("minimum"), maximum: try number("maximum"),
            nullable: try row.bool("nullable"), expectedLatencySeconds: try number("expected_latency_seconds"),
            timestampGranularitySeconds: try number("timestamp_granularity_seconds"),
            description: try row.isNull("description") ? nil : try row.string("description"))
    }
}
