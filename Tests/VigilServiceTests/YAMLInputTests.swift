import Foundation
import Testing
@testable import VigilService

/// The shape check itself: each limit, where it reports the problem, and what it leaves to Yams.
@Suite("YAMLInput limits")
struct YAMLInputTests {
    let small = YAMLLimits(maxBytes: 1000, maxDepth: 4, maxNodes: 50, maxExpandedBytes: 2000, allowsAliases: true)

    func code(_ text: String, _ limits: YAMLLimits) -> YAMLInputError.Code? {
        do { try YAMLInput.check(text, limits: limits); return nil } catch { return error.code }
    }

    @Test("depth counts flow and block collections alike, up to the limit and not one more")
    func depth() {
        #expect(code("[[[[1]]]]", small) == nil)
        #expect(code("[[[[[1]]]]]", small) == .tooDeep)
        #expect(code("a:\n  b:\n    c:\n      - 1\n", small) == nil)
        #expect(code("a:\n  b:\n    c:\n      - - 1\n", small) == .tooDeep)
        #expect(code("\"[[[[[[[[\": '{{{{{{{{'", small) == nil, "brackets inside quoted scalars are text")
    }

    @Test("an alias adds the depth and the nodes of what it repeats")
    func aliasesExpand() {
        #expect(code("a: &a [[1]]\nb: [*a]\n", small) == nil)
        #expect(code("a: &a [[1]]\nb: [[*a]]\n", small) == .tooDeep, "2 + 2 levels under the root mapping")
        let ten = "[" + Array(repeating: "x", count: 10).joined(separator: ",") + "]"
        #expect(code("a: &a \(ten)\nb: [*a, *a, *a]\n", small) == nil)
        #expect(code("a: &a \(ten)\nb: [*a, *a, *a, *a]\n", small) == .tooManyNodes)
    }

    @Test("an alias of one large string counts its bytes, not one node")
    func aliasesOfLargeScalarsCountTheirBytes() {
        let big = String(repeating: "x", count: 600)
        #expect(code("a: &s \(big)\nb: [*s, *s]\n", small) == nil)
        #expect(code("a: &s \(big)\nb: [*s, *s, *s]\n", small) == .tooManyNodes, "4 × 600 bytes > 2000")
        let mapping = "a: &m {k: \(big)}\nb: [*m, *m, *m]\n"
        #expect(code(mapping, small) == .tooManyNodes, "a collection's anchor carries its bytes too")
    }

    @Test("a key given twice in one mapping is refused; the same key in different mappings is fine")
    func duplicateKeys() {
        #expect(code("rules: {max_position_weight: 0.1, max_position_weight: 0.5}\n", .applyFile) == .duplicateKey)
        #expect(code("a: 1\nb: 2\na: 3\n", .configurationFile) == .duplicateKey)
        #expect(code("\"a\": 1\na: 2\n", .applyFile) == .duplicateKey, "quoting does not make a key different")
        #expect(code("- {a: 1}\n- {a: 2}\nb: [a, a]\n", .applyFile) != .duplicateKey)
        #expect(code("x: {a: 1}\ny: {a: 1, b: {a: 2}}\n", .applyFile) == nil)
        #expect(code("a: 1\nb: a\n", .applyFile) == nil, "a value equal to a key is not a key")
        #expect(code("&e level: strict\nrules: 1\n*e : advisory\n", .applyFile) == .duplicateKey, "an alias used as a key is that key")
        #expect(code("rules: {&k max_position_weight: 0.1, *k : 0.5}\n", .applyFile) == .duplicateKey)
        #expect(code("description: &k max_position_weight\nrules: {max_position_weight: 0.1, *k : 0.9}\n", .applyFile) == .duplicateKey)
        #expect(code("description: \"a\\0b\"\n", .applyFile) == .nulCharacter)
        #expect(throws: YAMLInputError(.duplicateKey, "gives the key 'a' twice in one mapping; YAML would keep only the last (at line 3, column 1)")) {
            try YAMLInput.check("a: 1\nb: 2\na: 3\n", limits: .applyFile)
        }
    }

    @Test("the reported nine-level alias bomb is refused at once for apply files and configuration alike")
    func reportedAliasBomb() {
        let started = ContinuousClock.now
        #expect(code(FileLoaderLimitTests.aliasBomb(levels: 9), .applyFile) == .tooManyNodes)
        #expect(code(FileLoaderLimitTests.aliasBomb(levels: 9), .configurationFile) == .aliasRefused)
        #expect(ContinuousClock.now - started < .seconds(1))
    }

    @Test("the message names the limit and the line and column where it was passed")
    func message() {
        #expect(throws: YAMLInputError(.tooDeep, "nests sequences and mappings more than 4 levels deep (at line 2, column 9)")) {
            try YAMLInput.check("ok: 1\nbad: [[[[[1]]]]]\n", limits: small)
        }
        #expect(throws: YAMLInputError(.aliasRefused, "uses the alias *a, and this file may not use aliases (at line 2, column 4)")) {
            try YAMLInput.check("a: &a 1\nb: *a\n", limits: .configurationFile)
        }
    }

    @Test("size: text and files over maxBytes are refused, files without being read whole")
    func size() throws {
        #expect(code(String(repeating: "#", count: 1001), small) == .tooLarge)
        #expect(code(String(repeating: "#", count: 1000), small) == nil)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-size-\(UUID().uuidString).yaml")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data(repeating: UInt8(ascii: "#"), count: (4 << 20) + 1).write(to: url)
        #expect(throws: YAMLInputError(.tooLarge, "is larger than the limit of 4194304 bytes")) {
            try YAMLInput.read(file: url.path, limits: .applyFile)
        }
        #expect(throws: YAMLInputError.self) { try YAMLInput.read(file: url.path + ".missing", limits: .applyFile) }
    }

    @Test("syntax errors are left to Yams, which reports them as before")
    func syntax() {
        #expect(code("a: [1, 2\nb: }", small) == nil)
        #expect(throws: (any Error).self) { try YAMLInput.compose("a: [1, 2\nb: }", limits: small) }
    }
}
