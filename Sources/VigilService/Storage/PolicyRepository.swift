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

    // MARK: Administration (REST, CLI)

    private static let storedColumns = columns + ", description, created_at, updated_at"

    /// Every row, in name order, with why a row is rejected when it does not compile.
    public func list(on connection: PostgresConnection) throws -> [StoredPolicy] {
        try connection.query("SELECT \(Self.storedColumns) FROM portfolio_policies ORDER BY policy_name").rows.map(Self.stored)
    }

    /// One row by name, or nil.
    public func get(_ name: String, on connection: PostgresConnection) throws -> StoredPolicy? {
        try connection.query("SELECT \(Self.storedColumns) FROM portfolio_policies WHERE policy_name = $1", [.text(name)])
            .rows.first.map(Self.stored)
    }

    /// Inserts or replaces `documents` in one transaction, so a file applies whole or not at all
    /// (the table's trigger then tells every instance to reload, once). Callers compile first;
    /// the table's constraints are the last line of defence. Returns, per name, whether it was new.
    @discardableResult
    public func upsert(_ documents: [PolicyDocument], on connection: PostgresConnection) throws -> [String: Bool] {
        try connection.transaction { connection in
            var created: [String: Bool] = [:]
            for document in documents {
                let definition = document.definition
                let rules = String(decoding: try OutputEncoder().encode(definition.rules), as: UTF8.self)
                let portfolios: PostgresValue = definition.portfolioIDs.map { .textArray($0) } ?? .null
                // xmax = 0 only on a freshly inserted row version: it tells insert from update.
                let result = try connection.query("""
                    INSERT INTO portfolio_policies (policy_name, policy_type, policy_rules, enforcement_level, enabled, portfolio_ids, description)
                    VALUES ($1, $2, $3::jsonb, $4, $5, $6::text[], $7)
                    ON CONFLICT (policy_name) DO UPDATE SET policy_type = EXCLUDED.policy_type, policy_rules = EXCLUDED.policy_rules,
                        enforcement_level = EXCLUDED.enforcement_level, enabled = EXCLUDED.enabled,
                        portfolio_ids = EXCLUDED.portfolio_ids, description = EXCLUDED.description, updated_at = now()
                    RETURNING (xmax = 0) AS created
                    """, [.text(definition.policyName), .text(definition.policyType.rawValue), .json(rules),
                          .text(definition.enforcementLevel.rawValue), .bool(definition.enabled), portfolios,
                          document.description.map { .text($0) } ?? .null])
                created[definition.policyName] = try result.rows.first?.bool("created") ?? false
            }
            return created
        }
    }

    /// Deletes a policy; returns whether it existed.
    public func delete(_ name: String, on connection: PostgresConnection) throws -> Bool {
        try connection.execute("DELETE FROM portfolio_policies WHERE policy_name = $1", [.text(name)]) > 0
    }

    static func stored(_ row: PostgresRow) throws -> StoredPolicy {
        let rules = (try? JSONDecoder().decode(JSONValue.self, from: Data(try row.string("policy_rules").utf8))) ?? .null
        var stored = StoredPolicy(
            policyName: try row.string("policy_name"), policyType: try row.string("policy_type"), rules: rules,
            enforcementLevel: try row.string("enforcement_level"), enabled: try row.bool("enabled"),
            portfolioIDs: try row.isNull("portfolio_ids") ? nil : try row.stringArray("portfolio_ids"),
            description: try row.isNull("description") ? nil : try row.string("description"),
            createdAt: try row.date("created_at"), updatedAt: try row.date("updated_at"), error: nil)
        do {
            _ = try CompiledPolicy(try Self.definition(from: row))
        } catch let error as PolicyError {
            stored.error = error
        } catch {
            stored.error = PolicyError(policyName: stored.policyName, field: "", "cannot be read: \(error)")
        }
        return stored
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
