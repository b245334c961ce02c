import Foundation
import Testing
@testable import VigilCore

@Suite("Decoding inputs")
struct InputDecoderTests {
    let decoder = InputDecoder()

    @Test func decodesBareJSON() throws {
        let request = try decoder.decode(PolicyValidationRequest.self, from: Fixtures.json(Fixtures.requestJSON))
        #expect(request.decision.decisionID == "d-1")
        #expect(request.decision.orders.first?.assetClass == "EQUITY")
        #expect(request.portfolioState?.nav == 1_000_000)
    }

    @Test func unwrapsCloudEvents() throws {
        let envelope = #"{"specversion":"1.0","id":"e1","source":"/coord","type":"decision","datacontenttype":"application/json","data":"# + Fixtures.requestJSON + "}"
        let request = try decoder.decode(PolicyValidationRequest.self, from: Fixtures.json(envelope))
        #expect(request.decision.portfolioID == "pf-1")
    }

    @Test func bareJSONThatMentionsSpecversionInAValueIsStillBare() throws {
        let text = Fixtures.requestJSON.replacingOccurrences(of: "\"AAPL\"", with: "\"\\\"specversion\\\"\"")
        let request = try decoder.decode(PolicyValidationRequest.self, from: Fixtures.json(text))
        #expect(request.decision.orders[0].symbol == "\"specversion\"")
    }

    private func error(_ text: String, limits: InputLimits = InputLimits()) -> InputError? {
        do {
            _ = try InputDecoder(limits: limits).decode(PolicyValidationRequest.self, from: Fixtures.json(text))
            return nil
        } catch {
            return error
        }
    }

    @Test func malformedJSONIsNamed() {
        #expect(error("{\"decision\": ")?.code == .malformedJSON)
        #expect(error("not json")?.code == .malformedJSON)
        #expect(error("")?.code == .malformedJSON)
    }

    @Test func missingFieldIsNamedWithItsPath() throws {
        let text = Fixtures.requestJSON.replacingOccurrences(of: "\"price\":200,", with: "")
        let failure = try #require(error(text))
        #expect(failure.code == .missingField)
        #expect(failure.field == "decision.orders[0].price")
    }

    @Test func wrongTypeIsNamedWithItsPath() throws {
        let text = Fixtures.requestJSON.replacingOccurrences(of: "\"quantity\":100", with: "\"quantity\":\"100\"")
        let failure = try #require(error(text))
        #expect(failure.code == .wrongType)
        #expect(failure.field == "decision.orders[0].quantity")
        #expect(failure.description.contains("expected a number"))
    }

    @Test func timestampWithoutZoneIsRefused() throws {
        let text = Fixtures.requestJSON.replacingOccurrences(of: "2025-06-21T10:00:00Z", with: "2025-06-21T10:00:00")
        let failure = try #require(error(text))
        #expect(failure.code == .invalidValue)
        #expect(failure.field == "decision.timestamp")
        #expect(failure.message.contains("zone"))
    }

    @Test("a year PostgreSQL cannot store is refused at decoding, naming the field")
    func yearZeroIsRefused() throws {
        let text = Fixtures.requestJSON.replacingOccurrences(of: "2025-06-21T10:00:00Z", with: "0000-01-01T00:00:00Z")
        let failure = try #require(error(text))
        #expect(failure.code == .invalidValue)
        #expect(failure.field == "decision.timestamp")
        #expect(failure.message.contains("0001-01-01"))
    }

