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

    /// A fraction in [0, `maximum`] (zero allowed, unlike ``limit(_:maximum:)``), e.g. a minimum cash weight.
    mutating func fraction(_ key: String, maximum: Double = 1) throws(PolicyError) -> Double? {
        used.insert(key)
        guard let value = rules[key], value != .null else { return nil }
        guard let number = value.numberValue, number.isFinite, number >= 0, number <= maximum else {
            throw PolicyError(policyName: policyName, field: key, "must be a number in [0, \(Format.number(maximum))]")
        }
        return number
    }

    /// A whole number of at least 1, e.g. an order count or `top_n`.
    mutating func count(_ key: String) throws(PolicyError) -> Int? {
        used.insert(key)
        guard let value = rules[key], value != .null else { return nil }
        guard let number = value.numberValue, number.isFinite, number >= 1, number <= 1e9, number == number.rounded() else {
            throw PolicyError(policyName: policyName, field: key, "must be a whole number from 1 to 1000000000")
        }
        return Int(number)
    }

    /// A boolean flag.
    mutating func flag(_ key: String) throws(PolicyError) -> Bool? {
        used.insert(key)
        guard let value = rules[key], value != .null else { return nil }
        guard case .bool(let flag) = value else {
            throw PolicyError(policyName: policyName, field: key, "must be true or false")
        }
        return flag
    }

    /// An object of name → limit in (0, `maximum`]; a bad entry is named as `key.name`.
    mutating func limits(_ key: String, maximum: Double) throws(PolicyError) -> [String: Double]? {
        used.insert(key)
        guard let value = rules[key], value != .null else { return nil }
        guard let members = value.objectValue else {
            throw PolicyError(policyName: policyName, field: key, "must be an object of name → number")
        }
        var out: [String: Double] = [:]
        for (name, entry) in members {
            guard let number = entry.numberValue, number.isFinite, number > 0, number <= maximum else {
                throw PolicyError(policyName: policyName, field: "\(key).\(name)", "must be a number in (0, \(Format.number(maximum))]")
            }
            out[name] = number
        }
        return out
    }

    /// The `severity` key when given: it then overrides every default severity of the policy.
    mutating func severityOverride() throws(PolicyError) -> Severity? {
        guard rules["severity"] != nil, rules["severity"] != .null else {
            used.insert("severity")
            return nil
        }
        return try severity(default: .high)
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
