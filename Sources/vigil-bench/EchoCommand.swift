import ArgumentParser
import Foundation
import VigilNATS

/// `vigil-bench echo`: the NATS half of Vigil and nothing else, to measure the floor `e2e` can reach
/// on a machine. It consumes the decisions stream through the same continuous pull Vigil uses and,
/// for each decision, publishes a minimal `policy_validation_completed` event to JetStream (waiting
/// for the acknowledgements, as Vigil does) and acks the input: no decoding, no evaluation, no
/// Redis, no PostgreSQL. Run it instead of `vigil run` (whose streams must exist: start `vigil run`
/// once), then `vigil-bench e2e` against it.
struct EchoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "echo", abstract: "Answer decisions with minimal events over NATS only, to measure the transport's floor.")

    @Option(help: "Stream holding the decisions.")
    var stream = "VIGIL_DECISIONS"

    @Option(help: "Durable consumer to create and use.")
    var durable = "vigil-bench-echo"

    @Option(help: "Largest batch per fetch.")
    var batch = 512

    @Option(help: "Stop after this long, e.g. 60s.", transform: BenchDuration.parse)
    var duration: Double = 60

    @Option(help: "Create the decisions and events streams first, kept in `file` or `memory` (for an experiment on a fresh server; by default they must exist).")
    var createStreams: String?

    func run() throws {
        let url = try BenchEnvironment.natsURL()
        var options = NATSConfiguration(url: url)
        options.name = "vigil-bench-echo"
        let consumeConnection = try NATSConnection(configuration: options)
        options.name = "vigil-bench-echo-publish"
        let publishConnection = try NATSConnection(configuration: options)
        defer { consumeConnection.close(); publishConnection.close() }
        let consumer = try consumeConnection.jetStream()
        if let createStreams {
            guard let storage: StreamConfiguration.Storage = ["file": .file, "memory": .memory][createStreams] else {
                throw BenchError("--create-streams must be file or memory, not \(createStreams)")
            }
            for (name, subject) in [(stream, "trading.decisions.>"), ("VIGIL_EVENTS", "vigil.events.>")] {
                var configuration = StreamConfiguration(name: name, subjects: [subject])
                configuration.storage = storage
                _ = try consumer.ensureStream(configuration)
            }
        }
        var configuration = ConsumerConfiguration(durableName: durable)
        configuration.maxAckPending = 50_000
        configuration.deliverPolicy = .new
        _ = try consumer.ensureConsumer(stream: stream, configuration)
        let subscription = try consumer.pullSubscribe(stream: stream, durable: durable)
        defer { subscription.close() }
        let publisher = try publishConnection.jetStream()
        let marker = Array("\"decision_id\":\"".utf8)
        var answered = 0
        let end = Monotonic.nanos() + UInt64(duration * 1e9)
        print("echo: answering \(stream) as \(durable) for \(duration) s")
        fflush(nil)  // all output streams: scripts/bench.sh waits for this line before sending the probe
        while Monotonic.nanos() < end {
            let messages = try subscription.fetch(batch: batch, timeout: .milliseconds(250))
            guard !messages.isEmpty else { continue }
            let events = messages.compactMap { message -> OutboundMessage? in
                guard let id = message.withPayload({ Self.value(after: marker, in: $0) }) else { return nil }
                let portfolio = message.subject.split(separator: ".").last.map(String.init) ?? "unknown"
                return OutboundMessage(subject: "vigil.events.policy_validation_completed.\(portfolio)",
                                       payload: Array("{\"decision_id\":\"\(id)\"}".utf8), messageID: "echo-\(id)")
            }
            try publisher.publishBatch(events, timeout: .seconds(10))
            for message in messages { try message.ack() }
            answered += messages.count
        }
        print("echo: answered \(Stats.grouped(answered)) decisions")
    }

    /// The string value that follows `marker` (up to the next quote), if any: a byte scan without
    /// allocation, so the echo costs as little CPU as it can.
    static func value(after marker: [UInt8], in bytes: UnsafeRawBufferPointer) -> String? {
        let count = marker.count
        guard bytes.count > count else { return nil }
        return marker.withUnsafeBytes { pattern -> String? in
            var index = 0
            while index <= bytes.count - count {
                if bytes[index] == pattern[0], memcmp(bytes.baseAddress! + index, pattern.baseAddress!, count) == 0 {
                    let start = index + count
                    var close = start
                    while close < bytes.count, bytes[close] != UInt8(ascii: "\"") { close += 1 }
                    guard close < bytes.count else { return nil }
                    return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<close]), as: UTF8.self)
                }
                index += 1
            }
            return nil
        }
    }
}
