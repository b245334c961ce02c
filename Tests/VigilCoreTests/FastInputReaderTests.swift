import Foundation
import Testing
@testable import VigilCore

/// The fast input reader against Foundation's JSONDecoder (the reference): for every input, both
/// must accept the same value or refuse with the same InputError code, field and message.
@Suite("Fast input reader matches Foundation")
struct FastInputReaderTests {
    static let request = #"{"decision":{"decision_id":"d-1","portfolio_id":"pf-1","timestamp":"2025-06-21T10:00:00Z","orders":[{"symbol":"AAPL","side":"BUY","quantity":100,"price":200.5,"sector":"Technology","asset_class":"EQUITY","country":"US"},{"symbol":"MSFT","side":"sell","quantity":2.5e1,"price":420}],"strategy":"s1","features_used":["f1","f2"]},"portfolio_state":{"portfolio_id":"pf-1","nav":1000000,"cash":-500.25,"positions":[{"symbol":"AAPL","quantity":-10,"price":199,"sector":"Technology","asset_class":"EQUITY","country":"US"},{"symbol":"MSFT","quantity":5,"price":0}],"as_of":"2025-06-21T09:59:00.125+02:00"},"applicable_policies":["p1"]}"#
    static let envelope = #"{"specversion":"1.0","id":"e1","source":"/coord","type":"decision","datacontenttype":"application/json","data":"# + request + "}"

    private func outcome<T: ValidatedInput & Equatable>(_ type: T.Type, _ bytes: Data, fast: Bool) -> Result<T, InputError> {
        Result { () throws(InputError) in try InputDecoder().decode(type, from: bytes, fastPath: fast) }
    }

    /// Asserts both paths agree on `text`; returns whether the fast reader handled it itself.
    @discardableResult
    private func agree<T: ValidatedInput & Equatable>(_ type: T.Type, _ bytes: Data, _ label: String) -> Bool {
        let fast = outcome(type, bytes, fast: true)
        let reference = outcome(type, bytes, fast: false)
        #expect(fast == reference, "\(label): \(String(decoding: bytes.prefix(300), as: UTF8.self))")
        return InputDecoder().fastDecode(type, from: bytes) != nil
    }

    @discardableResult
    private func agree(_ text: String, _ label: String = "") -> Bool {
        agree(PolicyValidationRequest.self, Data(text.utf8), label)
    }

    @Test func plainInputsTakeTheFastPathAndDecodeIdentically() throws {
        #expect(agree(Self.request, "bare"))
        #expect(agree(Self.envelope, "envelope"))
        #expect(agree(" \n\t" + Self.request + "\r\n ", "whitespace"))
        let decision = #"{"decision_id":"d","portfolio_id":"p","timestamp":"2025-01-01T00:00:00Z","orders":[{"symbol":"X","side":"Buy","quantity":1,"price":1}]}"#
        #expect(agree(TradingDecision.self, Data(decision.utf8), "decision"))
        let state = #"{"portfolio_id":"p","nav":1,"cash":0,"positions":[],"as_of":"2025-01-01T00:00:00Z","extra":{"a":[1,true,false,null,"x"]}}"#
        #expect(agree(PortfolioState.self, Data(state.utf8), "state"))
        let value = try InputDecoder().decode(PolicyValidationRequest.self, from: Data(Self.request.utf8))
        #expect(value.decision.orders[1].quantity == 25)
        #expect(value.portfolioState?.asOf == RFC3339.parse("2025-06-21T07:59:00.125Z"))
    }

    @Test func valueSwapsAgree() {
        let literals = ["null", "true", "false", "0", "-0", "1", "-1", "1.5", "1e2", "1E+2", "1e-2", "-2.5e-3", "01", "1.", ".5", "+1",
                        "1e400", "-1e400", "1e-400", "123456789012345678901234567890", "0.1234567890123456789", "9007199254740993",
                        "\"\"", "\"x\"", "\"100\"", "[]", "{}", "[1]", "{\"a\":1}", "NaN", "Infinity", "tru", "nul",
                        "\"BUY\"", "\"sell\"", "\"hold\"", "\"ſell\"", "\"2025-06-21T10:00:00Z\"", "\"2025-06-21T10:00:00\"",
                        "\"2025-02-30T10:00:00Z\"", "\"2025-06-21T10:00:00.5-05:30\"", "\"2025-06-21t10:00:00z\"", "\"é\"",
                        "\"a\\nb\"", "\"\\u0041\"", "\"\\ud800\"", "[\"a\",]", "\"\u{7F}\"", "\"a\tb\""]
        let keys = ["decision_id", "portfolio_id", "timestamp", "orders", "symbol", "side", "quantity", "price", "sector",
                    "asset_class", "country", "strategy", "features_used", "nav", "cash", "positions", "as_of",
                    "decision", "portfolio_state", "applicable_policies"]
        for key in keys {
            for literal in literals {
                agree(Self.replacingFirstValue(of: key, in: Self.request, with: literal), "\(key)=\(literal)")
                agree(Self.replacingFirstValue(of: key, in: Self.envelope, with: literal), "envelope \(key)=\(literal)")
            }
        }
        for (key, literal) in [("specversion", "\"1.0\""), ("specversion", "\"0.3\""), ("specversion", "1"), ("specversion", "null"),
                               ("datacontenttype", "null"), ("datacontenttype", "\"text/plain\""), ("datacontenttype", "\"APPLICATION/JSON\""),
                               ("datacontenttype", "5"), ("data", "null"), ("data", "{}"), ("data", "[]")] {
            agree(Self.replacingFirstValue(of: key, in: Self.envelope, with: literal), "envelope \(key)=\(literal)")
        }
    }

