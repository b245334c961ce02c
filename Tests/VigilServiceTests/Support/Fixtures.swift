import Foundation
import VigilNATS
import VigilPostgres

/// Wire-format inputs written as JSON text, independent of Vigil's own Swift models, so the tests
/// check the contract rather than the encoder.
enum Payloads {
    /// A PolicyValidationRequest buying `quantity` AAPL at `price` for a 1,000,000 NAV portfolio.
    static func decision(id: String, portfolio: String, quantity: Double = 100, price: Double = 200,
                         timestamp: String = "2025-06-21T10:00:00Z") -> String {
        """
        {"decision":{"decision_id":"\(id)","portfolio_id":"\(portfolio)","timestamp":"\(timestamp)",\
        "orders":[{"symbol":"AAPL","side":"BUY","quantity":\(quantity),"price":\(price),"sector":"Technology",\
        "asset_class":"EQUITY","country":"US"}],"strategy":"e2e"},\
        "portfolio_state":{"portfolio_id":"\(portfolio)","nav":1000000,"cash":1000000,"positions":[],\
        "as_of":"2025-06-21T09:59:00Z"}}
        """
    }

    /// The same request wrapped in a CloudEvents 1.0 structured envelope.
    static func cloudEvent(wrapping request: String, id: String) -> String {
        #"{"specversion":"1.0","id":"\#(id)","source":"/e2e","type":"io.trading.decision","datacontenttype":"application/json","data":\#(request)}"#
    }
}

/// `portfolio_policies` rows owned by one test, scoped to its portfolios and removed afterwards.
struct TestPolicies {
    let connection: PostgresConnection
    private(set) var names: [String] = []

    init() throws {
        connection = try TestStack.postgres()
    }

    /// Inserts a POSITION_LIMIT policy scoped to `portfolios`; returns its unique name.
    mutating func insertPositionLimit(_ rules: String, portfolios: [String], level: String = "strict") throws -> String {
        let name = "e2e_\(TestStack.uniqueToken())"
        try connection.execute("""
            INSERT INTO portfolio_policies (policy_name, policy_type, policy_rules, enforcement_level, portfolio_ids, description)
            VALUES ($1, 'POSITION_LIMIT', $2::jsonb, $3, $4::text[], 'vigil e2e test')
            """, [.text(name), .text(rules), .text(level), .text("{\(portfolios.joined(separator: ","))}")])
        names.append(name)
        return name
    }

    func removeAll() {
        for name in names { _ = try? connection.execute("DELETE FROM portfolio_policies WHERE policy_name = $1", [.text(name)]) }
        connection.close()
    }
}

/// Reads what a JetStream stream holds on one subject filter, through a durable consumer this
/// tap creates and deletes. `.new` sees only what arrives after creation; `.all` everything stored.
final class StreamTap {
    let connection: NATSConnection
    let jetStream: JetStream
    let stream: String
    let durable: String
    private let subscription: PullSubscription

    init(stream: String, filter: String, deliver: ConsumerConfiguration.DeliverPolicy = .all) throws {
        connection = try TestStack.nats(name: "vigil-e2e-tap")
        jetStream = try connection.jetStream()
        self.stream = stream
        durable = "e2e-tap-\(TestStack.uniqueToken())"
        var configuration = ConsumerConfiguration(durableName: durable, filterSubject: filter)
        configuration.deliverPolicy = deliver
        configuration.maxAckPending = 100_000
        try jetStream.ensureConsumer(stream: stream, configuration)
        subscription = try jetStream.pullSubscribe(stream: stream, durable: durable)
    }

    /// Messages matching the filter that this tap has not fetched yet (stored count for a fresh `.all` tap).
    func pending() throws -> UInt64 { try jetStream.consumerInfo(stream: stream, durable: durable).pending }

    /// Fetches (and acks) until `done` says enough or `timeout` passes; returns everything fetched.
    func collect(timeout: Duration, until done: ([JetStreamMessage]) -> Bool) throws -> [JetStreamMessage] {
        var all: [JetStreamMessage] = []
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while clock.now < deadline, !done(all) {
            let batch = try subscription.fetch(batch: 1000, timeout: .milliseconds(100))
            for message in batch { try? message.ack() }
            all += batch
        }
        return all
    }

    /// Deletes the consumer; the stream and its messages stay.
    func close() {
        _ = try? connection.request(subject: "$JS.API.CONSUMER.DELETE.\(stream).\(durable)", timeout: .seconds(2))
        connection.close()
    }
}

/// A CloudEvent as received, parsed loosely so the test checks the wire format itself.
struct ReceivedEvent {
    let subject: String
    let messageID: String?
    let json: [String: Any]

    init(_ message: JetStreamMessage) throws {
        subject = message.subject
        messageID = message.headers["Nats-Msg-Id"]
        guard let object = try JSONSerialization.jsonObject(with: Data(message.payload)) as? [String: Any] else {
            throw VigilProcess.Failure("event on \(message.subject) is not a JSON object")
        }
        json = object
    }

    var id: String? { json["id"] as? String }
    var data: [String: Any] { json["data"] as? [String: Any] ?? [:] }
}

extension Array where Element == JetStreamMessage {
    func events() throws -> [ReceivedEvent] { try map(ReceivedEvent.init) }
}
