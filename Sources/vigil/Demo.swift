import ArgumentParser
import Foundation
import VigilService

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Publish sample decisions to a running Vigil and show the events and violations that come back.")
    @OptionGroup var options: ConfigurationOptions

    @Option(help: "How many sample decisions to publish.")
    var count = 5

    @Option(help: "Seconds to wait for the events.")
    var wait = 10.0

    func run() async throws {
        try await exitOnFailure {
            let configuration = try options.load()
            let report = try VigilTasks.demo(configuration, count: count, wait: wait)
            print(report.text)
            if !report.complete { throw CLIError(message: "not every event arrived within \(wait)s; is `vigil run` running?", exitCode: 1) }
        }
    }
}
