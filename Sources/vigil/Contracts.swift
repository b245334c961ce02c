import ArgumentParser
import Foundation
import VigilCore
import VigilService

/// `vigil contracts apply|list`: feature contracts straight against PostgreSQL; the table's
/// trigger makes every running instance reload within a second.
struct Contracts: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage the feature contracts in feature_contracts.",
        subcommands: [Apply.self, List.self])

    struct Apply: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Insert or replace the contracts of a YAML file (one contract or a list); all or nothing.")
        @OptionGroup var options: ConfigurationOptions
        @Argument(help: "YAML file with feature_name, value_type, minimum, maximum, nullable, expected_latency_seconds, timestamp_granularity_seconds, description.")
        var file: String

        func run() async throws {
            try await applyYAMLFile(file, options: options, invalid: InputError.self) { configuration, text in
                appliedLines(try VigilTasks.applyContracts(configuration, yaml: text))
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show every feature contract.")
        @OptionGroup var options: ConfigurationOptions

        func run() async throws {
            try await exitOnFailure {
                let contracts = try VigilTasks.listContracts(try options.load())
                guard !contracts.isEmpty else { print("no contracts"); return }
                func number(_ value: Double?) -> String { value.map(Format.number) ?? "-" }
                let header = ["FEATURE", "TYPE", "MIN", "MAX", "NULLABLE", "LATENCY_S", "GRANULARITY_S"]
                let rows = contracts.map { c in
                    [c.featureName, c.valueType.rawValue, number(c.minimum), number(c.maximum), c.nullable ? "yes" : "no",
                     number(c.expectedLatencySeconds), number(c.timestampGranularitySeconds)]
                }
                let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
                for row in [header] + rows {
                    print(row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
                        .joined(separator: "  ").trimmingCharacters(in: .whitespaces))
                }
            }
        }
    }
}
