import Foundation
public import VigilCore
public import VigilPostgres

/// A row of `policy_validations`, the decision log.
public struct ValidationLogRow: Sendable, Equatable {
    /// Where a validation came from.
    public enum Source: String, Sendable {
        /// `trading.decisions.>`; one row per decision (redelivery conflicts on the id).
        case stream
        /// `vigil.validate`; one row per request.
        case requestReply = "request_reply"
        /// `POST /api/v1/validate`; one row per request.
        case rest
    }

    /// Row id: derived from the decision for the stream, random for requests.
    public var id: UUID
    /// The decision.
    public var decisionID: String
    /// Its portfolio.
    public var portfolioID: String
    /// Where it came from.
    public var source: Source
    /// The verdict.
    public var isCompliant: Bool
    /// The score.
    public var complianceScore: Double
    /// Policies evaluated.
    public var policiesChecked: [String]
    /// Policies violated (strict and advisory).
    public var violatedPolicies: [String]
    /// Number of violations.
    public var violationCount: Int
    /// The decision's strategy.
    public var strategy: String?
    /// The decision's own timestamp.
    public var decidedAt: Date
    /// When Vigil validated it.
    public var validatedAt: Date
    /// Time spent validating, in microseconds.
    public var durationMicros: Int

    /// The row for a validation result.
    public init(result: DecisionResult, source: Source, id: UUID, validatedAt: Date, durationSeconds: Double) {
        let decision = result.request.decision
        self.id = id
        decisionID = decision.decisionID
        portfolioID = decision.portfolioID
        self.source = source
        isCompliant = result.verdict.response.isCompliant
        complianceScore = result.verdict.response.complianceScore
        policiesChecked = result.verdict.policiesChecked
        var violated: [String] = []
        for violation in result.verdict.response.violations where violated.last != violation.policyName {
            violated.append(violation.policyName)
        }
        violatedPolicies = violated
        violationCount = result.verdict.response.violations.count
        strategy = decision.strategy.map { String($0.prefix(100)) }
        decidedAt = decision.timestamp
        self.validatedAt = validatedAt
        durationMicros = Int(min(max(durationSeconds * 1e6, 0), Double(Int32.max)))
    }

    /// The stream row's id: one per decision.
    public static func streamID(portfolioID: String, decisionID: String) -> UUID {
        DeterministicID.uuid("validation", portfolioID, decisionID)
    }
}

/// Inserts decision-log rows in one statement of column arrays; `ON CONFLICT DO NOTHING` keeps a
/// redelivered decision to one row.
public struct ValidationLogWriter: Sendable {
    /// Creates a writer.
    public init() {}

    static let columns: [(name: String, type: String)] = [
        ("id", "uuid"), ("decision_id", "text"), ("portfolio_id", "text"), ("source", "text"), ("is_compliant", "bool"),
        ("compliance_score", "float8"), ("policies_checked", "text[]"), ("violated_policies", "text[]"), ("violation_count", "int8"),
        ("strategy", "text"), ("decided_at", "timestamptz"), ("validated_at", "timestamptz"), ("duration_us", "int8"),
    ]

    /// Inserts `rows`; returns how many were new.
    @discardableResult
    public func write(_ rows: [ValidationLogRow], on connection: PostgresConnection) throws -> Int {
        guard !rows.isEmpty else { return 0 }
        return try connection.insert([insert(rows)])
    }

    /// The insert of `rows`, to run alone or in one statement with others.
    public func insert(_ rows: [ValidationLogRow]) -> PostgresArrayInsert {
        let values: [[PostgresValue]] = rows.map { row in
            [.uuid(row.id), .text(row.decisionID), .text(row.portfolioID), .text(row.source.rawValue), .bool(row.isCompliant),
             .double(row.complianceScore), .textArray(row.policiesChecked), .textArray(row.violatedPolicies),
             .int(Int64(row.violationCount)), row.strategy.map(PostgresValue.text) ?? .null, .timestamp(row.decidedAt),
             .timestamp(row.validatedAt), .int(Int64(row.durationMicros))]
        }
        return PostgresArrayInsert(into: "policy_validations", typedColumns: Self.columns, rows: values, onConflict: "(id) DO NOTHING")
    }
}
