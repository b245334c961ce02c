import Foundation
import Synchronization
public import VigilCore
public import VigilPostgres

/// Reads and writes `sla_policies`. Severities without a row use ``SLAPolicy/defaults``.
public struct SLAPolicyRepository: Sendable {
    /// Creates a repository.
    public init() {}

    /// Every severity's policy: the stored row, else the default.
    public func load(on connection: PostgresConnection) throws -> [Severity: SLAPolicy] {
        let result = try connection.query(
            "SELECT severity, acknowledge_within_seconds, resolve_within_seconds, warning_fraction FROM sla_policies")
        var policies = SLAPolicy.defaults
        for row in result.rows {
            guard let severity = Severity(text: try row.string("severity")) else { continue }
            policies[severity] = SLAPolicy(severity: severity, acknowledgeWithin: try row.double("acknowledge_within_seconds"),
                                           resolveWithin: try row.double("resolve_within_seconds"),
                                           warningFraction: try row.double("warning_fraction"))
        }
        return policies
    }

    /// Stores policies (insert or replace), in one statement; the table's trigger tells every
    /// instance to reload. Throws ``SLAPolicyError`` naming the field of the first invalid one.
    public func upsert(_ policies: [SLAPolicy], on connection: PostgresConnection) throws {
        for policy in policies {
            if let problem = policy.problem { throw SLAPolicyError(severity: policy.severity, message: problem) }
        }
        guard !policies.isEmpty else { return }
        try connection.insert(
            into: "sla_policies", columns: ["severity", "acknowledge_within_seconds", "resolve_within_seconds", "warning_fraction", "updated_at"],
            rows: policies.map { [.text($0.severity.rawValue), .double($0.acknowledgeWithin), .double($0.resolveWithin),
                                  .double($0.warningFraction), .timestamp(Date())] },
            onConflict: "(severity) DO UPDATE SET acknowledge_within_seconds = EXCLUDED.acknowledge_within_seconds, "
                + "resolve_within_seconds = EXCLUDED.resolve_within_seconds, warning_fraction = EXCLUDED.warning_fraction, "
                + "updated_at = EXCLUDED.updated_at")
    }
}

/// An SLA policy that cannot be stored; the message names the field.
public struct SLAPolicyError: Error, Sendable, CustomStringConvertible {
    /// The severity concerned.
    public var severity: Severity
    /// What is wrong.
    public var message: String
    public var description: String { "SLA policy \(severity.priority): \(message)" }
}

/// The SLA policies in force, shared by the pipeline and the timer loop, replaced on reload.
final class SLAPolicyBook: Sendable {
    private let policies: Mutex<[Severity: SLAPolicy]>

    init(_ policies: [Severity: SLAPolicy] = SLAPolicy.defaults) {
        self.policies = Mutex(policies)
    }

    var current: [Severity: SLAPolicy] { policies.withLock { $0 } }

    func replace(with policies: [Severity: SLAPolicy]) { self.policies.withLock { $0 = policies } }
}
