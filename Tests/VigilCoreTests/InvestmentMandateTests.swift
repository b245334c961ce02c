import Foundation
import Testing
@testable import VigilCore

@Suite("INVESTMENT_MANDATE")
struct InvestmentMandateTests {
    let state = Fixtures.state(positions: [
        Position(symbol: "XOM", quantity: 100, price: 100, sector: "Energy", assetClass: "EQUITY", country: "US"),
        Position(symbol: "AAPL", quantity: 100, price: 200, sector: "Technology", assetClass: "EQUITY", country: "US"),
    ])

    private func mandate(_ rules: [String: JSONValue], advisory: Bool = false) -> PolicyDefinition {
        RuleChecks.policy(.investmentMandate, rules, advisory: advisory)
    }

    @Test func assetClassOutsideTheMandateIsRejected() throws {
        let policy = mandate(["allowed_asset_classes": .array([.string("EQUITY"), .string("ETF")])])
        #expect(RuleChecks.evaluate([RuleChecks.order(.buy, "SPY", 10, at: 500, assetClass: "ETF")], state: state, policy).response.isCompliant)
        let verdict = RuleChecks.evaluate([RuleChecks.order(.buy, "BTC", 1, at: 60_000, assetClass: "CRYPTO")], state: state, policy)
        let violation = try #require(verdict.response.violations.first)
        #expect(violation.violationType == "ASSET_CLASS_NOT_ALLOWED")
        #expect(violation.severity == .high)
        #expect(violation.description.contains("CRYPTO"))
        #expect(violation.description.contains("EQUITY, ETF"))
        #expect(RuleChecks.suggested(verdict) == [0: 0])
    }

    @Test func missingAttributeIsAViolationNamingTheField() throws {
        let policy = mandate(["allowed_asset_classes": .array([.string("EQUITY")]), "excluded_countries": .array([.string("RU")])])
        let verdict = RuleChecks.evaluate([RuleChecks.order(.buy, "ZZZ", 1, at: 10, assetClass: nil, country: nil)], state: state, policy)
        #expect(!verdict.response.isCompliant)
        #expect(verdict.response.violations.map(\.violationType) == ["ASSET_CLASS_UNKNOWN", "COUNTRY_UNKNOWN"])
        #expect(verdict.response.violations[0].description.contains("`asset_class`"))
        #expect(verdict.response.violations[1].description.contains("`country`"))
    }

    @Test func excludedSectorAndCountryBlockNewExposureButNotSales() {
        let policy = mandate(["excluded_sectors": .array([.string("Energy")]), "excluded_countries": .array([.string("RU")])])
        let energy = RuleChecks.order(.buy, "CVX", 1, at: 150, sector: "Energy")
        #expect(RuleChecks.evaluate([energy], state: state, policy).response.violations.map(\.violationType) == ["EXCLUDED_SECTOR"])
        let russian = RuleChecks.order(.buy, "SBER", 1, at: 3, country: "RU")
        #expect(RuleChecks.evaluate([russian], state: state, policy).response.violations.map(\.violationType) == ["EXCLUDED_COUNTRY"])
        let divest = RuleChecks.order(.sell, "XOM", 100, at: 100, sector: "Energy")
        #expect(RuleChecks.evaluate([divest], state: state, policy).response.isCompliant)
        // Selling past zero opens a short in the excluded sector: that adds exposure.
        let flip = RuleChecks.order(.sell, "XOM", 101, at: 100, sector: "Energy")
        #expect(!RuleChecks.evaluate([flip], state: state, policy).response.isCompliant)
    }

    @Test func longOnlyAllowsSellingToZeroNotBelow() throws {
        let policy = mandate(["long_only": .bool(true)])
        #expect(RuleChecks.evaluate([RuleChecks.order(.sell, "AAPL", 100, at: 200)], state: state, policy).response.isCompliant)
        let verdict = RuleChecks.evaluate([RuleChecks.order(.sell, "AAPL", 101, at: 200)], state: state, policy)
        let violation = try #require(verdict.response.violations.first)
        #expect(violation.violationType == "LONG_ONLY")
        #expect(violation.description.contains("-1"))
        #expect(RuleChecks.suggested(verdict)[0] == 100)
    }

    @Test func longOnlyAdjustmentAndScaleAreLargestCompliant() {
        let policy = mandate(["long_only": .bool(true)])
        let orders = [RuleChecks.order(.sell, "AAPL", 70, at: 200), RuleChecks.order(.buy, "XOM", 5, at: 100),
                      RuleChecks.order(.sell, "AAPL", 70, at: 200)]
        RuleChecks.expectAdjustmentIsLargestCompliant(orders, state: state, policy, order: 2)
        RuleChecks.expectScaleIsLargestCompliant(orders, state: state, policy)
    }

    @Test func longOnlyNeverBlocksCoveringAnExistingShort() {
        let short = Fixtures.state(positions: [Position(symbol: "AAPL", quantity: -50, price: 200)])
        let policy = mandate(["long_only": .bool(true)])
        #expect(RuleChecks.evaluate([RuleChecks.order(.buy, "AAPL", 10, at: 200)], state: short, policy).response.isCompliant)
        #expect(!RuleChecks.evaluate([RuleChecks.order(.sell, "AAPL", 1, at: 200)], state: short, policy).response.isCompliant)
    }

    @Test func advisoryMandateDoesNotBlock() {
        let policy = mandate(["excluded_sectors": .array([.string("Energy")])], advisory: true)
        let verdict = RuleChecks.evaluate([RuleChecks.order(.buy, "CVX", 1, at: 150, sector: "Energy")], state: state, policy)
        #expect(verdict.response.isCompliant)
        #expect(verdict.response.violations.first?.advisory == true)
    }
}
