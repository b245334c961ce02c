// Temporary reproducer for the heap-corruption abort (branch `heap`): N worker threads fetch from one
// durable pull consumer, ack, and publishBatch() back into the stream (a closed loop), with the
// cnats connections / JetStream contexts shared or not according to the flags.
import Foundation
import Logging
import Synchronization
import VigilNATS

func flag(_ name: String, _ fallback: String) -> String {
    let args = CommandLine.arguments
    if let i = args.firstIndex(of: "--\(name)"), i + 1 < args.count { return args[i + 1] }
    return fallback
}


struct Worker: @unchecked Sendable {
    let subscription: PullSubscription
    let publisher: JetStream
}

@main enum HeapStress {
    static func main() throws {
        let url = ProcessInfo.processInfo.environment["VIGIL_NATS_URL"] ?? "nats://127.0.0.1:4222"
        let workers = Int(flag("workers", "2"))!
        let seconds = Double(flag("seconds", "60"))!
        let batch = Int(flag("batch", "256"))!
        let size = Int(flag("size", "3000"))!
        let seed = Int(flag("seed", "20000"))!
        let fanout = Int(flag("fanout", "1"))!          // messages published per message fetched
        let fetchConn = flag("fetch-conn", "shared")    // shared | own
        let fetchCtx = flag("fetch-ctx", "shared")      // shared | own
        let pubConn = flag("pub-conn", "shared")        // shared | own | fetch (the worker's fetch connection)
        let pubCtx = flag("pub-ctx", "own")             // shared | own | fetch (the worker's fetch context)
        let readHeaders = flag("headers", "0") == "1"
        let readMetadata = flag("metadata", "0") == "1"
        let sendAsap = flag("asap", "0") == "1"
        let rate = Int(flag("rate", "0"))!              // >0: a feeder publishes this many inputs/s, outputs go elsewhere
        let fetchWait = Int64(flag("fetch-wait", "200"))!  // milliseconds

        var logger0 = Logger(label: "heap-stress")
        logger0.logLevel = .warning
        let logger = logger0

        @Sendable func connect(_ name: String) throws -> NATSConnection {
            var c = NATSConfiguration(url: url)
            c.name = name
            c.sendAsap = sendAsap
            return try NATSConnection(configuration: c, logger: logger)
        }

        let run = String(UInt32.random(in: 0...UInt32.max), radix: 16)
        let streamName = "HEAP_\(run)"
        let subject = "heap.\(run)"
        let setup = try connect("setup")
        let setupJS = try setup.jetStream()
        var streamConfiguration = StreamConfiguration(name: streamName, subjects: ["\(subject).>"])
        streamConfiguration.storage = .memory
        streamConfiguration.maxMessages = 200_000
        try setupJS.ensureStream(streamConfiguration)
        var consumer = ConsumerConfiguration(durableName: "w", filterSubject: "\(subject).in.>")
        consumer.maxAckPending = 20_000
        consumer.ackWait = .seconds(30)
        try setupJS.ensureConsumer(stream: streamName, consumer)

        let payload = [UInt8](repeating: UInt8(ascii: "x"), count: size)
        let seedCount = rate > 0 ? 0 : seed
        for start in stride(from: 0, to: seedCount, by: 1000) {
            try setupJS.publishBatch((start..<min(seedCount, start + 1000)).map {
                OutboundMessage(subject: "\(subject).in.seed", payload: payload, headers: ["Ce-Id": "seed-\($0)"], messageID: "seed-\($0)")
            })
        }
        say("stream \(streamName) seeded with \(seed); workers=\(workers) fetch-conn=\(fetchConn) fetch-ctx=\(fetchCtx) pub-conn=\(pubConn) pub-ctx=\(pubCtx) batch=\(batch) size=\(size) headers=\(readHeaders) metadata=\(readMetadata)")

        let sharedFetchConnection = try connect("fetch-shared")
        let sharedFetchJS = try sharedFetchConnection.jetStream()
        let sharedPubConnection = try connect("pub-shared")
        let sharedPubJS = try sharedPubConnection.jetStream()

        var built: [Worker] = []
        for index in 0..<workers {
            let fconn = fetchConn == "shared" ? sharedFetchConnection : try connect("fetch-\(index)")
            let fjs = (fetchConn == "shared" && fetchCtx == "shared") ? sharedFetchJS : try fconn.jetStream()
            let subscription = try fjs.pullSubscribe(stream: streamName, durable: "w")
            let publisher: JetStream
            switch (pubConn, pubCtx) {
            case (_, "fetch"): publisher = fjs
            case ("fetch", _): publisher = try fconn.jetStream()
            case ("shared", "shared"): publisher = sharedPubJS
            case ("shared", _): publisher = try sharedPubConnection.jetStream()
            default: publisher = try connect("pub-\(index)").jetStream()
            }
            built.append(Worker(subscription: subscription, publisher: publisher))
        }

        let processed = Atomic<Int>(0)
        let published = Atomic<Int>(0)
        let errors = Atomic<Int>(0)
        let stop = Atomic<Bool>(false)
        let group = DispatchGroup()
        for (index, worker) in built.enumerated() {
            group.enter()
            let thread = Thread {
                defer { group.leave() }
                var serial = 0
                while !stop.load(ordering: .relaxed) {
                    do {
                        let messages = try worker.subscription.fetch(batch: batch, timeout: .milliseconds(fetchWait))
                        if messages.isEmpty { continue }
                        var outbound: [OutboundMessage] = []
                        outbound.reserveCapacity(messages.count * fanout)
                        var checksum = 0
                        for message in messages {
                            checksum &+= message.subject.utf8.count
                            checksum &+= message.payload.count
                            checksum &+= Int(message.streamSequence ?? 0)
                            if readHeaders { checksum &+= message.headers["Ce-Id"]?.utf8.count ?? 0 }
                            if readMetadata { checksum &+= Int((try? message.metadata().streamSequence) ?? 0) }
                            for _ in 0..<fanout {
                                serial += 1
                                let id = "w\(index)-\(serial)-\(run)"
                                outbound.append(OutboundMessage(subject: rate > 0 ? "\(subject).out.w\(index)" : "\(subject).in.w\(index)", payload: payload, headers: ["Ce-Id": id], messageID: id))
                            }
                        }
                        _ = checksum
                        try worker.publisher.publishBatch(outbound, timeout: .seconds(10))
                        for message in messages { try? message.ack() }
                        processed.add(messages.count, ordering: .relaxed)
                        published.add(outbound.count, ordering: .relaxed)
                    } catch {
                        if errors.add(1, ordering: .relaxed).newValue < 20 { say("worker \(index): \(error)") }
                    }
                }
            }
            thread.start()
        }

        if rate > 0 {
            group.enter()
            let feeder = try connect("feeder").jetStream()
            let feedThread = Thread {
                defer { group.leave() }
                let clock = ContinuousClock()
                let begin = clock.now
                var sent = 0
                while !stop.load(ordering: .relaxed) {
                    let due = Int(Double(rate) * Double((clock.now - begin).components.seconds) + Double(rate) * Double((clock.now - begin).components.attoseconds) / 1e18)
                    if due > sent {
                        let count = min(due - sent, 2000)
                        do {
                            try feeder.publishBatch((sent..<(sent + count)).map {
                                OutboundMessage(subject: "\(subject).in.feed", payload: payload, headers: ["Ce-Id": "f-\($0)"], messageID: "f-\($0)-\(run)")
                            })
                        } catch { say("feeder: \(error)") }
                        sent += count
                    }
                    usleep(2000)
                }
            }
            feedThread.start()
        }
        let clock = ContinuousClock()
        let started = clock.now
        var last = 0
        while clock.now - started < .seconds(seconds) {
            Thread.sleep(forTimeInterval: 5)
            let now = processed.load(ordering: .relaxed)
            say("t=\(Int((clock.now - started).components.seconds))s processed=\(now) (+\((now - last) / 5)/s) published=\(published.load(ordering: .relaxed)) errors=\(errors.load(ordering: .relaxed))")
            last = now
        }
        stop.store(true, ordering: .relaxed)
        group.wait()
        try? setupJS.deleteStream(name: streamName)
        say("done: processed=\(processed.load(ordering: .relaxed)) errors=\(errors.load(ordering: .relaxed))")

    }
}

func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