    @Test("a NUL character anywhere is refused with the path of the field that holds it")
    func nulCharacterIsRefusedWithItsField() throws {
        let symbol = try #require(error(Fixtures.requestJSON.replacingOccurrences(of: "\"AAPL\"", with: "\"AA\\u0000PL\"")))
        #expect(symbol.code == .invalidValue)
        #expect(symbol.field == "decision.orders[0].symbol")
        #expect(symbol.message.contains("NUL"))
        let extra = try #require(error(Fixtures.requestJSON.replacingOccurrences(of: "{\"decision\":{", with: "{\"decision\":{\"strategy\":\"a\\u0000b\",")))
        #expect(extra.field == "decision.strategy")
        // An escaped backslash before `u0000` is text, not a NUL.
        let text = Fixtures.requestJSON.replacingOccurrences(of: "{\"decision\":{", with: "{\"decision\":{\"strategy\":\"a\\\\u0000b\",")
        #expect(error(text) == nil)
        #expect(try decoder.decode(PolicyValidationRequest.self, from: Fixtures.json(text)).decision.strategy == "a\\u0000b")
    }

    @Test("a key given twice, or a number beyond a Double, is refused naming the field")
    func duplicateKeysAndUnrepresentableNumbersAreNamed() throws {
        let twice = try #require(error(Fixtures.requestJSON.replacingOccurrences(of: "\"quantity\":100", with: "\"quantity\":100,\"quantity\":\"bad\"")))
        #expect(twice.code == .invalidValue)
        #expect(twice.field == "decision.orders[0].quantity")
        #expect(twice.message.contains("twice"))
        let escaped = try #require(error(Fixtures.requestJSON.replacingOccurrences(of: "\"quantity\":100", with: "\"quantity\":100,\"quan\\u0074ity\":7")))
        #expect(escaped.field == "decision.orders[0].quantity")
        for literal in ["1e400", "-1e400", "1e-400", "0.0000e-999999"] {
            let failure = error(Fixtures.requestJSON.replacingOccurrences(of: "\"quantity\":100", with: "\"quantity\":\(literal)"))
            if literal.hasPrefix("0.0000") {
                // Zero written with a huge exponent is zero, not an underflow: refused as not > 0.
                #expect(failure?.field == "decision.orders[0].quantity")
            } else {
                #expect(failure?.code == .invalidValue && failure?.field == "decision.orders[0].quantity", "\(literal): \(String(describing: failure))")
                #expect(failure?.message.contains("64-bit float") == true)
            }
        }
        // Same key in different objects is fine; the envelope's `data` path is named.
        let envelope = #"{"specversion":"1.0","id":"e1","source":"/s","type":"t","data":"# + Fixtures.requestJSON.replacingOccurrences(of: "\"quantity\":100", with: "\"quantity\":1e999") + "}"
        #expect(error(envelope)?.field == "data.decision.orders[0].quantity")
        #expect(JSONStructureCheck.firstProblem(in: Data(#"{"a":{"x":1},"b":{"x":[1,{"x":2}]},"c":[]}"#.utf8)) == nil)
        #expect(JSONStructureCheck.firstProblem(in: Data(#"{"a":[{"k":1,"k":2}]}"#.utf8))?.field == "a[0].k")
        #expect(JSONStructureCheck.firstProblem(in: Data(#"{"a":[1,2,1e999]}"#.utf8))?.field == "a[2]")
        #expect(JSONStructureCheck.firstProblem(in: Data(#"{"a":[1,"#.utf8)) == nil)
        let deep = JSONStructureCheck.firstProblem(in: Data(("{\"x\":" + String(repeating: "[", count: 600) + String(repeating: "]", count: 600) + "}").utf8))
        #expect(deep?.code == .tooLarge && deep?.field.hasPrefix("x[0][0]") == true && deep?.message.contains("512") == true)
        #expect(JSONStructureCheck.firstProblem(in: Data(("{\"x\":" + String(repeating: "[", count: 500) + String(repeating: "]", count: 500) + "}").utf8)) == nil)
    }

