import ArgumentParser
import Foundation
import Logging
import VigilService

@main
struct Vigil: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vigil",
        abstract: "Policy-enforcement stream processor for trading platforms.",
        subcommands: [Run.self, Migrate.self, CheckConfig.self, Policies.self, Contracts.self, Validate.self, Demo.self,
                      Incidents.self, Breakers.self, Quarantine.self, Alerts.self, Suppressions.self, SLA.self, Version.self],
        defaultSubcommand: Run.self)
}

/// Flags shared by every command that needs a configuration.
struct ConfigurationOptions: ParsableArguments {
    @Option(name: .long, help: "YAML configuration file (default: $VIGIL_CONFIG, else none).")
    var config: String?

    @Option(name: .customLong("set"), help: ArgumentHelp("Override one key, e.g. --set decisions.batch_size=512.", valueName: "key=value"))
    var overrides: [String] = []

    @Option(name: .long, help: "Override log_level.")
    var logLevel: String?

    func load() throws -> VigilConfiguration {
        var values: [String: String] = [:]
        for item in overrides {
            guard let equals = item.firstIndex(of: "="), equals != item.startIndex else {
                throw ValidationError("--set expects key=value, got '\(item)'")
            }
            values[String(item[..<equals])] = String(item[item.index(after: equals)...])
        }
        if let logLevel { values["log_level"] = logLevel }
        let file = config ?? ProcessInfo.processInfo.environment["VIGIL_CONFIG"]
        do {
            return try ConfigurationLoader().load(file: file, overrides: values)
        } catch {
            throw CLIError(message: error.description, exitCode: 2)
        }
    }
}

/// A failure printed as one line on stderr, with the given exit code.
struct CLIError: Error, CustomStringConvertible {
    var message: String
    var exitCode: Int32
    var description: String { message }
}

/// The text of an `apply FILE`; exit code 2 naming the file when it cannot be read or is larger
/// than ``YAMLLimits/applyFile`` allows (it is not read past the limit).
func readInputFile(_ path: String) throws -> String {
    do {
        return try YAMLInput.read(file: path, limits: .applyFile)
    } catch {
        throw CLIError(message: "\(path): \(error.message); nothing was applied", exitCode: 2)
    }
}

/// What every `apply FILE` command does: load the configuration, read the YAML file, apply it all
/// or nothing, and print the result. A file that does not validate (`Invalid`) exits with code 2,
/// naming the file and the field; nothing is applied then.
func applyYAMLFile<Invalid: Error & CustomStringConvertible>(
    _ file: String, options: ConfigurationOptions, invalid: Invalid.Type,
    _ apply: (VigilConfiguration, String) throws -> String
) async throws {
    try await exitOnFailure {
        let configuration = try options.load()
        let text = try readInputFile(file)
        do {
            let output = try apply(configuration, text)
            if !output.isEmpty { print(output) }
        } catch let error as Invalid {
            throw CLIError(message: "\(file): \(error.description); nothing was applied", exitCode: 2)
        }
    }
}

/// `created NAME` / `updated NAME` lines, sorted by name, for what an `apply` wrote.
func appliedLines(_ applied: [String: Bool]) -> String {
    applied.sorted { $0.key < $1.key }.map { "\($0.value ? "created" : "updated") \($0.key)" }.joined(separator: "\n")
}

func makeLogger(_ configuration: VigilConfiguration) -> Logger {
    let level = Logger.Level(rawValue: configuration.logLevel) ?? .info
    LoggingSystem.bootstrap { label in
        var handler = StreamLogHandler.standardError(label: label)
        handler.logLevel = level
        // Inputs reach log messages and metadata: a newline in one must not print a forged line.
        return EscapingLogHandler(handler)
    }
    var logger = Logger(label: "vigil")
    logger[metadataKey: "instance"] = "\(configuration.instanceID)"
    return logger
}

func exitOnFailure(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as CLIError {
        FileHandle.standardError.write(Data("vigil: \(error.message)\n".utf8))
        throw ExitCode(error.exitCode)
    } catch let error as ValidationError {
        throw error
    } catch let error as ExitCode {
        throw error
    } catch {
        FileHandle.standardError.write(Data("vigil: \(error)\n".utf8))
        throw ExitCode(1)
    }
}

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the service until SIGTERM or SIGINT.")
    @OptionGroup var options: ConfigurationOptions

    func run() async throws {
        try await exitOnFailure {
            let configuration = try options.load()
            try await VigilRuntime.run(configuration, logger: makeLogger(configuration))
        }
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending database migrations and exit.")
    @OptionGroup var options: ConfigurationOptions

    func run() async throws {
        try await exitOnFailure {
            let configuration = try options.load()
            let applied = try VigilTasks.migrate(configuration, logger: makeLogger(configuration))
            print(applied.isEmpty ? "database is up to date" : "applied migrations \(applied.map(String.init).joined(separator: ", "))")
        }
    }
}

struct CheckConfig: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "check-config",
                                                    abstract: "Validate the configuration and print it with secrets redacted.")
    @OptionGroup var options: ConfigurationOptions

    func run() async throws {
        try await exitOnFailure {
            print(try options.load().redactedDescription)
        }
    }
}

struct Version: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the version.")
    func run() async throws { print("vigil \(VigilTasks.version)") }
}
