/// A policy definition that cannot be used, with the key at fault.
public struct PolicyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The policy's name.
    public var policyName: String
    /// The offending key inside `policy_rules` (or the definition field), empty for the whole policy.
    public var field: String
    /// What is wrong.
    public var message: String

    /// Creates an error.
    public init(policyName: String, field: String, _ message: String) {
        self.policyName = policyName
        self.field = field
        self.message = message
    }

    public var description: String {
        field.isEmpty ? "policy '\(policyName)': \(message)" : "policy '\(policyName)': `\(field)`: \(message)"
    }
}

/// Reads typed values out of a `policy_rules` object, rejecting unknown keys so that a typo can
/// never silently disable a limit.
struct RuleReader {
    let policyName: String
    let rules: [String: JSONValue]
    private var used: Set<String> = []

    init(policyName: String, rules: JSONValue) throws(PolicyError) {
        guard let object = rules.objectValue else {
            throw PolicyError(policyName: policyName, field: "policy_rules", "must be a JSON object")
        }
        self.policyName = policyName
        self.rules = object
    }

    mutating func limit(_ key: String, maximum: Double = .infinity) throws(PolicyError) -> Double? {
        used.insert(key)
        guard let value = rules[key], value != .null else { return nil }
        guard let number = value.numberValue, number.isFinite, number > 0, number <= maximum else {
            let range = maximum.isFinite ? "in (0, \(maximum)]" : "greater than 0"
            throw PolicyError(policyName: policyName, field: key, "must be a number \(range)")
        }
        return number
    }

    mutating func strings(_ key: String) throws(PolicyError) -> [String]? {
        used.insert(key)
        guard let value = rules[key], value != .null else { return nil }
        guard let items = value.arrayValue else {
            throw PolicyError(policyName: policyName, field: key, "must be an array of strings")
        }
        var out: [String] = []
        for item in items {
            guard let text = item.stringValue else {
                throw PolicyError(policyName: policyName, field: key, "must be an array of strings")
            }
            out.append(text)
        }
        return out
    }

    mutating func severity(default fallback: Severity) throws(PolicyError) -> Severity {
        used.insert("severity")
        guard let value = rules["severity"], value != .null else { return fallback }
        guard let text = value.stringValue, let severity = Severity(text: text) else {
            throw PolicyError(policyName: policyName, field: "severity", "must be one of CRITICAL, HIGH, MEDIUM, LOW")
        }
        return severity
    }

    func rejectUnknownKeys() throws(PolicyError) {
        if let unknown = rules.keys.sorted().first(where: { !used.contains($0) }) {
            throw PolicyError(policyName: policyName, field: unknown,
                              "is not a known rule; known rules: \(used.sorted().joined(separator: ", "))")
        }
    }
}
