import ArgumentParser
import Foundation
import VigilService

/// `vigil sla policies list|apply`: SLA policy administration straight against PostgreSQL; the
/// table's trigger makes every running instance reload within a second.
struct SLA: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sla", abstract: "Dispatch SLA administration.",
                                                    subcommands: [Policies.self])

    struct Policies: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Manage the SLA policies in sla_policies.",
                                                        subcommands: [List.self, Apply.self])
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the SLA policy in force for every severity.")
        @OptionGroup var options: ConfigurationOptions

        func run() async throws {
            try await exitOnFailure {
                print(SLAPolicyTable.render(try VigilTasks.listSLAPolicies(try options.load())))
            }
        }
    }

    struct Apply: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replace the SLA policies of the severities in a YAML file; all or nothing.")
        @OptionGroup var options: ConfigurationOptions
        @Argument(help: "YAML mapping of P0..P3 (or CRITICAL..LOW) to acknowledge_within_seconds, resolve_within_seconds, warning_fraction.")
        var file: String

        func run() async throws {
            try await applyYAMLFile(file, options: options, invalid: SLAPolicyInputError.self) { configuration, text in
                SLAPolicyTable.render(try VigilTasks.applySLAPolicies(configuration, yaml: text))
            }
        }
    }
}

/// The `vigil sla policies` table.
enum SLAPolicyTable {
    static func render(_ policies: [SLAPolicyView]) -> String {
        let header = ["PRIORITY", "SEVERITY", "ACKNOWLEDGE_S", "RESOLVE_S", "WARNING"]
        let rows = policies.map { [$0.priority, $0.severity, number($0.acknowledgeWithinSeconds), number($0.resolveWithinSeconds),
                                   number($0.warningFraction)] }
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        return ([header] + rows).map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    private static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
