import Testing
import VigilPostgres

@Suite("text[] values")
struct ArrayTests {
    @Test func textArraysRoundTripWithAwkwardElements() throws {
        let connection = try TestDatabase.connect()
        let items = ["plain", "with,comma", "with \"quotes\"", "back\\slash", "{braces}", "NULL", "", "ünï 🚀", " spaced "]
        let row = try #require(try connection.query("SELECT $1::text[] AS a, cardinality($1::text[]) AS n", [.textArray(items)]).rows.first)
        #expect(try row.int("n") == items.count)
        // "NULL" quoted stays the text NULL in PostgreSQL; the parser cannot tell an unquoted NULL
        // element from it only when the server prints it unquoted, which it never does for text.
        #expect(try row.stringArray("a") == items)
    }

    @Test func emptyArrayRoundTrips() throws {
        let connection = try TestDatabase.connect()
        let row = try #require(try connection.query("SELECT $1::text[] AS a", [.textArray([])]).rows.first)
        #expect(try row.stringArray("a") == [])
    }
}
