import Foundation
public import VigilCore
public import VigilPostgres

/// Reads and writes `portfolio_policies`.
public struct PolicyRepository: Sendable {
    /// Creates a repository.
    public init() {}

    private static let columns = "policy_name, policy_type, policy_rules::text AS policy_rules, enforcement_level, enabled, portfolio_ids::text[] AS portfolio_ids"

    /// Loads every policy and compiles it. A row that cannot be read or compiled is listed in
    /// the set's `rejected`, whole; it is never half-loaded.
    public func loadPolicySet(on connection: PostgresConnection) throws -> PolicySet {
        let result = try connection.query("SELECT \(Self.columns) FROM portfolio_policies ORDER BY policy_name")
        var definitions: [PolicyDefinition] = []
        var unreadable: [PolicyError] = []
        for row in result.rows {
            let name = (try? row.string("policy_name")) ?? "?"
            do {
                definitions.append(try Self.definition(from: row))
            } catch let error as PolicyError {
                unreadable.append(error)
            } catch {
                unreadable.append(PolicyError(policyName: name, field: "", "cannot be read: \(error)"))
            }
        }
        let set = PolicySet(definitions: definitions)
        return set.adding(rejections: unreadable)
    }

    static func definition(from row: PostgresRow) throws -> PolicyDefinition {
        let name = try row.string("policy_name")
        let typeText = try row.string("policy_type")
        guard let type = PolicyType(rawValue: typeText) else {
            throw PolicyError(policyName: name, field: "policy_type", "unknown policy type '\(typeText.prefix(50))'")
        }
        let levelText = try row.string("enforcement_level")
        guard let level = EnforcementLevel(rawValue: levelText) else {
            throw PolicyError(policyName: name, field: "enforcement_level", "must be strict or advisory, got '\(levelText.prefix(20))'")
        }
        let rules: JSONValue
        do {
            rules = try JSONDecoder().decode(JSONValue.self, from: Data(try row.string("policy_rules").utf8))
        } catch {
            throw PolicyError(policyName: name, field: "policy_rules", "is not valid JSON")
        }
        let portfolios = try row.isNull("portfolio_ids") ? nil : try row.stringArray("portfolio_ids")
        return PolicyDefinition(policyName: name, policyType: type, rules: rules, enforcementLevel: level,
                                enabled: try row.bool("enabled"), portfolioIDs: portfolios)
    }
}
