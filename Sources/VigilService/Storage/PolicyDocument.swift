public import VigilCore

/// A policy as written by an operator (REST PUT body, an entry of a `vigil policies apply` YAML
/// file): the definition plus its description. Parsing is strict — an unknown key is an error
/// naming the key — so a typo never silently drops a setting.
public struct PolicyDocument: Sendable, Equatable {
    /// The definition to store.
    public var definition: PolicyDefinition
    /// Operator notes stored in `description`.
    public var description: String?

    /// Creates a document.
    public init(definition: PolicyDefinition, description: String? = nil) {
        self.definition = definition
        self.description = description
    }

    /// Keys a document may carry. `created_at`, `updated_at` and `error` are accepted and ignored so
    /// that what GET returns can be PUT back unchanged.
    static let knownKeys: Set<String> = ["policy_name", "policy_type", "rules", "policy_rules", "enforcement_level", "enabled",
                                         "portfolio_ids", "description", "created_at", "updated_at", "error"]

    /// Reads a document from a JSON object. `name`, when given (the REST path), is the policy's
    /// name; a `policy_name` in the body must then match it.
    public static func parse(_ value: JSONValue, name: String? = nil) throws(PolicyError) -> PolicyDocument {
        let label = name ?? value.objectValue?["policy_name"]?.stringValue ?? "?"
        func fail(_ field: String, _ message: String) -> PolicyError { PolicyError(policyName: label, field: field, message) }
        guard let object = value.objectValue else { throw fail("", "must be a JSON object") }
        if let unknown = object.keys.sorted().first(where: { !knownKeys.contains($0) }) {
            throw fail(unknown, "is not a policy field; fields: \(knownKeys.sorted().joined(separator: ", "))")
        }
        let bodyName = object["policy_name"]
        var policyName: String
        switch (name, bodyName) {
        case (let name?, nil), (let name?, .null?): policyName = name
        case (let name?, let given?):
            guard given.stringValue == name else { throw fail("policy_name", "must match the name in the path ('\(name.prefix(100))')") }
            policyName = name
        case (nil, let given?):
            guard let text = given.stringValue else { throw fail("policy_name", "must be a string") }
            policyName = text
        case (nil, nil): throw fail("policy_name", "is required")
        }
        guard !policyName.isEmpty, policyName.count <= 100 else { throw fail("policy_name", "must be 1 to 100 characters") }
        // New names only: rows stored before this check keep loading (a YAML `|` name ends in "\n").
        guard !Self.hasControlCharacters(policyName) else { throw fail("policy_name", "must not contain control characters") }

        guard let typeValue = object["policy_type"] else { throw fail("policy_type", "is required") }
        guard let typeText = typeValue.stringValue, let type = PolicyType(rawValue: typeText) else {
            throw fail("policy_type", "must be one of \(PolicyType.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if object["rules"] != nil, object["policy_rules"] != nil { throw fail("policy_rules", "give either rules or policy_rules, not both") }
        guard let rules = object["rules"] ?? object["policy_rules"] else { throw fail("rules", "is required") }
        guard rules.objectValue != nil else { throw fail("rules", "must be a JSON object") }

        var level = EnforcementLevel.strict
        if let value = object["enforcement_level"], value != .null {
            guard let text = value.stringValue, let parsed = EnforcementLevel(rawValue: text) else {
                throw fail("enforcement_level", "must be strict or advisory")
            }
            level = parsed
        }
        var enabled = true
        if let value = object["enabled"], value != .null {
            guard case .bool(let flag) = value else { throw fail("enabled", "must be true or false") }
            enabled = flag
        }
        var portfolios: [String]?
        if let value = object["portfolio_ids"], value != .null {
            guard let items = value.arrayValue, items.allSatisfy({ $0.stringValue != nil }) else {
                throw fail("portfolio_ids", "must be an array of strings")
            }
            portfolios = items.compactMap(\.stringValue)
            for (index, portfolio) in (portfolios ?? []).enumerated()
            where portfolio.isEmpty || portfolio.count > 100 || Self.hasControlCharacters(portfolio) {
                throw fail("portfolio_ids[\(index)]", "must be a portfolio id of 1 to 100 characters without control characters")
            }
        }
        var description: String?
        if let value = object["description"], value != .null {
            guard let text = value.stringValue else { throw fail("description", "must be a string") }
            description = text
        }
        let definition = PolicyDefinition(policyName: policyName, policyType: type, rules: rules, enforcementLevel: level,
                                          enabled: enabled, portfolioIDs: portfolios)
        return PolicyDocument(definition: definition, description: description)
    }

    /// Compiles the definition as the engine would, throwing the error that names the bad key.
    public func check() throws(PolicyError) {
        _ = try CompiledPolicy(definition)
    }

    private static func hasControlCharacters(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }
}
