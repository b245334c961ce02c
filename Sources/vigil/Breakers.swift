import ArgumentParser
import Foundation
import VigilCore
import VigilService

/// `vigil incidents report ID`: an incident in seed 002's report template.
struct Incidents: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Incidents opened by breaker trips and quarantines.",
                                                    subcommands: [Report.self])

    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print an incident's Markdown report.")
        @OptionGroup var options: ConfigurationOptions
        @Argument(help: "The incident id, e.g. PIT-2026-001.")
        var id: String

        func run() async throws {
            try await exitOnFailure {
                guard let report = try VigilTasks.incidentReport(try options.load(), id: id) else {
                    throw CLIError(message: "no incident '\(id)'", exitCode: 1)
                }
                print(report, terminator: "")
            }
        }
    }
}

/// `vigil breakers list|reset SCOPE`.
struct Breakers: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Circuit breakers in Redis.", subcommands: [List.self, Reset.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show every breaker: scope, state, percent, reason.")
        @OptionGroup var options: ConfigurationOptions

        func run() async throws {
            try await exitOnFailure {
                for breaker in try VigilTasks.listBreakers(try options.load()) {
                    print("\(breaker.scope)\t\(breaker.phase.rawValue)\t\(breaker.percent)%\t\(breaker.reason)")
                }
            }
        }
    }

    struct Reset: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Close a breaker and resolve its incident causes.")
        @OptionGroup var options: ConfigurationOptions
        @Argument(help: "The scope, e.g. global or service:feeds.")
        var scope: String
        @Option(help: "Why (kept in the incident timeline).")
        var note: String

        func run() async throws {
            try await exitOnFailure {
                guard !note.trimmingCharacters(in: .whitespaces).isEmpty else { throw CLIError(message: "--note must not be empty", exitCode: 2) }
                let transition = try VigilTasks.resetBreaker(try options.load(), scope: scope, note: note)
                print(transition == nil ? "\(scope) was already closed" : "\(scope) closed")
            }
        }
    }
}

/// `vigil quarantine list|release FEATURE`.
struct Quarantine: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Quarantined features.", subcommands: [List.self, Release.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show quarantined features and why.")
        @OptionGroup var options: ConfigurationOptions

        func run() async throws {
            try await exitOnFailure {
                for (feature, reason) in try VigilTasks.listQuarantine(try options.load()).sorted(by: { $0.key < $1.key }) {
                    print("\(feature)\t\(reason)")
                }
            }
        }
    }

    struct Release: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Release a feature and resolve its incident causes.")
        @OptionGroup var options: ConfigurationOptions
        @Argument(help: "The feature name.")
        var feature: String
        @Option(help: "Why (kept in the incident timeline).")
        var note: String

        func run() async throws {
            try await exitOnFailure {
                guard !note.trimmingCharacters(in: .whitespaces).isEmpty else { throw CLIError(message: "--note must not be empty", exitCode: 2) }
                guard try VigilTasks.releaseFeature(try options.load(), feature: feature, note: note) else {
                    throw CLIError(message: "feature '\(feature)' is not quarantined", exitCode: 1)
                }
                print("released \(feature)")
            }
        }
    }
}