    @Test("a string breaking RFC 8259 is refused naming its field, even in a field Vigil ignores")
    func invalidStringsAreNamed() throws {
        func with(_ member: String) -> String {
            Fixtures.requestJSON.replacingOccurrences(of: "{\"decision\":{", with: "{\"decision\":{\(member),")
        }
        for (member, field, words) in [
            (#""x_note":"a\qb""#, "decision.x_note", "invalid escape \\q"),
            (#""strategy":"a\qb""#, "decision.strategy", "invalid escape \\q"),
            (#""x_note":"\u12""#, "decision.x_note", "four hexadecimal digits"),
            (#""x_note":"\ud800""#, "decision.x_note", "lone UTF-16 surrogate"),
            (#""x_note":"\udc00x""#, "decision.x_note", "lone UTF-16 surrogate"),
            (#""x_note":"\ud800\n""#, "decision.x_note", "lone UTF-16 surrogate"),
            ("\"x_note\":\"a\tb\"", "decision.x_note", "control character 0x09"),
            (#""x_\q":1"#, "decision", "a key has an invalid escape"),
            (#""x_ok":1,"x_\q":1"#, "decision", "a key has an invalid escape"),
        ] {
            let failure = try #require(error(with(member)), "\(member)")
            #expect(failure.code == .malformedJSON, "\(member)")
            #expect(failure.field == field, "\(member)")
            #expect(failure.message.contains(words), "\(member): \(failure.message)")
        }
        // Every escape JSON allows, a surrogate pair among them, still decodes.
        let valid = with(#""strategy":"\"\\\/\b\f\n\r\t\u0041\ud83d\ude00""#)
        #expect(error(valid) == nil)
        #expect(try decoder.decode(PolicyValidationRequest.self, from: Fixtures.json(valid)).decision.strategy == "\"\\/\u{8}\u{c}\n\r\tA😀")
    }

    @Test("an unknown key given twice is refused like a known one, on the fast path as on the slow one")
    func duplicateUnknownKeysAreNamed() throws {
        let twice = try #require(error(Fixtures.requestJSON.replacingOccurrences(of: "{\"decision\":{", with: "{\"decision\":{\"x_a\":1,\"x_a\":2,")))
        #expect(twice.code == .invalidValue && twice.field == "decision.x_a" && twice.message.contains("twice"))
        let nested = try #require(error(Fixtures.requestJSON.replacingOccurrences(of: "{\"decision\":{", with: "{\"decision\":{\"x_a\":{\"k\":[{\"b\":1,\"b\":2}]},")))
        #expect(nested.field == "decision.x_a.k[0].b")
        let envelope = #"{"specversion":"1.0","id":"e1","source":"/s","id":"e2","type":"t","data":"# + Fixtures.requestJSON + "}"
        #expect(try #require(error(envelope)).field == "id")
        // Different unknown keys, and the same key in sibling objects, are fine.
        #expect(error(Fixtures.requestJSON.replacingOccurrences(of: "{\"decision\":{", with: "{\"decision\":{\"x_a\":{\"b\":1},\"x_b\":{\"b\":1},")) == nil)
    }

    @Test func nulEscapeScan() {
        #expect(NULCharacter.isEscaped(in: Data(#"{"a":"x\u0000"}"#.utf8)))
        #expect(!NULCharacter.isEscaped(in: Data(#"{"a":"x\\u0000"}"#.utf8)))
        #expect(NULCharacter.isEscaped(in: Data(#"{"a":"x\\\u0000"}"#.utf8)))
        #expect(!NULCharacter.isEscaped(in: Data(#"{"a":"x\u0001"}"#.utf8)))
        #expect(!NULCharacter.isEscaped(in: Data(#"\u000"#.utf8)))
        #expect(NULCharacter.path(in: .object(["k": .array([.string("ok"), .object(["z\u{0}": .null])])]), at: "") == "k[1].z\u{0}")
    }

    @Test("finite numbers outside the trading range are refused, naming the field", arguments: [
        ("\"quantity\":100", "\"quantity\":1e16", "decision.orders[0].quantity"),
        ("\"quantity\":100", "\"quantity\":1e-13", "decision.orders[0].quantity"),
        ("\"nav\":1000000", "\"nav\":1e-320", "portfolio_state.nav"),
        ("\"nav\":1000000", "\"nav\":1e19", "portfolio_state.nav"),
    ])
    func outOfRangeNumbersAreRefused(_ original: String, _ replacement: String, _ field: String) throws {
        #expect(Fixtures.requestJSON.contains(original))
        let failure = try #require(error(Fixtures.requestJSON.replacingOccurrences(of: original, with: replacement)))
        #expect(failure.code == .invalidValue)
        #expect(failure.field == field, "\(failure)")
    }

    @Test("the trading range is configurable: a token with a larger supply fits once limits.max_quantity allows it")
    func theTradingRangeIsConfigurable() {
        let text = Fixtures.requestJSON.replacingOccurrences(of: "\"quantity\":100", with: "\"quantity\":2e15")
        #expect(error(text)?.field == "decision.orders[0].quantity")
        #expect(error(text, limits: InputLimits(maxQuantity: 1e18)) == nil)
        let tiny = Fixtures.requestJSON.replacingOccurrences(of: "\"quantity\":100", with: "\"quantity\":1e-15")
        #expect(error(tiny, limits: InputLimits(minPositive: 1e-18)) == nil)
    }

    @Test func theTradingRangeIncludesItsBounds() {
        #expect(error(Fixtures.requestJSON.replacingOccurrences(of: "\"quantity\":100", with: "\"quantity\":1e15")) == nil)
        #expect(error(Fixtures.requestJSON.replacingOccurrences(of: "\"quantity\":100", with: "\"quantity\":1e-12")) == nil)
        #expect(error(Fixtures.requestJSON.replacingOccurrences(of: "\"nav\":1000000", with: "\"nav\":1e18")) == nil)
    }

    @Test(arguments: ["NaN", "-5", "0", "1e999"])
    func nonPositiveOrNonFiniteQuantityIsRefused(_ literal: String) throws {
        let text = Fixtures.requestJSON.replacingOccurrences(of: "\"quantity\":100", with: "\"quantity\":\(literal)")
        let failure = try #require(error(text))
        #expect(failure.field == "decision.orders[0].quantity" || failure.code == .malformedJSON)
    }

    @Test func unknownSideIsRefused() throws {
        let text = Fixtures.requestJSON.replacingOccurrences(of: "\"BUY\"", with: "\"HOLD\"")
        let failure = try #require(error(text))
        #expect(failure.field == "decision.orders[0].side")
    }

    @Test func oversizePayloadIsRefusedBeforeDecoding() throws {
        let failure = try #require(error(Fixtures.requestJSON, limits: InputLimits(maxPayloadBytes: 100)))
        #expect(failure.code == .tooLarge)
    }

    @Test func tooManyOrdersIsRefused() throws {
        let failure = try #require(error(Fixtures.requestJSON, limits: InputLimits(maxOrdersPerDecision: 0)))
        #expect(failure.code == .tooLarge)
        #expect(failure.field == "decision.orders")
    }

    @Test func stateForAnotherPortfolioIsRefused() throws {
        let text = Fixtures.requestJSON.replacingOccurrences(of: "\"portfolio_id\":\"pf-1\",\"nav\"", with: "\"portfolio_id\":\"pf-2\",\"nav\"")
        let failure = try #require(error(text))
        #expect(failure.field == "portfolio_state.portfolio_id")
    }

    @Test func oldCloudEventsVersionIsRefused() throws {
        let failure = try #require(error(#"{"specversion":"0.3","data":{}}"#))
        #expect(failure.code == .unsupportedEnvelope)
    }

    @Test func emptyIDIsRefused() throws {
        let text = Fixtures.requestJSON.replacingOccurrences(of: "\"decision_id\":\"d-1\"", with: "\"decision_id\":\"\"")
        #expect(try #require(error(text)).field == "decision.decision_id")
    }
}
