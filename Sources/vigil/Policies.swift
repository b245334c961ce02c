import ArgumentParser
import Foundation
import VigilCore
import VigilService

/// `vigil policies apply|list|delete`: policy administration straight against PostgreSQL; the
/// table's trigger makes every running instance reload within a second.
struct Policies: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage the policies in portfolio_policies.",
        subcommands: [Apply.self, List.self, Delete.self])

    struct Apply: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Insert or replace the policies of a YAML file (one policy or a list); all or nothing.")
        @OptionGroup var options: ConfigurationOptions
        @Argument(help: "YAML file with policy_name, policy_type, rules, enforcement_level, enabled, portfolio_ids, description.")
        var file: String

        func run() async throws {
            try await applyYAMLFile(file, options: options, invalid: PolicyError.self) { configuration, text in
                appliedLines(try VigilTasks.applyPolicies(configuration, yaml: text))
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show every policy, and why a rejected one is not enforced.")
        @OptionGroup var options: ConfigurationOptions

        func run() async throws {
            try await exitOnFailure {
                let policies = try VigilTasks.listPolicies(try options.load())
                print(PolicyTable.render(policies))
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a policy by name.")
        @OptionGroup var options: ConfigurationOptions
        @Argument(help: "The policy_name.")
        var name: String

        func run() async throws {
            try await exitOnFailure {
                guard try VigilTasks.deletePolicy(try options.load(), name: name) else {
                    throw CLIError(message: "no policy named '\(name)'", exitCode: 1)
                }
                print("deleted \(name)")
            }
        }
    }
}

/// The `vigil policies list` table: name, type, level, enabled, scope, and status.
enum PolicyTable {
    static func render(_ policies: [StoredPolicy]) -> String {
        let header = ["NAME", "TYPE", "LEVEL", "ENABLED", "SCOPE", "STATUS"]
        let rows = policies.map { policy in
            [policy.policyName, policy.policyType, policy.enforcementLevel, policy.enabled ? "yes" : "no", policy.scopeSummary,
             policy.error.map { "REJECTED: \($0.description)" } ?? "ok"]
        }
        guard !rows.isEmpty else { return "no policies" }
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        return ([header] + rows).map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
