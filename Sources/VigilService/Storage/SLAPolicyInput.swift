import Foundation
public import VigilCore

/// Reads SLA policies from the REST body and the `vigil sla policies apply` file, naming the
/// severity and field of the first problem, so nothing half-valid ever reaches `sla_policies`.
public enum SLAPolicyInput {
    /// The fields a policy object may carry; anything else is rejected rather than ignored, so a
    /// misspelt key cannot silently leave the old value in force.
    static let fields: Set<String> = ["severity", "priority", "acknowledge_within_seconds", "resolve_within_seconds", "warning_fraction"]

    /// One policy object for `severity`. `warning_fraction` defaults to 0.8; `severity` (or
    /// `priority`), when present, must name the same severity.
    public static func policy(_ value: JSONValue, severity: Severity) throws(SLAPolicyInputError) -> SLAPolicy {
        guard case .object(let object) = value else {
            throw SLAPolicyInputError(severity: severity, field: "", "must be an object")
        }
        if let unknown = object.keys.sorted().first(where: { !fields.contains($0) }) {
            throw SLAPolicyInputError(severity: severity, field: unknown, "is not a known field")
        }
        for key in ["severity", "priority"] {
            guard let named = object[key] else { continue }
            guard case .string(let text) = named, Severity(text: text) == severity else {
                throw SLAPolicyInputError(severity: severity, field: key, "must name the same severity (\(severity.priority) / \(severity.rawValue))")
            }
        }
        func number(_ key: String, default fallback: Double? = nil) throws(SLAPolicyInputError) -> Double {
            switch object[key] {
            case .number(let value)?: return value
            case nil where fallback != nil: return fallback ?? 0
            case nil: throw SLAPolicyInputError(severity: severity, field: key, "is required")
            default: throw SLAPolicyInputError(severity: severity, field: key, "must be a number")
            }
        }
        let policy = SLAPolicy(severity: severity, acknowledgeWithin: try number("acknowledge_within_seconds"),
                               resolveWithin: try number("resolve_within_seconds"),
                               warningFraction: try number("warning_fraction", default: 0.8))
        if let problem = policy.problem {
            // SLAPolicy.problem starts with the field's name.
            let field = problem.split(separator: " ").first.map(String.init) ?? ""
            throw SLAPolicyInputError(severity: severity, field: field, String(problem.dropFirst(field.count).drop { $0 == " " }))
        }
        return policy
    }

    /// A policy file: a mapping from severity (`P0`…`P3` or `CRITICAL`…`LOW`) to a policy object,
    /// optionally under a top-level `sla_policies` key. Severities left out keep their policy.
    /// The text must keep ``YAMLLimits/applyFile``.
    public static func policies(fromYAML text: String) throws(SLAPolicyInputError) -> [SLAPolicy] {
        let root: JSONValue
        do {
            root = try PolicyFile.jsonValue(yaml: text, limits: .applyFile)
        } catch let error as YAMLInputError {
            throw SLAPolicyInputError(severity: nil, field: "", error.message)
        } catch {
            throw SLAPolicyInputError(severity: nil, field: "", "is not valid YAML: \(String(describing: error).prefix(300))")
        }
        var mapping = root
        if case .object(let object) = root, object.count == 1, let inner = object["sla_policies"] { mapping = inner }
        guard case .object(let entries) = mapping, !entries.isEmpty else {
            throw SLAPolicyInputError(severity: nil, field: "", "must map severities (P0..P3) to policies")
        }
        var seen: [Severity: String] = [:]
        var result: [SLAPolicy] = []
        for key in entries.keys.sorted() {
            guard let severity = Severity(text: key) else {
                throw SLAPolicyInputError(severity: nil, field: key, "is not a severity (P0..P3 or CRITICAL, HIGH, MEDIUM, LOW)")
            }
            if let other = seen[severity] {
                throw SLAPolicyInputError(severity: severity, field: key, "names the same severity as '\(other)'")
            }
            seen[severity] = key
            result.append(try policy(entries[key] ?? .null, severity: severity))
        }
        return result.sorted { $0.severity > $1.severity }
    }
}

/// An SLA policy input that cannot be used: which severity, which field, and why.
public struct SLAPolicyInputError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The severity concerned, when known.
    public var severity: Severity?
    /// The offending field (empty for the whole object or file).
    public var field: String
    /// What is wrong.
    public var message: String

    /// Creates an error.
    public init(severity: Severity?, field: String, _ message: String) {
        self.severity = severity
        self.field = field
        self.message = message
    }

    public var description: String {
        let subject = [severity.map { "SLA policy \($0.priority)" }, field.isEmpty ? nil : field].compactMap { $0 }
        return (subject.isEmpty ? "" : subject.joined(separator: ": ") + " ") + message
    }
}

/// How a policy is shown over REST and by the CLI: both the severity's name and its priority.
public struct SLAPolicyView: Sendable, Codable, Equatable {
    /// CRITICAL, HIGH, MEDIUM or LOW.
    public var severity: String
    /// P0…P3.
    public var priority: String
    /// Seconds from creation to acknowledgement.
    public var acknowledgeWithinSeconds: Double
    /// Seconds from creation to resolution.
    public var resolveWithinSeconds: Double
    /// Fraction of the allowed time after which a warning fires.
    public var warningFraction: Double

    /// The view of `policy`.
    public init(_ policy: SLAPolicy) {
        severity = policy.severity.rawValue
        priority = policy.severity.priority
        acknowledgeWithinSeconds = policy.acknowledgeWithin
        resolveWithinSeconds = policy.resolveWithin
        warningFraction = policy.warningFraction
    }

    /// Every severity's view, most urgent first.
    public static func all(_ policies: [Severity: SLAPolicy]) -> [SLAPolicyView] {
        Severity.allCases.sorted(by: >).compactMap { policies[$0] ?? SLAPolicy.defaults[$0] }.map(SLAPolicyView.init)
    }

    enum CodingKeys: String, CodingKey {
        case severity, priority
        case acknowledgeWithinSeconds = "acknowledge_within_seconds"
        case resolveWithinSeconds = "resolve_within_seconds"
        case warningFraction = "warning_fraction"
    }
}
