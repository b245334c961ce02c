import Foundation
import Logging
import VigilNATS
import VigilPostgres

/// The servers started by `scripts/stack.sh up`, read from `VIGIL_*` variables. A missing variable
/// fails the test with a message saying how to start the stack: these tests never skip.
enum TestStack {
    struct MissingEnvironment: Error, CustomStringConvertible {
        let variable: String
        var description: String {
            "\(variable) is not set: run `scripts/stack.sh up` and `set -a; . .vigil/env; set +a` before `swift test`"
        }
    }

    static func value(_ variable: String) throws -> String {
        guard let value = ProcessInfo.processInfo.environment[variable], !value.isEmpty else {
            throw MissingEnvironment(variable: variable)
        }
        return value
    }

    /// Fails unless every server address the service needs is set.
    static func requireAll() throws {
        for variable in ["VIGIL_NATS_URL", "VIGIL_REDIS_URL", "VIGIL_DATABASE_URL"] { _ = try value(variable) }
    }

    /// A NATS connection that sends at once (request-reply latency matters more than throughput here).
    static func nats(name: String = "vigil-e2e") throws -> NATSConnection {
        var configuration = NATSConfiguration(url: try value("VIGIL_NATS_URL"))
        configuration.name = name
        configuration.sendAsap = true
        return try NATSConnection(configuration: configuration, logger: quietLogger)
    }

    static func postgres() throws -> PostgresConnection {
        try PostgresConnection(configuration: try PostgresConfiguration(url: try value("VIGIL_DATABASE_URL")),
                               logger: quietLogger)
    }

    /// Adapters log connection closes at info; the test output only needs warnings.
    static let quietLogger: Logger = {
        var logger = Logger(label: "vigil.e2e")
        logger.logLevel = .warning
        return logger
    }()

    /// A short lower-case token unique to this run, for portfolio ids, stream and policy names.
    static func uniqueToken() -> String {
        String(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12))
    }

    /// The package root, from this file's path (Tests/VigilServiceTests/Support/TestStack.swift).
    static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The built `vigil` executable: beside the test bundle, else `.build/debug/vigil`.
    static func vigilExecutable() throws -> URL {
        var candidates: [URL] = []
        if let override = ProcessInfo.processInfo.environment["VIGIL_TEST_BINARY"] { candidates.append(URL(fileURLWithPath: override)) }
        candidates.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("vigil"))
        candidates.append(repositoryRoot.appendingPathComponent(".build/debug/vigil"))
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw MissingEnvironment(variable: "the vigil executable (looked in \(candidates.map(\.path).joined(separator: ", ")); run `swift build`)")
        }
        return found
    }

    /// A loopback TCP port nobody listens on right now.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw MissingEnvironment(variable: "a free port (socket failed)") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw MissingEnvironment(variable: "a free port (bind failed)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// Polls `condition` every `interval` until it holds or `timeout` passes; returns whether it held.
func eventually(timeout: Duration, interval: Duration = .milliseconds(20), _ condition: () throws -> Bool) rethrows -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while clock.now < deadline {
        if try condition() { return true }
        Thread.sleep(forTimeInterval: Double(interval.components.attoseconds) / 1e18 + Double(interval.components.seconds))
    }
    return try condition()
}
