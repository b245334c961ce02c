import ArgumentParser
import Foundation
import VigilCore
import VigilService

/// `vigil alerts list|ack|resolve`: alert administration against PostgreSQL, Redis and NATS,
/// recorded in the audit trail like the REST API.
struct Alerts: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List, acknowledge and resolve alerts.", subcommands: [List.self, Ack.self, Resolve.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show alerts, most recently seen first.")
        @OptionGroup var options: ConfigurationOptions
        @Option(help: "open, escalated, acknowledged, resolved or suppressed.") var status: String?
        @Option(help: "CRITICAL, HIGH, MEDIUM, LOW (or P0..P3).") var severity: String?
        @Option(help: "At most this many.") var limit = 100

        func run() async throws {
            try await exitOnFailure {
                var filter = AlertAdministration.AlertFilter(limit: limit)
                if let status {
                    guard let value = AlertStatus(rawValue: status) else { throw CLIError(message: "--status: unknown status '\(status)'", exitCode: 2) }
                    filter.status = value
                }
                if let severity {
                    guard let value = Severity(text: severity) else { throw CLIError(message: "--severity: unknown severity '\(severity)'", exitCode: 2) }
                    filter.severity = value
                }
                for alert in try VigilTasks.listAlerts(try options.load(), filter: filter) {
                    print("\(alert.id)  \(alert.status.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)) \(alert.severity.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) L\(alert.level) x\(alert.count)  \(alert.dedupKey)  \(alert.title)")
                }
            }
        }
    }

    struct Ack: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Acknowledge an alert: escalation stops.")
        @OptionGroup var options: ConfigurationOptions
        @Argument(help: "The alert id.") var id: String
        @Option(help: "Who acknowledges (recorded in the audit trail).") var user: String
        @Option(help: "Why.") var note = ""

        func run() async throws {
            try await exitOnFailure { try act(.acknowledge, options, id, user, note) }
        }
    }

    struct Resolve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Resolve an alert.")
        @OptionGroup var options: ConfigurationOptions
        @Argument(help: "The alert id.") var id: String
        @Option(help: "Who resolves (recorded in the audit trail).") var user: String
        @Option(help: "Why.") var note = ""

        func run() async throws {
            try await exitOnFailure { try act(.resolve, options, id, user, note) }
        }
    }

    static func act(_ action: AlertAction, _ options: ConfigurationOptions, _ id: String, _ user: String, _ note: String) throws {
        do {
            guard let alert = try VigilTasks.actOnAlert(try options.load(), action, id: id, user: user, note: note) else {
                throw CLIError(message: "no alert '\(id)'", exitCode: 1)
            }
            print("\(alert.id) \(alert.status.rawValue)")
        } catch let error as AlertingError {
            throw CLIError(message: error.description, exitCode: 2)
        }
    }
}

/// `vigil suppressions list|add|expire`.
struct Suppressions: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage alert suppression windows.", subcommands: [List.self, Add.self, Expire.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show every window, newest first.")
        @OptionGroup var options: ConfigurationOptions

        func run() async throws {
            try await exitOnFailure {
                let now = Date()
                for window in try VigilTasks.listSuppressions(try options.load()) {
                    let matchers = window.matchers.map { "\($0.name)\($0.op.rawValue)\($0.value)" }.joined(separator: ",")
                    print("\(window.id)  \(window.state(at: now).padding(toLength: 8, withPad: " ", startingAt: 0)) \(RFC3339.format(window.startsAt)) → \(RFC3339.format(window.endsAt))  {\(matchers)}  \(window.createdBy): \(window.comment)")
                }
            }
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Suppress matching alerts from now for a while.")
        @OptionGroup var options: ConfigurationOptions
        @Argument(help: "Matchers: name=value, name!=value, name=~regex, name!~regex (all must match).") var matchers: [String]
        @Option(help: "How long, in seconds.") var seconds: Double = 3600
        @Option(help: "Who creates it.") var createdBy: String
        @Option(help: "Why.") var comment = ""

        func run() async throws {
            try await exitOnFailure {
                do {
                    let window = try VigilTasks.addSuppression(try options.load(), matchers: matchers, seconds: seconds,
                                                               createdBy: createdBy, comment: comment)
                    print(window.id)
                } catch let error as AlertingError {
                    throw CLIError(message: error.description, exitCode: 2)
                }
            }
        }
    }

    struct Expire: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "End a window now.")
        @OptionGroup var options: ConfigurationOptions
        @Argument(help: "The window id.") var id: String

        func run() async throws {
            try await exitOnFailure {
                guard let window = try VigilTasks.expireSuppression(try options.load(), id: id) else {
                    throw CLIError(message: "no suppression '\(id)'", exitCode: 1)
                }
                print("\(window.id) ends \(RFC3339.format(window.endsAt))")
            }
        }
    }
}