    @Test func missingAndDuplicatedKeysAgree() {
        let keys = ["decision_id", "portfolio_id", "timestamp", "orders", "symbol", "side", "quantity", "price", "sector",
                    "nav", "cash", "positions", "as_of", "decision", "portfolio_state", "specversion", "datacontenttype", "data"]
        for key in keys {
            for text in [Self.request, Self.envelope] {
                agree(text.replacingOccurrences(of: "\"\(key)\":", with: "\"x_\(key)\":"), "missing \(key)")
                agree(text.replacingOccurrences(of: "\"\(key)\":", with: "\"\(key)\":null,\"\(key)\":"), "null then \(key)")
                agree(Self.replacingFirstValue(of: key, in: text, with: "\"zz\",\"\(key)\":1"), "duplicate \(key)")
            }
        }
        agree(#"{"decision":{},"specversion":"1.0"}"#, "specversion without data")
        agree(#"{"specversion":"1.0","data":{},"specversion":"1.0"}"#, "duplicate specversion")
        // Unknown keys repeated, at any depth: the fast reader bails and both paths refuse alike.
        for (label, text) in [
            ("unknown twice", Self.request.replacingOccurrences(of: "\"strategy\":", with: "\"x_a\":1,\"x_a\":2,\"strategy\":")),
            ("nested unknown twice", Self.request.replacingOccurrences(of: "\"strategy\":", with: "\"x_a\":{\"b\":[{\"c\":1,\"c\":1}]},\"strategy\":")),
            ("envelope attribute twice", Self.envelope.replacingOccurrences(of: "\"type\":\"decision\",", with: "\"type\":\"decision\",\"type\":\"x\",")),
            ("top-level unknown twice", #"{"x":1,"x":2}"#),
        ] {
            #expect(!agree(text, label), "\(label)")
        }
        #expect(agree(Self.request.replacingOccurrences(of: "\"strategy\":", with: "\"x_a\":1,\"x_b\":2,\"strategy\":"), "two unknown keys"))
    }

    @Test func truncationsAndByteMutationsAgree() {
        for text in [Self.request, Self.envelope] {
            let bytes = Array(text.utf8)
            for end in 0..<bytes.count { agree(PolicyValidationRequest.self, Data(bytes[..<end]), "truncated at \(end)") }
        }
        var random = SplitMix(seed: 42)
        let inserts = Array("{}[],:\"\\0123456789-+.eE ntfu\u{01}".utf8) + [0xC3, 0xA9, 0xFF]
        for round in 0..<3_000 {
            var bytes = Array((round % 2 == 0 ? Self.request : Self.envelope).utf8)
            for _ in 0...(random.next() % 2) {
                let at = Int(random.next() % UInt64(bytes.count))
                switch random.next() % 3 {
                case 0: bytes.remove(at: at)
                case 1: bytes.insert(inserts[Int(random.next() % UInt64(inserts.count))], at: at)
                default: bytes[at] = inserts[Int(random.next() % UInt64(inserts.count))]
                }
            }
            agree(PolicyValidationRequest.self, Data(bytes), "mutation \(round)")
        }
    }

    @Test func nestingAndOddShapesAgree() {
        for depth in [10, 63, 64, 65, 600] {
            let nested = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
            agree(Self.request.replacingOccurrences(of: "\"strategy\":\"s1\"", with: "\"strategy\":\"s1\",\"deep\":\(nested)"), "depth \(depth)")
        }
        for text in ["", " ", "null", "[]", "{}", "\"x\"", "1", "{\"decision\":1}", Self.request + "x", Self.request + "{}",
                     "\u{FEFF}" + Self.request, Self.request.replacingOccurrences(of: "}]}", with: "},]}"),
                     Self.request.replacingOccurrences(of: "\"f1\"", with: "\"specversion\"")] {
            agree(text, "shape")
        }
    }

    /// Replaces the value after the first `"key":` (up to the next `,` `}` or `]` at depth 0).
    static func replacingFirstValue(of key: String, in text: String, with literal: String) -> String {
        guard let range = text.range(of: "\"\(key)\":") else { return text }
        var depth = 0, inString = false, index = range.upperBound
        while index < text.endIndex {
            let c = text[index]
            if inString { if c == "\\" { index = text.index(after: index) } else if c == "\"" { inString = false } }
            else if c == "\"" { inString = true }
            else if c == "{" || c == "[" { depth += 1 }
            else if c == "}" || c == "]" { if depth == 0 { break }; depth -= 1 }
            else if c == ",", depth == 0 { break }
            index = text.index(after: index)
        }
        return String(text[..<range.upperBound]) + literal + String(text[index...])
    }
}

/// A small deterministic generator, so a failing mutation can be reproduced.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
