import ArgumentParser
import Foundation
import VigilCore

/// `vigil-bench policies`: prints the benchmark's policy mix as SQL (to pipe into psql, which
/// also exercises the NOTIFY-driven reload) or as JSON (to edit and pass back with `--policies`).
struct PoliciesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policies", abstract: "Print the benchmark policy mix as SQL upserts or JSON.")

    @Option(help: "JSON file with an array of policy definitions (default: the built-in mix).")
    var policies: String?

    @Flag(help: "Print JSON instead of SQL.")
    var json = false

    func run() throws {
        let workload = try BenchWorkload.load(policyFile: policies, ordersPerDecision: 3)
        let encoder = OutputEncoder()
        if json {
            print(String(decoding: try encoder.encode(workload.policies), as: UTF8.self))
            return
        }
        var lines = ["BEGIN;"]
        for policy in workload.policies {
            let rules = String(decoding: try encoder.encode(policy.rules), as: UTF8.self)
            let scope = policy.portfolioIDs.map { ids in "ARRAY[" + ids.map(Self.literal).joined(separator: ",") + "]::text[]" } ?? "NULL"
            lines.append("""
                INSERT INTO portfolio_policies (policy_name, policy_type, policy_rules, enforcement_level, enabled, portfolio_ids, description)
                VALUES (\(Self.literal(policy.policyName)), \(Self.literal(policy.policyType.rawValue)), \(Self.literal(rules))::jsonb, \
                \(Self.literal(policy.enforcementLevel.rawValue)), \(policy.enabled), \(scope), 'vigil-bench')
                ON CONFLICT (policy_name) DO UPDATE SET policy_type = EXCLUDED.policy_type, policy_rules = EXCLUDED.policy_rules,
                    enforcement_level = EXCLUDED.enforcement_level, enabled = EXCLUDED.enabled, portfolio_ids = EXCLUDED.portfolio_ids,
                    updated_at = now();
                """)
        }
        lines.append("COMMIT;")
        print(lines.joined(separator: "\n"))
    }

    /// A SQL string literal with quotes doubled.
    static func literal(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }
}
