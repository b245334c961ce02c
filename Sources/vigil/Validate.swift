import ArgumentParser
import Foundation
import VigilCore
import VigilService

/// `vigil validate FILE.json`: asks a running Vigil over NATS (`vigil.validate`) and prints its
/// answer. Exit 0 compliant, 3 non-compliant, 2 the request is invalid, 1 no answer.
struct Validate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Validate a PolicyValidationRequest (bare or CloudEvent JSON) with a running Vigil.",
        discussion: "Exit status: 0 compliant, 3 not compliant, 2 the request was refused or unreadable, 1 no answer.")
    @OptionGroup var options: ConfigurationOptions
    @Argument(help: "JSON file holding the request.")
    var file: String
    @Option(help: "Seconds to wait for the answer.")
    var timeout = 5.0

    func run() async throws {
        try await exitOnFailure {
            let configuration = try options.load()
            let payload: Data
            do {
                payload = try Data(contentsOf: URL(fileURLWithPath: file))
            } catch {
                throw CLIError(message: "cannot read \(file): \(error.localizedDescription)", exitCode: 2)
            }
            let answer: VigilTasks.ValidationAnswer
            do {
                answer = try VigilTasks.validateOverNATS(configuration, payload: payload, timeout: timeout)
            } catch {
                throw CLIError(message: "no answer on \(configuration.validation.subject): \(error); is `vigil run` running?", exitCode: 1)
            }
            print(String(decoding: answer.body, as: UTF8.self))
            if let code = answer.errorCode {
                throw CLIError(message: "the request was refused (\(code))", exitCode: code == "unavailable" ? 1 : 2)
            }
            guard let response = answer.response else { throw CLIError(message: "the answer is not a PolicyValidationResponse", exitCode: 1) }
            if !response.isCompliant { throw ExitCode(3) }
        }
    }
}
